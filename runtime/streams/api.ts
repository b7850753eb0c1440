/**
 * `ctx.streams.<name>`: the handler-facing stream API over the hub. Writes are validated against
 * the stream's schema before anything is stored; every operation is recorded on the run's span.
 */
import { MotiaError, ValidationError } from '../errors.ts'
import { applyUpdateOps } from '../adapters/state/ops.ts'
import { formatIssues, type ValidationResult } from '../step/schema.ts'
import type { LoadedStream } from './definitions.ts'
import { addressProblem, isAddressPart } from './address.ts'
import { withId, type StreamHub } from './hub.ts'
import type { StreamHandle, StreamsContext } from './types.ts'

/** Called for every operation, to put it on the span. */
export type RecordStreamOp = (op: string, stream: string, groupId: string, id?: string) => void

/**
 * The `streams` member of a context: a handle per stream name, made on first use. An unknown name
 * throws a `MotiaError` listing the streams that exist.
 */
export function createStreamsContext(hub: StreamHub, record: RecordStreamOp, traceId?: string): StreamsContext {
  const handles = new Map<string, StreamHandle>()
  return new Proxy({} as StreamsContext, {
    get(_, name) {
      if (typeof name !== 'string' || name === 'then' || name === 'toJSON') return undefined
      let handle = handles.get(name)
      if (!handle) {
        hub.definition(name)
        handles.set(name, (handle = createHandle(hub, name, record, traceId)))
      }
      return handle
    },
    has: (_, name) => typeof name === 'string' && hub.has(name),
    ownKeys: () => hub.names(),
    getOwnPropertyDescriptor: (target, name) =>
      typeof name === 'string' && hub.has(name) ? { enumerable: true, configurable: true, value: (target as Record<string, unknown>)[name] } : undefined,
  })
}

// --- internal ---

function createHandle(hub: StreamHub, name: string, record: RecordStreamOp, traceId: string | undefined): StreamHandle {
  // The definition is looked up per write, so a hot-reloaded schema applies at once.
  // Synchronous when the schema is (zod's usually is): a write costs no extra turn for it.
  const check = (value: unknown, groupId: string, id: string): unknown => {
    const stream: LoadedStream = hub.definition(name)
    const checked = stream.validate(value)
    if (checked instanceof Promise) return checked.then((result) => accepted(result, stream, groupId, id))
    return accepted(checked, stream, groupId, id)
  }
  /** Refuses an address the way the WebSocket protocol does (see address.ts). */
  const key = (groupId: unknown, id?: unknown, idOptional = false) => {
    // The usual case, checked without building the problem's fields.
    if (isAddressPart(groupId) && (isAddressPart(id) || (idOptional && id === undefined))) return
    const problem = addressProblem({ groupId, id }, idOptional ? ['id'] : [])
    if (problem) throw new MotiaError(`[motia] stream "${name}": ${problem}`, { code: 'STREAM_KEY_INVALID', status: 400 })
  }

  return {
    async get(groupId, id) {
      key(groupId, id)
      record('get', name, groupId, id)
      return withId(await hub.store.get(name, groupId, id), id) as never
    },
    set(groupId, id, data) {
      // Not an async function: with a synchronous schema and a store that answers at once (memory,
      // SQLite) a write is done when the call returns, and its promise is made already resolved.
      try {
        key(groupId, id)
        record('set', name, groupId, id)
        const checked = check(data, groupId, id)
        if (checked instanceof Promise) return checked.then((value) => hub.put(name, groupId, id, value, traceId)) as never
        return Promise.resolve(hub.put(name, groupId, id, checked, traceId)) as never
      } catch (error) {
        return Promise.reject(error)
      }
    },
    async update(groupId, id, ops) {
      key(groupId, id)
      record('update', name, groupId, id)
      const written = hub.write(name, groupId, id, (current) => check(applyUpdateOps(current, ops), groupId, id), traceId)
      return (written instanceof Promise ? await written : written) as never
    },
    async delete(groupId, id) {
      key(groupId, id)
      record('delete', name, groupId, id)
      const written = hub.put(name, groupId, id, undefined, traceId)
      return (written instanceof Promise ? await written : written).old_value as never
    },
    async getGroup(groupId) {
      key(groupId, undefined, true)
      record('getGroup', name, groupId)
      return (await hub.store.list(name, groupId)).map((item) => withId(item.data, item.id)) as never
    },
    list(groupId) {
      return this.getGroup(groupId)
    },
    async listGroups() {
      record('listGroups', name, '*')
      return hub.store.listGroups(name)
    },
    async send(channel, event) {
      key(channel?.groupId, channel?.id, true)
      if (typeof event?.type !== 'string') throw new MotiaError(`[motia] stream "${name}": send takes an event { type: string, data }`, { code: 'STREAM_EVENT_INVALID', status: 400 })
      record('send', name, channel.groupId, channel.id)
      hub.send(name, channel.groupId, channel.id, { type: event.type, data: event.data }, traceId)
    },
  }
}

/** A validation's value, or the error naming the stream, the item and the issues. */
function accepted(result: ValidationResult, stream: LoadedStream, groupId: string, id: string): unknown {
  if (!result.ok) {
    throw new ValidationError(`[motia] stream "${stream.name}" (${stream.relativePath}): item ${groupId}/${id} does not match the schema: ${formatIssues(result.issues)}`, result.issues)
  }
  return result.value
}
