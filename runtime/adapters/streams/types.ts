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
}
