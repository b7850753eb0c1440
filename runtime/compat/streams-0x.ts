/**
 * Motia 0.x's streams answered `set` with the stored item (`{ ...data, id }`); 1.0 (and ours)
 * answer `{ new_value, old_value }`. Left alone, a 0.x handler returning `await streams.x.set(…)`
 * would send the wrong shape without an error, so a 0.x step's handler sees a context whose
 * `streams.<name>.set` answers the item, as it did. Only 0.x steps pay for the wrapping.
 */
import type { StepInvoker } from '../discovery/loaded-step.ts'
import type { FlowContext } from '../types/context.ts'
import type { StreamHandle, StreamsContext } from '../streams/types.ts'

/** Wraps a 0.x step's invoker: its handler gets `ctx.streams` in the 0.x shape. */
export function withLegacyStreams(invoke: StepInvoker): StepInvoker {
  return (input, ctx) => invoke(input, legacyContext(ctx))
}

// --- internal ---

function legacyContext(ctx: FlowContext): FlowContext {
  let streams: StreamsContext | undefined
  return new Proxy(ctx, {
    get(target, key) {
      if (key === 'streams') return (streams ??= legacyStreams(target.streams))
      const value = Reflect.get(target, key, target)
      // Methods of the context read its private fields: call them on the context itself.
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

function legacyStreams(streams: StreamsContext): StreamsContext {
  const handles = new Map<string, StreamHandle>()
  return new Proxy(streams, {
    get(target, name) {
      const handle = Reflect.get(target, name) as StreamHandle | undefined
      if (typeof name !== 'string' || !handle) return handle
      let legacy = handles.get(name)
      if (!legacy) {
        legacy = { ...handle, set: async (groupId, id, data) => (await handle.set(groupId, id, data)).new_value as never }
        handles.set(name, legacy)
      }
      return legacy
    },
  })
}
