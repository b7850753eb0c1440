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
import type { BroadcastStore, StreamStore, StreamWrite } from '../adapters/streams/types.ts'
import { roomOf } from './address.ts'
import type { LoadedStream } from './definitions.ts'
import type { StreamEvent } from './types.ts'

/** A change as it goes on the wire (Motia's message): the fan-out serializes it as it is. */
export interface StreamChange {
  streamName: string
  groupId: string
  id?: string
  timestamp: number
  event: { type: 'create' | 'update' | 'delete'; data: unknown } | { type: 'event'; event: StreamEvent }
}

/** Hears a change, with the trace of the step that made it (undefined when no step did). */
export type ChangeListener = (change: StreamChange, traceId?: string) => void

/** The items before and after a write, with their ids (null when absent), under Motia's names: what `set` answers. */
export interface ItemWrite {
  new_value: unknown
  old_value: unknown
}

export interface StreamHub {
  readonly store: StreamStore
  /** The stream named `name`, or a `MotiaError` naming the streams that exist. */
  definition(name: string): LoadedStream
  has(name: string): boolean
  names(): string[]
  /** Replaces the definitions (hot reload); subscriptions stay. */
  swap(streams: readonly LoadedStream[]): void
  /**
   * Writes `next(current)` (undefined deletes) as one step per item; tells the listeners. Answers
   * at once (no promise) when the store did (`StreamStore.immediate`); a failure is a rejection.
   */
  write(stream: string, groupId: string, id: string, next: (current: unknown) => unknown, traceId?: string): ItemWrite | Promise<ItemWrite>
  /** Writes `value` (undefined deletes) whatever the item was: `write` without the read. */
  put(stream: string, groupId: string, id: string, value: unknown, traceId?: string): ItemWrite | Promise<ItemWrite>
  send(stream: string, groupId: string, id: string | undefined, event: StreamEvent, traceId?: string): void
  onChange(listener: ChangeListener): () => void
  /** Changes clients must hear of (every instance's, with a broadcasting store). */
  onBroadcast(listener: (change: StreamChange) => void): () => void
  /** Resolves once a broadcasting store's feed is subscribed (at once otherwise): serve clients after it. */
  ready(): Promise<void>
  /** Stops listening to a broadcasting store. */
  close(): Promise<void>
  /** The next timestamp (strictly greater than every one before). */
  tick(): number
}

