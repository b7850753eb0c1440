/**
 * The run path: every step run, whatever its trigger, goes through `admit` (the trigger's
 * condition), `begin` (a span, a context, the handler called through the plugins' wrappers) and
 * the run's `succeed`/`fail` (observers, the span's end). `run` is the three in one. Triggers get
 * these through `MotiaRuntime` (types/runtime.ts); the runner knows nothing of trigger types.
 *
 * The hot path — no middleware, no wrapping plugin, no condition — calls the handler with no
 * closure and no promise of its own: `begin` returns the handler's result as it is.
 *
 * Seams (see README.md): `context` builds a run's context from its facts, so durable workflows can
 * add their primitives and resume a run by building its context again; `step.invoke` is the only
 * way a handler is called, so a step of another language (runtime/languages/) runs as any other.
 */
import { errorMessage, toError } from '../errors.ts'
import type { TraceStore } from '../adapters/traces/types.ts'
import type { LoadedStep } from '../discovery/loaded-step.ts'
import { newTraceId } from '../observability/ids.ts'
import type { Logger } from '../observability/logger.ts'
import { conditionOf, recordSkip } from '../triggers/conditions.ts'
import type { FiredTrigger, FlowContext } from '../types/context.ts'
import type { MotiaPlugin, MotiaRuntime, PluginHooks, RunOptions } from '../types/runtime.ts'
import { ActiveRun, RunList, type RunBook } from './active-run.ts'
import type { RunFacts } from './context.ts'

export interface RunnerOptions {
  traces: TraceStore
  logger: Logger
  /** Builds a run's context from its facts (run/context.ts `createFlowContext`). */
  context(run: RunFacts): FlowContext
  /** Adds the plugins' context members (plugin-host.ts `contextExtender`); none when undefined. */
  extendContext?: (ctx: FlowContext) => void
  /** The plugins whose `wrapHandler` and `onStepRun` hooks every run passes through. */
  plugins: readonly MotiaPlugin[]
  /**
   * Starts a durable run when a trigger fires on a workflow step (runtime/workflows/engine.ts
   * `start`): the handler then runs in the run's executions, not in the trigger's run.
   */
  startWorkflow?: (run: ActiveRun) => Promise<unknown>
}

export interface Runner extends Pick<MotiaRuntime, 'run' | 'begin' | 'admit' | 'startTrace'> {
  /** Runs in progress, so that shutdown can wait for them and name the ones that never end. */
  readonly active: Iterable<ActiveRun> & { readonly size: number }
  /** Resolves once no run is in progress. */
  idle(): Promise<void>
}

