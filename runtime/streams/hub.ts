/**
 * The stream hub: one per runtime, over the project's `StreamStore`. It owns the writes (one at a
 * time per item, so an `update` is atomic within the process and subscribers see an item's
 * changes in the order they were made), the definitions currently loaded, and the change feed the
 * WebSocket endpoint and stream triggers listen to.
 *
 * Two feeds: `onChange` sees this process's writes (stream triggers run where the write was made,
 * in its trace); `onBroadcast` sees what clients must be told. They are the same, unless the store
 * shares changes across instances (a `BroadcastStore`, e.g. Redis): then clients hear every
 * instance's changes from the store's feed, `send` goes through the store too, and writes go
 * through the store's `update` (compare-and-set), so an `update` is atomic across instances.
 *
 * Timestamps are milliseconds that never repeat or go back within a process: Motia's clients drop
 * a change whose timestamp is not newer than the last one they applied.
 */
import { MotiaError } from '../errors.ts'
import type { BroadcastStore, StreamStore } from '../adapters/streams/types.ts'
import { roomOf } from './address.ts'
import type { LoadedStream } from './definitions.ts'
import type { StreamEvent } from './types.ts'

/** A change as it goes on the wire (Motia's message), with the trace of the writer beside it. */
export interface StreamChange {
  streamName: string
  groupId: string
  id?: string
  timestamp: number
  event: { type: 'create' | 'update' | 'delete'; data: unknown } | { type: 'event'; event: StreamEvent }
  /** The trace of the step that made the change; not sent to clients. */
  traceId?: string
}

export interface ItemWrite {
  /** The items before and after, with their ids (null when absent). */
  oldItem: unknown
  newItem: unknown
}

export interface StreamHub {
  readonly store: StreamStore
  /** The stream named `name`, or a `MotiaError` naming the streams that exist. */
  definition(name: string): LoadedStream
  has(name: string): boolean
  names(): string[]
  /** Replaces the definitions (hot reload); subscriptions stay. */
  swap(streams: readonly LoadedStream[]): void
  /** Writes `next(current)` (undefined deletes) as one step per item; tells the listeners. */
  write(stream: string, groupId: string, id: string, next: (current: unknown) => unknown, traceId?: string): Promise<ItemWrite>
  /** Writes `value` (undefined deletes) whatever the item was: `write` without the read. */
  put(stream: string, groupId: string, id: string, value: unknown, traceId?: string): Promise<ItemWrite>
  send(stream: string, groupId: string, id: string | undefined, event: StreamEvent, traceId?: string): void
  onChange(listener: (change: StreamChange) => void): () => void
  /** Changes clients must hear of (every instance's, with a broadcasting store). */
  onBroadcast(listener: (change: StreamChange) => void): () => void
  /** Resolves once a broadcasting store's feed is subscribed (at once otherwise): serve clients after it. */
  ready(): Promise<void>
  /** Stops listening to a broadcasting store. */
  close(): Promise<void>
  /** The next timestamp (strictly greater than every one before). */
  tick(): number
}

