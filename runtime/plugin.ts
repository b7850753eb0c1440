/**
 * The plugin API. A plugin is a plain object; `definePlugin` only types it. Plugins add trigger
 * types, observe or wrap step runs through hooks, and may set up and dispose resources.
 * The built-in `http`, `queue`, `cron` and `state` triggers are plugins written against this API.
 */
import type { Schema } from './step/schema.ts'
import type { LoadedStep } from './discovery/loaded-step.ts'
import type { FiredTrigger, FlowContext } from './types/context.ts'
import type { MotiaRuntime } from './runtime-types.ts'
import type { LogSink } from './observability/logger.ts'
import type { SpanHandle, TraceStore } from './adapters/traces/types.ts'
import type { ResolvedConfig } from './config.ts'

/** Stops what `register` started. May be async (e.g. waits for in-flight handlers). */
export type Unregister = () => void | Promise<void>

/**
 * A trigger type: how a step's trigger of this `type` is validated and wired to the outside world.
 *
 * @example
 * const webhook: TriggerType = {
 *   type: 'webhook',
 *   schema: z.object({ type: z.literal('webhook'), source: z.string() }),
 *   register(step, trigger, runtime) {
 *     const off = myBus.on(trigger.source, (event) => runtime.run(step, trigger, event, { traceName: `webhook ${trigger.source}` }))
 *     return off
 *   },
 * }
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a registry holds every trigger type
export interface TriggerType<T extends { type: string } = any> {
  type: string
  /** Validates the trigger's config after folder conventions were merged in. */
  schema?: Schema
  /** Deeper checks that need the step (e.g. a cron expression); throw `ConfigError` to refuse. */
  validate?(trigger: T, step: LoadedStep): void
  /** Two triggers with the same key conflict (e.g. the same route); `undefined` never conflicts. */
  key?(trigger: T): string | undefined
  /** Starts delivering events to the step. */
  register(step: LoadedStep, trigger: T & { index: number }, runtime: MotiaRuntime): Unregister | Promise<Unregister>
}

/** A step run, as hooks see it. */
export interface StepRun {
  step: LoadedStep
  trigger: FiredTrigger
  input: unknown
  ctx: FlowContext
  /**
   * The run's span in `runtime.traces`, given to `onStepRun`, which is called before the span
   * ends: a hook may add events to it (the console records input and output this way).
   */
  span?: SpanHandle
}

/** How a run ended, as `onStepRun` sees it: `endedAt` in ms since the epoch. */
export type RunOutcome = { ok: true; output: unknown; durationMs: number; endedAt: number } | { ok: false; error: unknown; durationMs: number; endedAt: number }

/**
 * Hooks in three families: `on*` observe, `transform*` return the same shape, `wrap*` call `next`.
 */
export interface PluginHooks {
  /** After (re)loading steps, with every loaded step. */
  onStepsLoaded?(steps: readonly LoadedStep[], runtime: MotiaRuntime): void | Promise<void>
  /** After each step run, with its outcome, just before its span ends. */
  onStepRun?(run: StepRun, outcome: RunOutcome): void
  /** Around each handler call: call `next()` to run the handler (or the next wrapper). */
  wrapHandler?(run: StepRun, next: () => Promise<unknown>): Promise<unknown>
  /**
   * Once at start: returns the trace store the runtime records into, usually one that forwards to
   * `store` (an exporter). Plugins are applied in order, the last one outermost.
   */
  transformTraces?(store: TraceStore): TraceStore
  /** Once at start: returns the sink every log entry goes to, usually one that forwards to `sink`. */
  transformLogSink?(sink: LogSink): LogSink
}

/** A route a plugin serves on the project's HTTP server. */
export interface PluginRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  path: string
  handler(request: Request, params: Record<string, string>, runtime: MotiaRuntime): Response | Promise<Response>
}

/**
 * A `motia <name>` command. It runs in the project folder with the loaded config; it does not
 * start the runtime (a command that needs it calls `createRuntime` itself).
 */
export interface PluginCommand {
  name: string
  description: string
  /** Shown in `--help`, e.g. `<topic> <json>`. */
  usage?: string
  run(args: string[], env: { root: string; config: ResolvedConfig; log(line: string): void }): void | Promise<void>
}

export interface MotiaPlugin {
  name: string
  /**
   * The options the plugin was made with, checked against `optionsSchema` when the config loads
   * (`motia plugin add` checks them too). A factory plugin stores what it was called with here.
   */
  options?: unknown
  /** A synchronous zod / Standard Schema or JSON Schema for `options`. */
  optionsSchema?: Schema
  triggers?: TriggerType<any>[]
  hooks?: PluginHooks
  /**
   * Members added to every handler's context, built on first use in a run:
   * `context: { mqtt: (ctx) => client }` gives handlers `ctx.mqtt`. Declare their types by
   * augmenting `PluginContext`.
   */
  context?: Record<string, (ctx: FlowContext) => unknown>
  /** Routes served on the project's HTTP server from the first load on (not reloaded). */
  routes?: PluginRoute[]
  /** Commands added to the `motia` CLI. */
  commands?: PluginCommand[]
  /** Called once when the runtime starts, before steps are registered. */
  setup?(runtime: MotiaRuntime): void | Promise<void>
  /** Called once at shutdown, after triggers were unregistered. */
  dispose?(): void | Promise<void>
}

/**
 * Types a plugin. Exists only for inference.
 *
 * @example
 * export default definePlugin({ name: 'audit', hooks: { onStepRun: (run, r) => console.log(run.step.name, r.ok) } })
 */
export function definePlugin<const P extends MotiaPlugin>(plugin: P): P {
  return plugin
}

/**
 * Types a trigger type. Exists only for inference.
 */
export function defineTrigger<T extends { type: string }>(trigger: TriggerType<T>): TriggerType<T> {
  return trigger
}
