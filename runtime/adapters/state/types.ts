/**
 * StateAdapter: a key-value store of JSON values, addressed by (group, key).
 *
 * Guarantees
 * - `update` applies all its ops to one value atomically: concurrent updates of one key never lose
 *   each other's effect (10 000 concurrent increments end at exactly 10 000).
 * - Every write reports the value before and after, so the runtime can fire state triggers.
 * - Values are JSON: what comes back from `get` equals what was stored, not the same object.
 *
 * Not guaranteed
 * - Ordering of `list` results; transactions across keys.
 *
 * Lifecycle: the runtime creates one adapter per process and calls `close()` once at shutdown;
 * the adapter owns its connections or files.
 */

/** One atomic change on a path inside a stored value. `path` is dotted (`a.b.0`) or an array. */
export type UpdateOp =
  | { type: 'set'; path?: StatePath; value: unknown }
  | { type: 'merge'; path?: StatePath; value: Record<string, unknown> }
  | { type: 'increment'; path?: StatePath; by?: number }
  | { type: 'decrement'; path?: StatePath; by?: number }
  | { type: 'remove'; path: StatePath }

export type StatePath = string | ReadonlyArray<string | number>

/** A value before and after a write. `undefined` means "absent". */
export interface StateWrite<T = unknown> {
  oldValue: T | undefined
  newValue: T | undefined
}

export interface StateAdapter {
  get<T = unknown>(group: string, key: string): Promise<T | undefined>
  set<T = unknown>(group: string, key: string, value: T): Promise<StateWrite<T>>
  update<T = unknown>(group: string, key: string, ops: readonly UpdateOp[]): Promise<StateWrite<T>>
  delete<T = unknown>(group: string, key: string): Promise<StateWrite<T>>
  list<T = unknown>(group: string): Promise<Array<{ key: string; value: T }>>
  listGroups(): Promise<string[]>
  /** Removes every key of a group; returns the removed entries so triggers can fire. */
  clear(group: string): Promise<Array<{ key: string; value: unknown }>>
  close(): Promise<void>
}

/** The `state` object handlers receive: the adapter's operations with simpler results. */
export interface StateManager {
  get<T = unknown>(group: string, key: string): Promise<T | undefined>
  /** Stores a value; returns it. */
  set<T = unknown>(group: string, key: string, value: T): Promise<T>
  /** Applies ops atomically; returns the new value. */
  update<T = unknown>(group: string, key: string, ops: readonly UpdateOp[]): Promise<T | undefined>
  /** Removes a key; returns the value it had. */
  delete<T = unknown>(group: string, key: string): Promise<T | undefined>
  /** The values of a group (as in Motia); `entries` has their keys too. */
  list<T = unknown>(group: string): Promise<T[]>
  /** Motia's other name for `list`. */
  getGroup<T = unknown>(group: string): Promise<T[]>
  /** The `{ key, value }` pairs of a group. */
  entries<T = unknown>(group: string): Promise<Array<{ key: string; value: T }>>
  listGroups(): Promise<string[]>
  clear(group: string): Promise<void>
}
