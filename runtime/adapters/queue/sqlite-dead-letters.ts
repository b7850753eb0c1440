/**
 * Dead letters a page at a time from the embedded store (see dead-letter-page.ts), without reading
 * a payload. SQLite keeps a row's columns in order, and a 150 KB `data` spills into a chain of
 * overflow pages that must be walked to reach any column after it, so a page read from
 * `motia_dead_letters` itself would cost what its payloads weigh (~50 ms for 200 letters of 150 KB,
 * the whole server waiting). Instead a side table, `motia_dead_letter_index`, holds what a page
 * shows: the letter without its data, the first DEAD_LETTER_HEAD_CHARS characters of the data and
 * of the error, and the data's size. Triggers keep it in step with every insert and delete, whoever
 * writes, and opening the store indexes letters written before the table existed (once).
 */
import type { Database, Statement } from 'bun:sqlite'
import { checkPageOptions, cursorAfter, DEAD_LETTER_HEAD_CHARS, readCursor, summarize } from './dead-letter-page.ts'
import type { DeadLetterCount, DeadLetterPage, DeadLetterPageOptions } from './types.ts'

export interface SqliteDeadLetters {
  page(options: DeadLetterPageOptions): DeadLetterPage
  counts(): DeadLetterCount[]
  /** Deletes these dead letters in one transaction; returns how many there were. */
  purgeIds(ids: readonly string[], step?: string): number
}

/** Creates the side table, its triggers and indexes (filling it once on an older store) and prepares the queries. */
export function prepareDeadLetters(db: Database): SqliteDeadLetters {
  const head = DEAD_LETTER_HEAD_CHARS
  db.run(`CREATE TABLE IF NOT EXISTS motia_dead_letter_index (
  id TEXT PRIMARY KEY,
  topic TEXT NOT NULL,
  step TEXT NOT NULL,
  group_id TEXT,
  trace_id TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  failed_at INTEGER NOT NULL,
  error TEXT NOT NULL,
  size INTEGER,
  head TEXT
);
CREATE INDEX IF NOT EXISTS motia_dead_letter_index_time ON motia_dead_letter_index (failed_at, id);
CREATE INDEX IF NOT EXISTS motia_dead_letter_index_step ON motia_dead_letter_index (step, failed_at, id);
CREATE INDEX IF NOT EXISTS motia_dead_letter_index_queue ON motia_dead_letter_index (topic, step, failed_at, id);
CREATE INDEX IF NOT EXISTS motia_dead_letters_time ON motia_dead_letters (failed_at, id);
CREATE TRIGGER IF NOT EXISTS motia_dead_letters_indexed AFTER INSERT ON motia_dead_letters BEGIN
  INSERT OR REPLACE INTO motia_dead_letter_index (id, topic, step, group_id, trace_id, attempts, failed_at, error, size, head)
  VALUES (new.id, new.topic, new.step, new.group_id, new.trace_id, new.attempts, new.failed_at, substr(new.error, 1, ${head}), octet_length(new.data), substr(new.data, 1, ${head}));
END;
CREATE TRIGGER IF NOT EXISTS motia_dead_letters_unindexed AFTER DELETE ON motia_dead_letters BEGIN
  DELETE FROM motia_dead_letter_index WHERE id = old.id;
END;
INSERT INTO motia_dead_letter_index (id, topic, step, group_id, trace_id, attempts, failed_at, error, size, head)
  SELECT id, topic, step, group_id, trace_id, attempts, failed_at, substr(error, 1, ${head}), octet_length(data), substr(data, 1, ${head})
  FROM motia_dead_letters d WHERE NOT EXISTS (SELECT 1 FROM motia_dead_letter_index i WHERE i.id = d.id);
DELETE FROM motia_dead_letter_index WHERE id NOT IN (SELECT id FROM motia_dead_letters);`)
  // One query per filter, so each can follow its index in order and stop after `limit` rows. A
  // preview longer than the index keeps comes from the letter itself (its payload read).
  const filters = { all: '1', step: 'step = :step', topic: 'topic = :topic', queue: 'topic = :topic AND step = :step' }
  const fromLetter = (column: 'data' | 'error') => `(SELECT substr(d.${column}, 1, :max + 1) FROM motia_dead_letters d WHERE d.id = i.id)`
  const columns = `id, topic, step, group_id, trace_id, attempts, failed_at, size,
    CASE WHEN :max < ${head} THEN substr(error, 1, :max + 1) ELSE ${fromLetter('error')} END AS error,
    CASE WHEN :max < ${head} THEN substr(head, 1, :max + 1) ELSE ${fromLetter('data')} END AS head`
  // Prepared at first use, a filter at a time: a server that never pages its dead letters does not
  // compile these fourteen queries at every start (~3 ms and ~1 MiB).
  const pages = new Map<string, { first: Statement; after: Statement; total: Statement }>()
  const pageQueries = (name: keyof typeof filters) => {
    let statements = pages.get(name)
    if (statements) return statements
    const where = filters[name]
    statements = {
      first: db.prepare(`SELECT ${columns} FROM motia_dead_letter_index i WHERE ${where} ORDER BY failed_at DESC, id DESC LIMIT :limit`),
      after: db.prepare(`SELECT ${columns} FROM motia_dead_letter_index i WHERE ${where} AND (failed_at, id) < (:at, :id) ORDER BY failed_at DESC, id DESC LIMIT :limit`),
      total: db.prepare(`SELECT COUNT(*) AS n FROM motia_dead_letter_index WHERE ${where}`),
    }
    pages.set(name, statements)
    return statements
  }
  let counts: Statement | undefined
  let remove: Statement | undefined

  return {
    page(options) {
      checkPageOptions(options)
      const after = readCursor(options.cursor)
      const name = options.topic !== undefined ? (options.step !== undefined ? 'queue' : 'topic') : options.step !== undefined ? 'step' : 'all'
      const statements = pageQueries(name)
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
    counts: () => (counts ??= db.prepare('SELECT topic, step, COUNT(*) AS count FROM motia_dead_letter_index GROUP BY topic, step ORDER BY topic, step')).all() as DeadLetterCount[],
    purgeIds(ids, step) {
      remove ??= db.prepare('DELETE FROM motia_dead_letters WHERE id = :id AND (:step IS NULL OR step = :step)')
      let removed = 0
      db.transaction(() => {
        for (const id of ids) removed += remove!.run({ id, step: step ?? null }).changes
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
