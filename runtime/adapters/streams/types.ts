/**
 * StreamStore: the durable half of streams. Items of a stream are JSON values addressed by
 * (stream, groupId, id); clients subscribe to an item or a group (runtime/streams/ adds the
 * WebSocket fan-out on top of this store).
 *
 * Guarantees
 * - Every write reports the item before and after, so subscribers can be told what changed.
 * - Values are JSON: what comes back equals what was stored, not the same object.
 * - `list` returns a group's items in insertion order (the order a chat or a feed shows them).
 *
 * Not guaranteed
 * - Delivery to subscribers (that is the fan-out's job) or transactions across items.
 *
 * Lifecycle: one store per process, created by the runtime; `close()` once at shutdown.
 */

export interface StreamItem<T = unknown> {
  id: string
  data: T
}

export interface StreamWrite<T = unknown> {
  oldValue: T | undefined
  newValue: T | undefined
}

export interface StreamStore {
  get<T = unknown>(stream: string, groupId: string, id: string): Promise<T | undefined>
  set<T = unknown>(stream: string, groupId: string, id: string, data: T): Promise<StreamWrite<T>>
  delete<T = unknown>(stream: string, groupId: string, id: string): Promise<StreamWrite<T>>
  list<T = unknown>(stream: string, groupId: string): Promise<Array<StreamItem<T>>>
  listGroups(stream: string): Promise<string[]>
  close(): Promise<void>
  /**
   * Optional: the same reads and writes answered synchronously, for a store that never waits
   * (memory, bun:sqlite). The hub then writes an item and tells its subscribers within the
   * caller's turn: no promise, lock or turn of the event loop per write. A store may answer
   * undefined until it can (the lazy store, until it is open); a failure is thrown. Define it
   * non-enumerable (`withImmediate`), so that a wrapper made by spreading a store (`{ ...store,
   * set }`) does not inherit a synchronous half that would go around its own methods.
   */
  readonly immediate?: ImmediateStreamStore
}

/** The synchronous half of a `StreamStore` (see `StreamStore.immediate`). */
export interface ImmediateStreamStore {
  get(stream: string, groupId: string, id: string): unknown
  set(stream: string, groupId: string, id: string, data: unknown): StreamWrite
  delete(stream: string, groupId: string, id: string): StreamWrite
}

/** Gives `store` its synchronous half, as a property a spread does not copy (see `StreamStore.immediate`). */
export function withImmediate(store: StreamStore, immediate: () => ImmediateStreamStore | undefined): StreamStore {
  return Object.defineProperty(store, 'immediate', { get: immediate, enumerable: false })
}

/** A change made on any instance of a broadcasting store, as its `onChange` delivers it. */
export type BroadcastChange =
  | { type: 'write'; stream: string; groupId: string; id: string; oldValue: unknown; newValue: unknown }
  | { type: 'event'; stream: string; groupId: string; id?: string; event: unknown }

/**
 * An optional capability of a `StreamStore`: a store shared by several instances (Redis) that
 * publishes every instance's changes, so clients connected anywhere hear them. runtime/streams/hub.ts
 * checks for `onChange` and then routes client fan-out, `send` and atomic updates through the store.
 */
export interface BroadcastStore {
  /** Calls `listener` for every change made by any instance on this store, this one included. */
  onChange(listener: (change: BroadcastChange) => void): Promise<() => void>
  /** Publishes an event to the subscribers of a group (or one item) on every instance; nothing is stored. */
  send(stream: string, groupId: string, event: unknown, id?: string): Promise<void>
  /**
   * Writes `next(current)` (undefined deletes), atomically across instances: the write succeeds
   * only if the item is still the one `next` saw, else it reads again and calls `next` again.
   * Without it, the hub's in-process lock makes updates atomic within one instance only.
   */
  update?(stream: string, groupId: string, id: string, next: (current: unknown) => unknown): Promise<StreamWrite>
}
