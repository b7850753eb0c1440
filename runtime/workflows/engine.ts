/**
 * The durable-run engine. A trigger of a workflow step starts a run: the run is stored (queued)
 * and a drive message for it goes on the project's queue (topic `motia.workflow`, one queue per
 * step). Each delivery of a drive message is one execution: the handler runs from the top with
 * the recorded checkpoints replayed (execution.ts). An execution ends when the handler returns
 * (completed), throws (failed), or parks at a sleep or a wait — then a drive message delayed until
 * the wake-up is published, and the run lives only in the store and the queue: no timer, no
 * promise, no memory per sleeping run. A message on a topic some step waits for reaches that
 * step's wait queue (`<step>#wait`, a subscriber of the topic like any other), whose consumer
 * completes the matching waits and drives their runs.
 *
 * What makes it durable is the queue's at-least-once delivery: a drive message is acknowledged
 * only after its execution ended, so an instance killed mid-execution leaves it to be delivered
 * again (SQLite: to the next server; Redis: to any instance) and the run resumes from its last
 * recorded checkpoint. Duplicate deliveries are harmless: checkpoints are first-writer-wins in
 * the store, and status changes are compare-and-set on the run's execution count.
 */
import { errorMessage } from '../errors.ts'
import type { QueueAdapter, QueueMessage } from '../adapters/queue/types.ts'
import type { SharedTraceStore, SpanEvent, TraceStore } from '../adapters/traces/types.ts'
import { liveStatuses, type WorkflowRun, type WorkflowStore } from '../adapters/workflows/types.ts'
import type { LoadedStep } from '../discovery/loaded-step.ts'
import type { Logger } from '../observability/logger.ts'
import type { ActiveRun } from '../run/active-run.ts'
import type { FiredTrigger, HttpRequest } from '../types/context.ts'
import type { MotiaRuntime } from '../types/runtime.ts'
import { Execution } from './execution.ts'
import { waitQueue } from '../topics.ts'
import { matches } from './match.ts'
import { isWorkflow, workflowLimits, type WorkflowLimits } from './options.ts'

/** The topic of drive messages; each workflow step consumes its own queue on it. */
export const driveTopic = 'motia.workflow'


export interface WorkflowEngineOptions {
  store: WorkflowStore
  queue: QueueAdapter
  traces: TraceStore
  logger: Logger
  begin: MotiaRuntime['begin']
  startTrace: MotiaRuntime['startTrace']
}

export interface WorkflowEngine {
  /** Starts a run for a trigger that fired on a workflow step; resolves what the trigger answers. */
  start(active: ActiveRun): Promise<unknown>
  /** Consumes the drive and wait queues of the workflow steps in `steps` (after each load). */
  swap(steps: readonly LoadedStep[]): Promise<void>
  /** Stops consuming; running executions finish. */
  stop(): Promise<void>
  store: WorkflowStore
}

