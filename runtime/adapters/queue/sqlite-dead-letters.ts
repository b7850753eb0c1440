/**
 * Dead letters a page at a time from the embedded store (see dead-letter-page.ts). Indexes on
 * `(failed_at, id)`, `(step, failed_at, id)` and `(topic, step, failed_at, id)` give a page and the
 * counts without touching a payload: only the rows of the page are read, their data cut to a
 * preview by SQLite (`substr`), its size read from the record (`octet_length`, no payload read).
 */
import type { Database, Statement } from 'bun:sqlite'
import { checkPageOptions, cursorAfter, readCursor, summarize } from './dead-letter-page.ts'
import type { DeadLetterCount, DeadLetterPage, DeadLetterPageOptions } from './types.ts'

export interface SqliteDeadLetters {
  page(options: DeadLetterPageOptions): DeadLetterPage
  counts(): DeadLetterCount[]
  /** Deletes these dead letters in one transaction; returns how many there were. */
  purgeIds(ids: readonly string[], step?: string): number
}

/** Creates the indexes (once, on an existing store: a scan of the table) and prepares the queries. */
export function prepareDeadLetters(db: Database): SqliteDeadLetters {
  db.run(`CREATE INDEX IF NOT EXISTS motia_dead_letters_time ON motia_dead_letters (failed_at, id);
CREATE INDEX IF NOT EXISTS motia_dead_letters_step ON motia_dead_letters (step, failed_at, id);
CREATE INDEX IF NOT EXISTS motia_dead_letters_queue ON motia_dead_letters (topic, step, failed_at, id);`)
  // One query per filter, so each can follow its index in order and stop after `limit` rows.
  const filters = { all: '1', step: 'step = :step', topic: 'topic = :topic', queue: 'topic = :topic AND step = :step' }
  const columns = `id, topic, step, group_id, trace_id, attempts, failed_at, substr(error, 1, :max + 1) AS error,
    octet_length(data) AS size, CASE WHEN octet_length(data) <= :max THEN data ELSE substr(data, 1, :max + 1) END AS head`
  const pages = new Map<string, { first: Statement; after: Statement; total: Statement }>()
  for (const [name, where] of Object.entries(filters)) {
    pages.set(name, {
      first: db.prepare(`SELECT ${columns} FROM motia_dead_letters WHERE ${where} ORDER BY failed_at DESC, id DESC LIMIT :limit`),
      after: db.prepare(`SELECT ${columns} FROM motia_dead_letters WHERE ${where} AND (failed_at, id) < (:at, :id) ORDER BY failed_at DESC, id DESC LIMIT :limit`),
      total: db.prepare(`SELECT COUNT(*) AS n FROM motia_dead_letters WHERE ${where}`),
    })
  }
  const counts = db.prepare('SELECT topic, step, COUNT(*) AS count FROM motia_dead_letters GROUP BY topic, step ORDER BY topic, step')
  const remove = db.prepare('DELETE FROM motia_dead_letters WHERE id = :id AND (:step IS NULL OR step = :step)')

  return {
    page(options) {
      checkPageOptions(options)
      const after = readCursor(options.cursor)
      const name = options.topic !== undefined ? (options.step !== undefined ? 'queue' : 'topic') : options.step !== undefined ? 'step' : 'all'
      const statements = pages.get(name)!
      const params = { step: options.step ?? null, topic: options.topic ?? null, max: options.maxDataChars, limit: options.limit + 1 }
      const rows = (after ? statements.after.all({ ...params, at: after.failedAt, id: after.id }) : statements.first.all(params)) as PageRow[]
      const more = rows.length > options.limit
      if (more) rows.pop()
      const letters = rows.map((row) => {
        const summary = summarize(
          { id: row.id, topic: row.topic, step: row.step, traceId: row.trace_id, attempts: row.attempts, error: row.error, failedAt: row.failed_at, ...(row.group_id !== null && { messageGroupId: row.group_id }) },
          row.head,
          options.maxDataChars,
        )
        // The size is the stored JSON's, not the head's.
        summary.size = row.size ?? 0
        return summary
      })
      const { n } = statements.total.get({ step: params.step, topic: params.topic }) as { n: number }
      const page: DeadLetterPage = { letters, total: n }
      if (more) page.next = cursorAfter(letters.at(-1)!)
      return page
    },
    counts: () => counts.all() as DeadLetterCount[],
    purgeIds(ids, step) {
      let removed = 0
      db.transaction(() => {
        for (const id of ids) removed += remove.run({ id, step: step ?? null }).changes
      }).immediate()
      return removed
    },
  }
}

// --- internal ---

interface PageRow {
  id: string
  topic: string
  step: string
  group_id: string | null
  trace_id: string
  attempts: number
  failed_at: number
  error: string
  size: number | null
  head: string | null
}
