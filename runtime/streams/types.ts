/**
 * The shapes of streams as step code and stream files see them: a stream's definition
 * (`*.stream.ts` exports `config: StreamConfig`), the `ctx.streams.<name>` handle, and the
 * `Streams` map that generated types fill in.
 */
import type { StateManager, UpdateOp } from '../adapters/state/types.ts'
import type { Logger } from '../observability/logger.ts'
import type { InferSchema, Schema } from '../step/schema.ts'

/** What a client subscribed to: a group, or one item of it. */
export interface StreamSubscription {
  streamName: string
  groupId: string
  id?: string
}

/** What `onJoin` answers to refuse a subscription (as in Motia); anything else admits it. */
export interface StreamJoinResult {
  unauthorized?: boolean
  /** Sent to the client with the refusal. */
  reason?: string
}

/**
 * The context `onJoin`, `onLeave` and `authenticateStream` get: a step's (`FlowContext`), without
 * a trigger. Spelled out rather than picked from `FlowContext`, which names `StreamsContext`.
 */
export interface StreamHookContext {
  state: StateManager
  logger: Logger
  traceId: string
  streams: StreamsContext
}

/** What a `*.stream.ts` file exports as `config`. */
export interface StreamConfig {
  /** Unique in the project: `ctx.streams.<name>` and what clients join. */
  name: string
  /** Every item written through `set` (and the result of `update`) is validated against it. */
  schema: Schema
  /** Motia's storage choice; only `default` (the project's stream store) exists. */
  baseConfig?: { storageType: 'default' }
  /** Decides whether `authContext` (from `authenticateStream`) may subscribe; false refuses. */
  canAccess?: (subscription: StreamSubscription, authContext: any) => boolean | Promise<boolean>
  /** Runs when a client joins; `{ unauthorized: true }` refuses the subscription. */
  onJoin?: (subscription: StreamSubscription, ctx: StreamHookContext, authContext: any) => StreamJoinResult | void | Promise<StreamJoinResult | void>
  /** Runs when a client leaves (or disconnects) after a successful join. */
  onLeave?: (subscription: StreamSubscription, ctx: StreamHookContext, authContext: any) => void | Promise<void>
}

/**
 * The data type of a stream file's `config`: its schema's type, or `Described` when the config is
 * annotated `config: StreamConfig` (as Motia's own files do), whose declared schema type says
 * nothing. `types.d.ts` passes, as `Described`, the type written from the schema the file holds.
 *
 * @example
 * type Todo = StreamData<typeof import('./steps/todo.stream.ts').config, { text: string }>
 */
export type StreamData<C, Described = unknown> = StreamConfig extends C ? Described : C extends { schema: infer S } ? InferSchema<S> : Described

/** An item as the stream API and clients see it: its data with its `id`. */
export type StreamItemOf<T> = T extends object ? T & { id: string } : { id: string; value: T }

/** What `set` and `update` answer, under Motia's names. */
export interface StreamSetResult<T> {
  new_value: StreamItemOf<T>
  old_value: StreamItemOf<T> | null
}

/** An ephemeral event for a group's or an item's subscribers; not stored. */
export interface StreamEvent<D = unknown> {
  type: string
  data: D
}

/** `ctx.streams.<name>`. */
export interface StreamHandle<T = unknown> {
  get(groupId: string, id: string): Promise<StreamItemOf<T> | null>
  /** Validates `data` against the stream's schema, stores it and tells the subscribers. */
  set(groupId: string, id: string, data: T): Promise<StreamSetResult<T>>
  /** Applies state's atomic ops to the item (the same ops as `ctx.state.update`). */
  update(groupId: string, id: string, ops: readonly UpdateOp[]): Promise<StreamSetResult<T>>
  /** Removes the item; answers what it held (null when there was nothing). */
  delete(groupId: string, id: string): Promise<StreamItemOf<T> | null>
  getGroup(groupId: string): Promise<Array<StreamItemOf<T>>>
  /** Same as `getGroup`. */
  list(groupId: string): Promise<Array<StreamItemOf<T>>>
  listGroups(): Promise<string[]>
  /** Sends an event to the subscribers of a group (or of one item); nothing is stored. */
  send(channel: { groupId: string; id?: string }, event: StreamEvent): Promise<void>
}

/**
 * Stream name → item type, across the project. Empty here; the `types.d.ts` that `motia generate
 * types` writes fills it in (module augmentation), so `ctx.streams.todo.set` checks its data.
 */
export interface Streams {}

/** `ctx.streams`: typed by `Streams` once generated, any name otherwise. */
export type StreamsContext = keyof Streams extends never ? Record<string, StreamHandle> : { [K in keyof Streams]: StreamHandle<Streams[K]> }