// One closure of ~130 lines, on purpose: every write path (set, update, delete, send) goes through
// the same per-item locks, the clock and the two listener lists, which must not be reachable apart.
export function createStreamHub(store: StreamStore, onListenerError: (error: unknown) => void): StreamHub {
  let definitions = new Map<string, LoadedStream>()
  // Replaced, never changed in place, so that a listener may unsubscribe while they are told.
  let listeners: ChangeListener[] = []
  let broadcastListeners: Array<(change: StreamChange) => void> = []
  const shared = typeof (store as Partial<BroadcastStore>).onChange === 'function' ? (store as StreamStore & BroadcastStore) : undefined
  /** Items with a write in flight (waiting for the store), by room: later writes on one queue behind it. */
  const locks = new Map<string, Promise<unknown>>()
  /** A write is running synchronously (see `immediate`): a write it sets off (a listener's) waits a turn. */
  let writing = false
  let last = 0

  const tick = () => (last = Math.max(Date.now(), last + 1))
  const tell = (targets: readonly ChangeListener[], change: StreamChange, traceId?: string) => {
    for (const listener of targets) {
      try {
        listener(change, traceId)
      } catch (error) {
        onListenerError(error)
      }
    }
  }
  const publish = (change: StreamChange, traceId: string | undefined) => {
    // Clients first: the fan-out serializes the change before any listener could touch it.
    if (!shared) tell(broadcastListeners, change)
    tell(listeners, change, traceId)
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
   * The store's synchronous half, when a write may use it now: nothing is in flight (so no earlier
   * write on the item can be waiting) and no write is running. Such a write takes no lock, promise
   * or turn: it is over, subscribers told, before anything else can run.
   */
  const immediate = () => (shared || writing || locks.size > 0 ? undefined : store.immediate)

  /** Keeps the item `key` held until `run` settles: writes on it meanwhile wait for it. */
  const hold = <T>(key: string, run: Promise<T>): Promise<T> => {
    const release = () => {
      if (locks.get(key) === settled) locks.delete(key)
    }
    const settled: Promise<void> = run.then(release, release)
    locks.set(key, settled)
    return run
  }

  /** Runs a write on the store's synchronous half: a write a listener sets off meanwhile waits a turn; a throw is a rejection. */
  const writeNow = (action: () => ItemWrite | Promise<ItemWrite>): ItemWrite | Promise<ItemWrite> => {
    writing = true
    try {
      return action()
    } catch (error) {
      return Promise.reject(error)
    } finally {
      writing = false
    }
  }

  /** Runs `action` after every earlier write on the item; at once when there is none, unless inside a running write. */
  const serialized = <T>(key: string, action: () => Promise<T>): Promise<T> => {
    const before = locks.get(key)
    return hold(key, before ? before.then(action, action) : writing ? Promise.resolve().then(action) : action())
  }

  /** Tells the listeners what a write did; answers the items before and after. */
  const announce = (stream: string, groupId: string, id: string, written: StreamWrite, traceId: string | undefined): ItemWrite => {
    const oldItem = withId(written.oldValue, id)
    const newItem = withId(written.newValue, id)
    if (written.newValue !== undefined) {
      publish({ streamName: stream, groupId, id, timestamp: tick(), event: { type: written.oldValue === undefined ? 'create' : 'update', data: newItem } }, traceId)
    } else if (written.oldValue !== undefined) {
      publish({ streamName: stream, groupId, id, timestamp: tick(), event: { type: 'delete', data: oldItem } }, traceId)
    }
    return { new_value: newItem, old_value: oldItem }
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
      const now = immediate()
      if (!now) {
        return serialized(roomOf(stream, groupId, id), async () => {
          const written = shared?.update ? await shared.update(stream, groupId, id, next) : await readThenWrite(store, stream, groupId, id, next)
          return announce(stream, groupId, id, written, traceId)
        })
      }
      return writeNow(() => {
        const value = next(now.get(stream, groupId, id))
        if (value instanceof Promise) {
          // An asynchronous check (an async schema): the item is held until its value is written.
          return hold(roomOf(stream, groupId, id), value.then(async (checked) => announce(stream, groupId, id, await storeValue(store, stream, groupId, id, checked), traceId)))
        }
        return announce(stream, groupId, id, storeValue(now, stream, groupId, id, value), traceId)
      })
    },
    put(stream, groupId, id, value, traceId) {
      // Needs no read first (the store reports the item it replaced), and no compare-and-set
      // across instances: a store's own set and delete are atomic, in order behind the lock.
      const now = immediate()
      if (!now) return serialized(roomOf(stream, groupId, id), async () => announce(stream, groupId, id, await storeValue(store, stream, groupId, id, value), traceId))
      return writeNow(() => announce(stream, groupId, id, storeValue(now, stream, groupId, id, value), traceId))
    },
    send(stream, groupId, id, event, traceId) {
      if (shared) void shared.send(stream, groupId, event, id).catch(onListenerError)
      publish({ streamName: stream, groupId, ...(id === undefined ? {} : { id }), timestamp: tick(), event: { type: 'event', event } }, traceId)
    },
    onChange(listener) {
      listeners = [...listeners, listener]
      return () => void (listeners = listeners.filter((l) => l !== listener))
    },
    onBroadcast(listener) {
      broadcastListeners = [...broadcastListeners, listener]
      return () => void (broadcastListeners = broadcastListeners.filter((l) => l !== listener))
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
async function readThenWrite(store: StreamStore, stream: string, groupId: string, id: string, next: (current: unknown) => unknown): Promise<StreamWrite> {
  return storeValue(store, stream, groupId, id, await next(await store.get(stream, groupId, id)))
}

/** Writes `value` (undefined deletes) on a store, or on its synchronous half (`immediate`). */
function storeValue<W>(store: { set(stream: string, groupId: string, id: string, data: unknown): W; delete(stream: string, groupId: string, id: string): W }, stream: string, groupId: string, id: string, value: unknown): W {
  return value === undefined ? store.delete(stream, groupId, id) : store.set(stream, groupId, id, value)
}
