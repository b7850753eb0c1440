/**
 * The plugin API. A plugin is a plain object; `definePlugin` only types it. Plugins add trigger
 * types, observe or wrap step runs through hooks, and may set up and dispose resources.
 * The built-in `http`, `queue`, `cron` and `state` triggers are plugins written against this API.
 */
import type { Schema } from './step/schema.ts'
import type { LoadedStep } from './discovery/loaded-step.ts'
import type { FiredTrigger, FlowContext } from './step/types.ts'
import type { MotiaRuntime } from './runtime-types.ts'

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
}

/**
 * Hooks in three families: `on*` observe, `transform*` return the same shape, `wrap*` call `next`.
 */
export interface PluginHooks {
  /** After (re)loading steps, with every loaded step. */
  onStepsLoaded?(steps: readonly LoadedStep[], runtime: MotiaRuntime): void | Promise<void>
  /** After each step run, with its outcome. */
  onStepRun?(run: StepRun, outcome: { ok: true; output: unknown; durationMs: number } | { ok: false; error: unknown; durationMs: number }): void
  /** Around each handler call: call `next()` to run the handler (or the next wrapper). */
  wrapHandler?(run: StepRun, next: () => Promise<unknown>): Promise<unknown>
}

export interface MotiaPlugin {
  name: string
  triggers?: TriggerType<any>[]
  hooks?: PluginHooks
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