export function createWorkflowEngine(options: WorkflowEngineOptions): WorkflowEngine {
  const { store, queue, traces, logger, begin, startTrace } = options
  const shared = typeof (traces as Partial<SharedTraceStore>).fetch === 'function'
  let consumers: Array<() => Promise<void>> = []
  let recovered = false

  const drive = async (step: LoadedStep, limits: WorkflowLimits, message: QueueMessage) => {
    const runId = (message.data as { runId?: unknown } | null)?.runId
    if (typeof runId !== 'string') return
    const stored = await store.get(runId)
    if (!stored || stored.step !== step.name || !liveStatuses.includes(stored.status)) return
    // A trace store that forgets (memory, after a restart) cannot continue the run's trace: the run
    // goes on in a new one, named after it; a shared store (Redis) continues it on any instance.
    const traceId = shared || traces.get(stored.traceId) ? stored.traceId : startTrace(`workflow ${step.name} (run ${runId}, resumed)`, 'workflow')
    const run = await store.transition(runId, liveStatuses, { status: 'running', executed: true, wakeAt: null, pending: null, traceId })
    if (!run) return
    const recorded = await store.checkpoints(runId)
    const trigger = step.triggers[run.trigger] ?? step.triggers[0]!
    const execution = new Execution({ store, traces, step, run, recorded, limits, logger })
    let active: ActiveRun
    let outcome: { output: unknown } | { error: unknown } | { parked: true }
    try {
      // No `attempt`: executions are not retries of one delivery (a trace counts a span with
      // attempt > 1 as retrying a failed one), and `ctx.attempt` stays 1.
      active = begin(step, trigger, inputOf(trigger, run.input), { traceId: run.traceId, workflow: execution }) as ActiveRun
      outcome = await Promise.race([
        Promise.resolve(active.result).then(
          (output) => ({ output }),
          (error: unknown) => ({ error }),
        ),
        execution.parked.then(() => ({ parked: true as const })),
      ])
    } catch (error) {
      // The handler threw before returning: `begin` failed the run already.
      return settle(run, { error })
    }
    if ('output' in outcome) {
      try {
        execution.checkComplete()
      } catch (error) {
        outcome = { error }
      }
    }
    await settle(run, outcome, execution, active)
  }

  const settle = async (run: WorkflowRun, outcome: { output: unknown } | { error: unknown } | { parked: true }, execution?: Execution, active?: ActiveRun) => {
    const event = (fields: Record<string, unknown>) => active && traces.addEvent(active.span, { type: 'workflow', run: run.id, at: Date.now(), ...fields } as SpanEvent)
    if ('parked' in outcome) {
      const parking = execution!.parking!
      const moved = await store.transition(run.id, ['running'], { status: parking.kind === 'sleep' ? 'sleeping' : 'waiting', wakeAt: parking.until ?? null, pending: parking.id }, run.executions)
      if (moved && parking.until !== undefined) {
        await queue.publish(driveTopic, [run.step], { runId: run.id }, { traceId: run.traceId, delayMs: Math.max(0, parking.until - Date.now()), id: `wake:${run.id}:${parking.id}:${parking.until}` })
      }
      active?.succeed(undefined)
      return
    }
    if ('output' in outcome) {
      const done = await store.transition(run.id, ['running'], { status: 'completed', output: jsonSafe(outcome.output) }, run.executions)
      event({ op: done ? 'completed' : 'ended' })
      active?.succeed(outcome.output)
      return
    }
    const { error } = outcome
    if ((error as { code?: unknown } | null)?.code !== 'RUN_ENDED') {
      const failed = await store.transition(run.id, ['running'], { status: 'failed', error: errorMessage(error) }, run.executions)
      if (failed) logger.error(`[motia] workflow run ${run.id} of step "${run.step}" failed: ${errorMessage(error)}`, { traceId: run.traceId, step: run.step, runId: run.id })
    }
    active?.fail(error)
  }

  const hear = async (step: LoadedStep, message: QueueMessage) => {
    for (const wait of await store.waits(message.topic)) {
      if (wait.step !== step.name || !matches(wait.match, message.data)) continue
      const checkpoint = await store.resolve(wait.runId, wait.checkpoint, { ok: true, data: message.data })
      if (!checkpoint) continue
      await queue.publish(driveTopic, [step.name], { runId: wait.runId }, { traceId: message.traceId, id: `heard:${wait.runId}:${wait.checkpoint}` })
    }
  }

  const recover = async (steps: readonly LoadedStep[]) => {
    // A run stored but whose first drive message was never published (the process died between
    // the two) is queued again; a run that has one already is deduplicated by the same id.
    for (const step of steps) {
      for (const run of await store.list({ status: 'queued', step: step.name, limit: 1000 })) {
        await queue.publish(driveTopic, [step.name], { runId: run.id }, { traceId: run.traceId, id: `start:${run.id}` })
      }
    }
  }

  return {
    store,
    async start(active) {
      const { step, trigger, input, traceId } = active
      const now = Date.now()
      const id = newRunId(now)
      await store.create({ id, step: step.name, trigger: trigger.index, input: storedInput(trigger, input), traceId, status: 'queued', createdAt: now, updatedAt: now, executions: 0 })
      await queue.publish(driveTopic, [step.name], { runId: id }, { traceId, id: `start:${id}` })
      traces.addEvent(active.span, { type: 'workflow', op: 'start', run: id, at: Date.now() } as SpanEvent)
      return trigger.type === 'http' ? { status: 202, body: { runId: id, status: 'queued' } } : { runId: id }
    },
    async swap(steps) {
      const previous = consumers
      consumers = []
      for (const stop of previous) void stop().catch((error: unknown) => logger.error(`[motia] workflow consumer failed to stop: ${errorMessage(error)}`))
      const workflows: LoadedStep[] = []
      for (const step of steps) {
        if (!isWorkflow(step)) continue
        let limits: WorkflowLimits
        try {
          limits = workflowLimits(step)
        } catch (error) {
          logger.error(errorMessage(error))
          continue
        }
        workflows.push(step)
        consumers.push(
          await queue.consume(
            { topic: driveTopic, step: step.name, maxRetries: 5, backoff: { type: 'exponential', delayMs: 1000 }, visibilityTimeoutMs: limits.timeoutMs, timeoutMs: limits.timeoutMs, concurrency: limits.concurrency, fifo: false },
            (message) => drive(step, limits, message),
          ),
        )
        for (const topic of limits.waitsFor) {
          consumers.push(
            await queue.consume(
              { topic, step: waitQueue(step.name), maxRetries: 5, backoff: { type: 'exponential', delayMs: 1000 }, visibilityTimeoutMs: 30_000, concurrency: 10, fifo: false },
              (message) => hear(step, message),
            ),
          )
        }
      }
      if (!recovered && workflows.length > 0) {
        recovered = true
        await recover(workflows).catch((error: unknown) => logger.error(`[motia] workflow runs could not be recovered: ${errorMessage(error)}`))
      }
    },
    async stop() {
      const stopping = consumers
      consumers = []
      await Promise.all(stopping.map((stop) => stop()))
    },
  }
}

