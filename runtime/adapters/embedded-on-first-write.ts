/**
 * The embedded store of a project that has none yet (no `.motia/motia.db`), opened at its first
 * write instead of at start: opening SQLite and creating its tables costs a server ~13 ms and
 * ~2.5 MiB (docs/performance-startup.md), and a project whose first requests write nothing does
 * not need it. A project that has the file opens it at start, as before: its queues may hold
 * copies left by the last run.
 *
 * What stays the same:
 * - A publish or a state write opens the store first and resolves only once stored (a 202 still
 *   means stored), through the same SQLite adapters.
 * - Copies written by another process (`motia enqueue`, `motia state set`) are seen: while the
 *   file is missing, the queue looks for it as often as an idle consumer polls (every 200 ms), and
 *   opens the store, its consumers and all, once it is there; a state read opens it when it exists.
 * - A read while there is no file answers what an empty store answers, without creating one.
 * - The CLI's tools (depth, dead letters, replay, purge) open the store, as at start.
 */
import { existsSync } from 'node:fs'
import { openOnFirstUse } from './open-on-first-use.ts'
import type { ConsumeOptions, MessageHandler, QueueAdapter } from './queue/types.ts'
import type { SqliteQueueOptions } from './queue/sqlite.ts'
import { checkStateAddress } from './state/ops.ts'
import type { StateAdapter } from './state/types.ts'

/** True when the store at `path` must open at start: it exists, or it is a private in-memory one. */
export function storeExists(path: string): boolean {
  return path === ':memory:' || existsSync(path)
}

/**
 * @example
 * const queue = storeExists(path) ? createSqliteQueue({ path }) : queueOnFirstWrite({ path })
 */
export function queueOnFirstWrite(options: SqliteQueueOptions): QueueAdapter {
  const waiting = new Set<Subscription>()
  const lazy = openOnFirstUse(
    'sqlite queue',
    async () => {
      const { createSqliteQueue } = await import('./queue/sqlite.ts')
      clearInterval(watch)
      const queue = createSqliteQueue(options)
      for (const subscription of waiting) subscription.stop = await queue.consume(subscription.options, subscription.handler)
      return queue
    },
    { retry: true },
  )
  const use = <T>(action: (queue: QueueAdapter) => Promise<T>): Promise<T> => {
    const queue = lazy.opened()
    return queue ? action(queue) : lazy.use().then(action)
  }
  // Another process may create the file (`motia enqueue`): its copies are delivered once it is there.
  const watch = setInterval(() => waiting.size && existsSync(options.path) && void lazy.use().catch(() => undefined), options.pollIntervalMs ?? 200)
  watch.unref?.()

  return {
    publish: (topic, subscribers, data, publishOptions) => use((queue) => queue.publish(topic, subscribers, data, publishOptions)),
    async consume(consumeOptions, handler) {
      if (lazy.started()) return use((queue) => queue.consume(consumeOptions, handler))
      const subscription: Subscription = { options: consumeOptions, handler }
      waiting.add(subscription)
      return async () => {
        waiting.delete(subscription)
        // Opened meanwhile: its consumer runs now, so it is stopped the way the queue stops one.
        if (lazy.started()) await lazy.use().catch(() => undefined)
        await subscription.stop?.()
      }
    },
    depth: (topic, step) => use((queue) => queue.depth(topic, step)),
    stats: (topic, step) => use((queue) => queue.stats!(topic, step)),
    deadLetters: (filter) => use((queue) => queue.deadLetters(filter)),
    replay: (ids) => use((queue) => queue.replay(ids)),
    purge: (filter) => use((queue) => queue.purge(filter)),
    deadLetterPage: (pageOptions) => use((queue) => queue.deadLetterPage!(pageOptions)),
    deadLetterCounts: () => use((queue) => queue.deadLetterCounts!()),
    close() {
      clearInterval(watch)
      return lazy.close()
    },
  }
}

/**
 * @example
 * const state = storeExists(path) ? createSqliteState({ path }) : stateOnFirstWrite({ path })
 */
export function stateOnFirstWrite(options: { path: string }): StateAdapter {
  // Kept here too: a read before any opening answers from no store, and must refuse once closed.
  let closed = false
  const lazy = openOnFirstUse('state store', async () => (await import('./state/sqlite.ts')).createSqliteState(options), { retry: true })
  const write = <T>(action: (state: StateAdapter) => Promise<T>): Promise<T> => {
    const state = lazy.opened()
    return state ? action(state) : lazy.use().then(action)
  }
  // No file, and none opened: the store is empty. Another process may have created it since.
  const read = <T>(group: string, key: string | undefined, empty: () => T, action: (state: StateAdapter) => Promise<T>): Promise<T> => {
    if (lazy.started() || storeExists(options.path)) return write(action)
    if (closed) return Promise.reject(new Error('[motia] the state store is closed'))
    try {
      checkStateAddress(group, key)
    } catch (error) {
      return Promise.reject(error)
    }
    return Promise.resolve(empty())
  }

  return {
    get: (group, key) => read(group, key, () => undefined, (state) => state.get(group, key)),
    set: (group, key, value) => write((state) => state.set(group, key, value)),
    update: (group, key, ops) => write((state) => state.update(group, key, ops)),
    delete: (group, key) => write((state) => state.delete(group, key)),
    list: <T>(group: string) => read(group, undefined, () => [], (state) => state.list<T>(group)),
    listGroups: () => read('', undefined, () => [], (state) => state.listGroups()),
    clear: (group) => write((state) => state.clear(group)),
    close() {
      closed = true
      return lazy.close()
    },
  }
}

// --- internal ---

interface Subscription {
  options: ConsumeOptions
  handler: MessageHandler
  stop?: () => Promise<void>
}
