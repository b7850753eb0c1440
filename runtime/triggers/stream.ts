/**
 * The `stream` trigger: runs a step after an item of `streamName` is created, updated or deleted
 * (by any step, in the writer's trace). `groupId` and `itemId` narrow it; `condition` decides per
 * change and records nothing when false, as for state. Ephemeral events (`send`) do not fire it.
 */
import { ConfigError, errorMessage } from '../errors.ts'
import { defineTrigger } from '../plugin.ts'
import type { FlowContext, StreamTriggerConfig } from '../types/context.ts'
import type { StreamTriggerInput } from '../types/context.ts'

export const streamTrigger = defineTrigger<StreamTriggerConfig>({
  type: 'stream',
  validate(trigger, step) {
    if (typeof trigger.streamName !== 'string' || trigger.streamName === '') {
      throw new ConfigError(
        `[motia] step "${step.name}" (${step.relativePath}): a stream trigger names its stream: { type: 'stream', streamName: 'todo' } (or put the file under steps/stream/<name>/)`,
        { file: step.relativePath },
      )
    }
    for (const field of ['groupId', 'itemId'] as const) {
      if (trigger[field] !== undefined && typeof trigger[field] !== 'string') {
        throw new ConfigError(`[motia] step "${step.name}" (${step.relativePath}): stream trigger ${field} must be a string`, { file: step.relativePath })
      }
    }
  },
  register(step, trigger, runtime) {
    if (runtime.streams && !runtime.streams.has(trigger.streamName!)) {
      runtime.logger.warn(`[motia] step "${step.name}" (${step.relativePath}) listens to stream "${trigger.streamName}", which no *.stream.ts file defines: it runs once the stream exists`)
    }
    return runtime.on('stream:change', (change, origin) => {
      if (change.event.type === 'event' || change.streamName !== trigger.streamName || change.id === undefined) return
      if (trigger.groupId !== undefined && trigger.groupId !== change.groupId) return
      if (trigger.itemId !== undefined && trigger.itemId !== change.id) return
      const input: StreamTriggerInput = {
        type: 'stream',
        timestamp: change.timestamp,
        streamName: change.streamName,
        groupId: change.groupId,
        id: change.id,
        // The step's own copy: the change holds the writer's object (the store keeps a copy of its
        // own), which the writer may change after its set returned, and other listeners see it too.
        event: { type: change.event.type, data: structuredClone(change.event.data) },
      }
      const condition = trigger.condition
      const when = condition ? (ctx: FlowContext) => condition(input, ctx) : undefined
      runtime.run(step, trigger, input, { traceId: origin.traceId, traceName: `stream ${change.streamName} ${change.event.type}`, when }).catch((error) => {
        runtime.logger.error(`[motia] stream step "${step.name}" failed: ${errorMessage(error)}`, { traceId: origin.traceId, step: step.name, error: error as Error })
      })
    })
  },
})