/** Cancels a run that has not ended; resolves it as it is now, or undefined when it had ended (or does not exist). */
export function cancelRun(store: WorkflowStore, id: string, reason = 'cancelled'): Promise<WorkflowRun | undefined> {
  return store.transition(id, liveStatuses, { status: 'cancelled', error: reason })
}

/**
 * Wakes a sleeping run now, or times out a waiting one now, and drives it. Resolves the run, or
 * undefined when it was neither sleeping nor waiting.
 */
export async function wakeRun(store: WorkflowStore, queue: QueueAdapter, id: string): Promise<WorkflowRun | undefined> {
  const run = await store.get(id)
  if (!run || (run.status !== 'sleeping' && run.status !== 'waiting') || !run.pending) return undefined
  await store.resolve(id, run.pending, run.status === 'sleeping' ? null : { ok: false, timedOut: true })
  await queue.publish(driveTopic, [run.step], { runId: id }, { traceId: run.traceId, id: `woken:${id}:${run.pending}` })
  return run
}

// --- internal ---

let runCount = 0

function newRunId(now: number): string {
  runCount = (runCount + 1) % 0x100000
  return `run_${now.toString(36)}${runCount.toString(36).padStart(4, '0')}${crypto.randomUUID().slice(0, 8)}`
}

/** What a run keeps of its input: JSON. An http request keeps its body, path, params, query and method, not its headers. */
function storedInput(trigger: FiredTrigger, input: unknown): unknown {
  if (trigger.type === 'http') {
    const req = input as HttpRequest
    return { body: req.body, params: req.params, query: req.query, method: req.method, path: req.path }
  }
  return jsonSafe(input)
}

/** The input an execution's handler gets, from the stored one. */
function inputOf(trigger: FiredTrigger, stored: unknown): unknown {
  if (trigger.type !== 'http') return stored
  const req = (stored ?? {}) as { body?: unknown; params?: Record<string, string>; query?: Record<string, string>; method?: string; path?: string }
  const params = req.params ?? {}
  const query = req.query ?? {}
  return { body: req.body, params, pathParams: params, query, queryParams: query, headers: {}, method: req.method ?? 'POST', path: req.path ?? '/' }
}

function jsonSafe(value: unknown): unknown {
  try {
    const text = JSON.stringify(value)
    return text === undefined ? undefined : JSON.parse(text)
  } catch {
    return String(value)
  }
}