// One closure of ~110 lines, on purpose: every write path (set, update, delete, send) goes through
// the same per-item locks, the clock and the two listener sets, which must not be reachable apart.
export function createStreamHub(store: StreamStore, onListenerError: (error: unknown) => void): StreamHub {
  let definitions = new Map<string, LoadedStream>()
  const listeners = new Set<(change: StreamChange) => void>()
  const broadcastListeners = new Set<(change: StreamChange) => void>()
  const shared = typeof (store as Partial<BroadcastStore>).onChange === 'function' ? (store as StreamStore & BroadcastStore) : undefined
  const locks = new Map<string, Promise<unknown>>()
  let last = 0

  const tick = () => (last = Math.max(Date.now(), last + 1))
  const tell = (targets: Set<(change: StreamChange) => void>, change: StreamChange) => {
    for (const listener of targets) {
      try {
        listener(change)
      } catch (error) {
        onListenerError(error)
      }
    }
  }
  const publish = (change: StreamChange) => {
    tell(listeners, change)
    if (!shared) tell(broadcastListeners, change)
  }
  const unshare = shared?.onChange((change) => {
    if (change.type === 'event') {
      const event = change.event as StreamEvent
      return tell(broadcastListeners, { streamName: change.stream, groupId: change.groupId, ...(change.id == null ? {} : { id: change.id }), timestamp: tick(), event: { type: 'event', event } })
    }
    const type = change.newValue === undefined ? 'delete' : change.oldValue === undefined ? 'create' : 'update'
    const data = withId(type === 'delete' ? change.oldValue : change.newValue, change.id)
    tell(broadcastListeners, { streamName: change.stream, groupId: change.groupId, id: change.id, timestamp: tick(), event: { type, data } })
  })
  unshare?.catch(onListenerError)

  /**
   * Runs `action` after every earlier action on the same item. An item nobody is writing starts
   * at once (no extra turn); the lock is released when the last action queued on it settles.
   */
  const serialized = <T>(key: string, action: () => Promise<T>): Promise<T> => {
    const before = locks.get(key)
    const run = before ? before.then(action, action) : action()
    const release = () => {
      if (locks.get(key) === settled) locks.delete(key)
    }
    const settled: Promise<void> = run.then(release, release)
    locks.set(key, settled)
    return run
  }

  /** Tells the listeners what a write did; answers the items before and after. */
  const announce = (stream: string, groupId: string, id: string, written: { oldValue?: unknown; newValue?: unknown }, traceId?: string): ItemWrite => {
    const oldItem = withId(written.oldValue, id)
    const newItem = withId(written.newValue, id)
    if (written.newValue !== undefined) {
      const type = written.oldValue === undefined ? 'create' : 'update'
      publish({ streamName: stream, groupId, id, timestamp: tick(), event: { type, data: newItem }, traceId })
    } else if (written.oldValue !== undefined) {
      publish({ streamName: stream, groupId, id, timestamp: tick(), event: { type: 'delete', data: oldItem }, traceId })
    }
    return { oldItem, newItem }
  }

  return {
    store,
    definition(name) {
      const found = definitions.get(name)
      if (!found) {
        const known = [...definitions.keys()].join(', ') || 'none'
        throw new MotiaError(`[motia] no stream named "${name}"; known streams: ${known}. Define it in a *.stream.ts file under steps/`, { code: 'UNKNOWN_STREAM', status: 404 })
      }
      return found
    },
    has: (name) => definitions.has(name),
    names: () => [...definitions.keys()],
    swap(streams) {
      definitions = new Map(streams.map((s) => [s.name, s]))
    },
    write(stream, groupId, id, next, traceId) {
      return serialized(roomOf(stream, groupId, id), async () => {
        const written = shared?.update ? await shared.update(stream, groupId, id, next) : await readThenWrite(store, stream, groupId, id, next)
        return announce(stream, groupId, id, written, traceId)
      })
    },
    put(stream, groupId, id, value, traceId) {
      // Needs no read first (the store reports the item it replaced), and no compare-and-set
      // across instances: a store's own set and delete are atomic, in order behind the lock.
      return serialized(roomOf(stream, groupId, id), async () => {
        const written = value === undefined ? await store.delete(stream, groupId, id) : await store.set(stream, groupId, id, value)
        return announce(stream, groupId, id, written, traceId)
      })
    },
    send(stream, groupId, id, event, traceId) {
      if (shared) void shared.send(stream, groupId, event, id).catch(onListenerError)
      publish({ streamName: stream, groupId, ...(id === undefined ? {} : { id }), timestamp: tick(), event: { type: 'event', event }, traceId })
    },
    onChange(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    onBroadcast(listener) {
      broadcastListeners.add(listener)
      return () => broadcastListeners.delete(listener)
    },
    ready: async () => void (await unshare?.catch(() => undefined)),
    async close() {
      ;(await unshare?.catch(() => undefined))?.()
    },
    tick,
  }
}

/** A stored value as clients and steps see it: the data with its `id` (Motia's item shape). */
export function withId(data: unknown, id: string): unknown {
  if (data === undefined || data === null) return null
  if (typeof data === 'object' && !Array.isArray(data)) return { ...(data as object), id }
  return { id, value: data }
}

// --- internal ---

/** One instance's write: the per-item lock in `write` makes it atomic. */
async function readThenWrite(store: StreamStore, stream: string, groupId: string, id: string, next: (current: unknown) => unknown) {
  const value = await next(await store.get(stream, groupId, id))
  return value === undefined ? store.delete(stream, groupId, id) : store.set(stream, groupId, id, value)
}