// One closure of ~80 lines, on purpose: run, begin and admit share the active runs, the book and
// the wrappers, and the hot path reads them as locals rather than through an object.
export function createRunner(options: RunnerOptions): Runner {
  const { traces, logger, context, extendContext, startWorkflow } = options
  const wrappers = options.plugins.flatMap((p) => (p.hooks?.wrapHandler ? [p.hooks.wrapHandler] : []))
  const observers = options.plugins.flatMap((p) => (p.hooks?.onStepRun ? [p.hooks.onStepRun] : []))
  const active = new RunList()
  let idle: (() => void) | undefined

  const startTrace = (name: string, entry: string): string => {
    const id = newTraceId()
    traces.begin(id, name, entry, Date.now())
    return id
  }

  /** The trace a run belongs to: the one given, else a new one. */
  const traceFor = (step: LoadedStep, trigger: FiredTrigger, runOptions: RunOptions): string =>
    runOptions.traceId ?? startTrace(runOptions.traceName ?? `${trigger.type} ${step.name}`, trigger.type)

  const book: RunBook = {
    traces,
    observe: observers.length ? observeWith(observers, logger) : undefined,
    settled(run) {
      active.delete(run)
      if (active.size === 0) idle?.()
    },
  }

  const begin: Runner['begin'] = (step, trigger, input, runOptions = {}) => {
    const traceId = traceFor(step, trigger, runOptions)
    const startedAt = Date.now()
    const { workflow } = runOptions
    const span = traces.startSpan(traceId, step.name, workflow ? 'workflow' : trigger.type, startedAt, runOptions.attempt)
    const current = new ActiveRun(book, { step, trigger, input, traceId, span, attempt: runOptions.attempt ?? 1, startedAt, workflow })
    const ctx = (current.ctx = context(current))
    extendContext?.(ctx)
    active.add(current)
    try {
      // The common case (no middleware, no wrapping plugin) calls the handler with no closures.
      if (step.config.workflow && !workflow && startWorkflow) current.result = started(current, runOptions.around, startWorkflow)
      else current.result = runOptions.around || wrappers.length ? wrapped(current, runOptions.around, wrappers) : step.invoke(input, ctx)
    } catch (error) {
      current.fail(error)
      throw error
    }
    return current
  }

  const admit: Runner['admit'] = async (step, trigger, input, runOptions = {}) => {
    // A trigger's own `condition` is checked here for every trigger type.
    const when = runOptions.when ?? conditionOf(trigger, input)
    if (!when) return runOptions
    const traceId = traceFor(step, trigger, runOptions)
    // Span 0 records nothing: what the check reads is not a run of the step.
    if (await when(context({ step, trigger, input, traceId, span: 0, attempt: 1 }))) return { ...runOptions, traceId, when: undefined }
    if (!runOptions.when) recordSkip(traces, step, trigger, traceId)
    return undefined
  }

  const run: Runner['run'] = async (step, trigger, input, runOptions) => {
    if (runOptions?.when || (trigger as { condition?: unknown }).condition) {
      runOptions = await admit(step, trigger, input, runOptions)
      if (!runOptions) return undefined
    }
    const current = begin(step, trigger, input, runOptions)
    try {
      const output = await current.result
      current.succeed(output)
      return output
    } catch (thrown) {
      // Handlers may throw null, strings or plain objects: triggers get an Error either way.
      const error = toError(thrown)
      current.fail(error)
      throw error
    }
  }

  return {
    run,
    begin,
    admit,
    startTrace,
    active,
    idle: () => (active.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => (idle = resolve))),
  }
}

// --- internal ---

type Wrapper = NonNullable<PluginHooks['wrapHandler']>

/** Calls the handler through `around` (http middleware), inside the plugins' wrappers (the first outermost). */
function wrapped(run: ActiveRun, around: RunOptions['around'], wrappers: readonly Wrapper[]): Promise<unknown> {
  const { step, trigger, input, ctx } = run
  const call = () => step.invoke(input, ctx)
  let next = around ? () => around(ctx, call) : call
  for (let i = wrappers.length - 1; i >= 0; i--) {
    const wrap = wrappers[i]!
    const inner = next
    next = () => wrap({ step, trigger, input, ctx }, inner)
  }
  return next()
}

/** A trigger fired on a workflow step: the run is started (through `around`, the http middleware), not executed here. */
function started(run: ActiveRun, around: RunOptions['around'], start: (run: ActiveRun) => Promise<unknown>): Promise<unknown> {
  return around ? around(run.ctx, () => start(run)) : start(run)
}

/** Observers only watch: one that throws is logged and never changes the run's outcome. */
function observeWith(observers: ReadonlyArray<NonNullable<PluginHooks['onStepRun']>>, logger: Logger): NonNullable<PluginHooks['onStepRun']> {
  const report = (error: unknown) => logger.error(`[motia] onStepRun hook failed: ${errorMessage(error)}`, { error: error as Error })
  return (run, outcome) => {
    for (const observer of observers) {
      try {
        const result = observer(run, outcome) as unknown
        if (result instanceof Promise) result.catch(report)
      } catch (error) {
        report(error)
      }
    }
  }
}
