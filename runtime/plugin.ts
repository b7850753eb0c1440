/**
 * The plugin API. A plugin is a plain object (`MotiaPlugin`, in runtime/types/runtime.ts);
 * `definePlugin` only types it. Plugins add trigger types, observe or wrap step runs through hooks,
 * and may set up and dispose resources. The built-in `http`, `queue`, `cron`, `state` and `stream`
 * triggers are plugins written against this API.
 */
import type { MotiaPlugin, TriggerType } from './types/runtime.ts'

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
