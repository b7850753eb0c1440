/**
 * What the CLI's tools and the console read and change in the embedded queue: depth, stats and
 * the dead letters. Each waits for this process's pending writes first, so it sees them; store
 * failures become a one-line 503.
 */
import { isStoreFailure, storeUnavailable, type SharedDatabase } from '../sqlite/database.ts'
import type { SqliteDeadLetters } from './sqlite-dead-letters.ts'
import { replayDeadLetters, toDeadLetter, type DeadRow, type Statements } from './sqlite-store.ts'
import type { QueueAdapter, QueueStats } from './types.ts'

export interface StoreToolsOptions {
  sql: Statements
  /** Dead letters a page at a time (the console). */
  pages: SqliteDeadLetters
  shared: SharedDatabase
  /** Resolves once this process's queued writes were tried. */
  drain: () => Promise<void>
  /** Copies of (topic, step) were written here: its consumers should look. */
  wake: (topic: string, steps: readonly string[]) => void
}

export function createStoreTools({ sql, pages, shared, drain, wake }: StoreToolsOptions): Pick<QueueAdapter, 'depth' | 'stats' | 'deadLetters' | 'replay' | 'purge' | 'deadLetterPage' | 'deadLetterCounts'> {
  const guarded = <T>(what: string, action: () => T): T => {
    try {
      return action()
    } catch (error) {
      throw isStoreFailure(error) ? storeUnavailable(shared.path, error, what) : error
    }
  }

  return {
    async depth(topic, step) {
      await drain()
      return (sql.depth.get({ topic, step }) as { n: number }).n
    },

    async stats(topic, step) {
      await drain()
      return sql.stats.get({ topic, step, now: Date.now() }) as QueueStats
    },

    async deadLetters(filter = {}) {
      await drain()
      return (sql.deadLetters.all({ step: filter.step ?? null, topic: filter.topic ?? null }) as DeadRow[]).map(toDeadLetter)
    },

    async replay(ids) {
      await drain()
      const { count, queues } = guarded('nothing was replayed', () => replayDeadLetters(sql, shared.db, ids))
      for (const { topic, step } of queues) wake(topic, [step])
      return count
    },

    async purge(filter = {}) {
      await drain()
      if (filter.ids) return guarded('nothing was purged', () => pages.purgeIds(filter.ids!, filter.step))
      return guarded('nothing was purged', () => sql.purge.run({ step: filter.step ?? null }).changes)
    },

    async deadLetterPage(options) {
      await drain()
      return guarded('no dead letters were read', () => pages.page(options))
    },

    async deadLetterCounts() {
      await drain()
      return guarded('no dead letters were counted', () => pages.counts())
    },
  }
}
