/**
 * The embedded durable QueueAdapter on bun:sqlite: the default for `motia dev` and `motia start`.
 *
 * Every copy is a row, so retries and delays fire after a restart too; nothing lives only in a
 * timer. The parts, one file each:
 * - sqlite-store.ts: the tables, the statements and the transactions that write them;
 * - sqlite-writes.ts: publishes and outcomes gathered per event-loop turn, committed in one transaction;
 * - sqlite-consumers.ts: leasing copies, running them, reporting outcomes;
 * - sqlite-tools.ts: depth, stats and the dead letters, for the CLI's tools and the console
 *   (sqlite-dead-letters.ts: a page of them, and their counts, through indexes).
 * This file wires them to one tick (writes first, then leases) and answers the CLI's tools.
 */
import { openDatabase, unusableStore, type SharedDatabase } from '../sqlite/database.ts'
import { createConsumerPool } from './sqlite-consumers.ts'
import { prepareDeadLetters } from './sqlite-dead-letters.ts'
import { encode, prepare } from './sqlite-store.ts'
import { createStoreTools } from './sqlite-tools.ts'
import { createOutage, createWriteQueue } from './sqlite-writes.ts'
import { checkPublishOptions, defaultDedupWindowMs, type QueueAdapter } from './types.ts'

export interface SqliteQueueOptions {
  /** The database file; `.motia/motia.db` in a project. `:memory:` for a private, volatile one. */
  path: string
  /**
   * Makes copies leased by other processes visible at once. Only safe when no other process
   * consumes from this file, which the server's project lock guarantees.
   */
  reclaimLeases?: boolean
  /** How often an idle consumer looks for copies written by another process (the CLI). Default 200 ms. */
  pollIntervalMs?: number
  /** Told, once each, when the store stops taking writes (disk full, I/O error) and when it takes them again. */
  onWarning?: (message: string) => void
  /** How long a publish `id` is remembered per (topic, step). Default a day (`defaultDedupWindowMs`). */
  dedupWindowMs?: number
}

/**
 * @example
 * const queue = createSqliteQueue({ path: '.motia/motia.db' })
 */
export function createSqliteQueue(options: SqliteQueueOptions): QueueAdapter {
  const shared = openDatabase(options.path)
  const sql = prepareOrRefuse(shared, prepare)
  const pages = prepareOrRefuse(shared, prepareDeadLetters)
  const owner = `${process.pid}-${Math.random().toString(36).slice(2, 10)}`
  const outage = createOutage(shared.path, options.onWarning)
  let tickQueued = false
  let closed = false

  const schedule = () => {
    if (tickQueued || closed) return
    tickQueued = true
    setImmediate(tick)
  }
  const writes = createWriteQueue({ sql, db: shared.db, path: shared.path, outage, dedupWindowMs: options.dedupWindowMs ?? defaultDedupWindowMs, schedule, scheduled: () => tickQueued })
  const consumers = createConsumerPool({ sql, owner, pollIntervalMs: options.pollIntervalMs ?? 200, outage, writes, schedule })
  const tick = () => {
    tickQueued = false
    // The tick's writes and the consumers' takes and leases commit in one transaction (one WAL
    // commit per tick, not one per hungry consumer more); the copies start once it committed.
    if (writes.flush(consumers.inside)) consumers.started()
    else consumers.feed()
  }

  if (options.reclaimLeases) {
    // Best effort: without it, leases of a dead process still run out by themselves.
    try {
      sql.reclaim.run({ now: Date.now(), owner })
    } catch (error) {
      outage.down(error)
    }
  }

  const assertOpen = () => {
    if (closed) throw new Error('[motia] the sqlite queue is closed')
  }

  const tools = createStoreTools({
    sql,
    pages,
    shared,
    drain: writes.drain,
    wake: (topic, steps) => {
      consumers.wake(topic, steps)
      schedule()
    },
  })

  return {
    publish(topic, subscribers, data, publishOptions) {
      try {
        assertOpen()
        checkPublishOptions(topic, publishOptions)
      } catch (error) {
        return Promise.reject(error)
      }
      if (subscribers.length === 0) return Promise.resolve()
      return new Promise<void>((resolve, reject) => {
        // Its consumers hear of the copies when they are stored (sqlite-consumers.ts `route`).
        writes.push({ kind: 'publish', topic, subscribers, data: encode(data), options: publishOptions, resolve, reject })
      })
    },

    async consume(consumeOptions, handler) {
      assertOpen()
      return consumers.add(consumeOptions, handler)
    },

    ...tools,

    async close() {
      if (closed) return
      await consumers.stopAll()
      await writes.drain()
      closed = true
      writes.stop()
      shared.release()
    },
  }
}

// --- internal ---

function prepareOrRefuse<T>(shared: SharedDatabase, make: (db: SharedDatabase['db']) => T): T {
  try {
    return make(shared.db)
  } catch (error) {
    shared.release()
    throw unusableStore(shared.path, error)
  }
}
