/**
 * The `state` trigger: runs a step after a state write (`created`, `updated`, `deleted`) made by any
 * step, in the same trace. `group` narrows it to one group; `condition` decides per change.
 */
import { ConfigError, errorMessage } from '../errors.ts'
import { defineTrigger } from '../plugin.ts'
import type { FlowContext, StateTriggerConfig } from '../types/context.ts'

export const stateTrigger = defineTrigger<StateTriggerConfig>({
  type: 'state',
  validate(trigger, step) {
    if (trigger.condition !== undefined && typeof trigger.condition !== 'function') {
      throw new ConfigError(`[motia] step "${step.name}" (${step.relativePath}): state trigger condition must be a function (input, ctx) => boolean`, {
        file: step.relativePath,
      })
    }
  },
  register(step, trigger, runtime) {
    return runtime.on('state:change', (change, origin) => {
      if (trigger.group !== undefined && trigger.group !== change.group) return
      const condition = trigger.condition
      const when = condition ? (ctx: FlowContext) => condition(change, ctx) : undefined
      runtime.run(step, trigger, change, { traceId: origin.traceId, when }).catch((error) => {
        runtime.logger.error(`[motia] state step "${step.name}" failed: ${errorMessage(error)}`, { traceId: origin.traceId, step: step.name, error: error as Error })
      })
    })
  },
})
