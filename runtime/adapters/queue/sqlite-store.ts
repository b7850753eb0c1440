/**
 * The tables and statements of the embedded queue, and the one function that writes a batch.
 * `sqlite.ts` decides what to write and when; this file only knows how.
 */
import type { Database, Statement } from 'bun:sqlite'
import type { DeadLetter, QueueMessage } from './types.ts'

export interface Row {
  seq: number
  topic: string
  step: string
  group_id: string | null
  data: string | null
  trace_id: string
  attempt: number
  enqueued_at: number
}

export interface DeadRow {
  id: string
  topic: string
  step: string
  group_id: string | null
  data: string | null
  trace_id: string
  attempts: number
  error: string
  failed_at: number
}

export type Write =
  | {
      kind: 'publish'
      topic: string
      subscribers: readonly string[]
      data: string | null
      options: { traceId: string; messageGroupId?: string; delayMs?: number; id?: string }
      resolve: () => void
      reject: (error: unknown) => void
    }
  | { kind: 'ack'; row: Row }
  | { kind: 'retry'; row: Row; visibleAt: number }
  | {
      kind: 'dead'
      row: Row
      error: string
      onDeadLetter?: (letter: DeadLetter) => void
      /** Set by `commit`: false when the attempt was superseded and nothing was dead-lettered. */
      stored?: boolean
    }

export type Statements = ReturnType<typeof prepare>

// Two indexes: \`motia_queue_due\` orders a queue's copies by when they are due (standard leases,
// stats) and carries the group so that a fifo lease finds the head of the copies without a group
// from it alone; \`motia_queue_grouped\` holds only copies with a group, so a standard message (the
// usual one) pays for one index, not two, on insert and delete. Stores written before these
// (\`motia_queue_ready\` and a full \`motia_queue_groups\`) are upgraded when opened: the old indexes
// are dropped and the new ones built from the rows (sqlite-migration.test.ts).
const schema = `
CREATE TABLE IF NOT EXISTS motia_queue (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  topic TEXT NOT NULL,
  step TEXT NOT NULL,
  group_id TEXT,
  data TEXT,
  trace_id TEXT NOT NULL,
  attempt INTEGER NOT NULL DEFAULT 0,
  enqueued_at INTEGER NOT NULL,
  visible_at INTEGER NOT NULL,
  lease TEXT
);
DROP INDEX IF EXISTS motia_queue_ready;
DROP INDEX IF EXISTS motia_queue_groups;
CREATE INDEX IF NOT EXISTS motia_queue_due ON motia_queue (topic, step, visible_at, seq, group_id);
CREATE INDEX IF NOT EXISTS motia_queue_grouped ON motia_queue (topic, step, group_id, seq) WHERE group_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS motia_dead_letters (
  id TEXT PRIMARY KEY,
  topic TEXT NOT NULL,
  step TEXT NOT NULL,
  group_id TEXT,
  data TEXT,
  trace_id TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  error TEXT NOT NULL,
  failed_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS motia_queue_ids (
  topic TEXT NOT NULL,
  step TEXT NOT NULL,
  id TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (topic, step, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS motia_queue_ids_expiry ON motia_queue_ids (expires_at);
`

// A lease is for one (topic, step): the consumer knows both, so they are not read back (sqlite-consumers.ts sets them).
const leaseColumns = 'RETURNING seq, group_id, data, trace_id, attempt, enqueued_at'

/** Creates the tables if needed and prepares every statement the queue runs. */
export function prepare(db: Database) {
  db.run(schema)
  const statement = (text: string): Statement => db.prepare(text)
  return {
    insert: statement(
      'INSERT INTO motia_queue (topic, step, group_id, data, trace_id, enqueued_at, visible_at) VALUES (:topic, :step, :group, :data, :trace, :now, :visible)',
    ),
    // A copy that a consumer of this process takes as it is stored: written as a lease would leave it.
    insertLeased: statement(
      'INSERT INTO motia_queue (topic, step, group_id, data, trace_id, enqueued_at, visible_at, attempt, lease) VALUES (:topic, :step, :group, :data, :trace, :now, :until, 1, :owner)',
    ),
    lease: statement(`UPDATE motia_queue SET visible_at = :until, lease = :owner, attempt = attempt + 1
      WHERE seq IN (SELECT seq FROM motia_queue WHERE topic = :topic AND step = :step AND visible_at <= :now ORDER BY visible_at, seq LIMIT :limit)
      ${leaseColumns}`),
    // A fifo copy is leasable only at the head of its group: a running or retrying head holds the group.
    // The copies without a group form one group of their own (the second head).
    leaseFifo: statement(`UPDATE motia_queue SET visible_at = :until, lease = :owner, attempt = attempt + 1
      WHERE seq IN (
        SELECT seq FROM motia_queue WHERE visible_at <= :now AND seq IN (
          SELECT MIN(seq) FROM motia_queue WHERE topic = :topic AND step = :step AND group_id IS NOT NULL GROUP BY group_id
          UNION ALL
          SELECT MIN(seq) FROM motia_queue WHERE topic = :topic AND step = :step AND group_id IS NULL
        ) ORDER BY seq LIMIT :limit)
      ${leaseColumns}`),
    retry: statement('UPDATE motia_queue SET visible_at = :visible, lease = NULL WHERE seq = :seq AND attempt = :attempt'),
    // Copies the row as it is stored, and only while `attempt` still holds it: a superseded attempt
    // dead-letters nothing.
    dead: statement(`INSERT OR REPLACE INTO motia_dead_letters (id, topic, step, group_id, data, trace_id, attempts, error, failed_at)
      SELECT :id, topic, step, group_id, data, trace_id, attempt, :error, :now FROM motia_queue WHERE seq = :seq AND attempt = :attempt`),
    remove: statement('DELETE FROM motia_queue WHERE seq = :seq AND attempt = :attempt'),
    reclaim: statement('UPDATE motia_queue SET visible_at = :now, lease = NULL WHERE lease IS NOT NULL AND lease != :owner'),
    nextVisible: statement('SELECT MIN(visible_at) AS at FROM motia_queue WHERE topic = :topic AND step = :step'),
    depth: statement('SELECT COUNT(*) AS n FROM motia_queue WHERE topic = :topic AND step = :step'),
    // A leased copy is running; an unleased one is waiting, or delayed while not yet visible.
    stats: statement(`SELECT
        COALESCE(SUM(lease IS NULL AND visible_at <= :now), 0) AS waiting,
        COALESCE(SUM(lease IS NOT NULL), 0) AS inFlight,
        COALESCE(SUM(lease IS NULL AND visible_at > :now), 0) AS delayed
      FROM motia_queue WHERE topic = :topic AND step = :step`),
    deadLetters: statement(`SELECT * FROM motia_dead_letters
      WHERE (:step IS NULL OR step = :step) AND (:topic IS NULL OR topic = :topic) ORDER BY failed_at, id`),
    purge: statement('DELETE FROM motia_dead_letters WHERE (:step IS NULL OR step = :step)'),
    // Idempotent publish: changes one row when the id is new for (topic, step) or its window ran out.
    claimId: statement(`INSERT INTO motia_queue_ids (topic, step, id, expires_at) VALUES (:topic, :step, :id, :expires)
      ON CONFLICT (topic, step, id) DO UPDATE SET expires_at = excluded.expires_at WHERE motia_queue_ids.expires_at <= :now`),
    pruneIds: statement('DELETE FROM motia_queue_ids WHERE expires_at <= :now'),
    // Replay copies a letter back without reading its data into JavaScript, then deletes it.
    replayOne: statement(`INSERT INTO motia_queue (topic, step, group_id, data, trace_id, enqueued_at, visible_at)
      SELECT topic, step, group_id, data, trace_id, :now, :now FROM motia_dead_letters WHERE id = :id`),
    replayAll: statement(`INSERT INTO motia_queue (topic, step, group_id, data, trace_id, enqueued_at, visible_at)
      SELECT topic, step, group_id, data, trace_id, :now, :now FROM motia_dead_letters ORDER BY failed_at, id`),
    deadQueues: statement('SELECT DISTINCT topic, step FROM motia_dead_letters'),
    deleteDeadReturning: statement('DELETE FROM motia_dead_letters WHERE id = :id RETURNING topic, step'),
    deleteAllDead: statement('DELETE FROM motia_dead_letters'),
  }
}

/**
 * A consumer of this process with room for a new copy of its (topic, step) and nothing due in the
 * table before it: the copy is stored already leased to it (attempt 1, visible again after
 * `leaseMs`), so no lease has to find it, and `take` gets its row.
 */
export interface Taker {
  readonly owner: string
  readonly leaseMs: number
  take(row: Row): void
}

/**
 * Where a new copy of (topic, step) goes: to a taker, or (undefined) to the table, to be leased.
 * `due` is false for a delayed copy, which always goes to the table.
 */
export type Route = (topic: string, step: string, due: boolean) => Taker | undefined

/**
 * Commits `writes` in one transaction: all of them or, when it throws, none. A publish with an id
 * stores a copy only for the subscribers that have not stored it within `dedupWindowMs`; `prune`
 * drops the ids whose window ran out. `inside.route` may give a copy that is due now to a taker;
 * `inside.after` runs last within the transaction (the consumers' leases).
 */
export function commit(sql: Statements, db: Database, writes: readonly Write[], options: { dedupWindowMs: number; prune?: boolean }, inside?: { route?: Route; after?: () => void }): void {
  const now = Date.now()
  const { dedupWindowMs } = options
  const route = inside?.route
  db.transaction(() => {
    if (options.prune) sql.pruneIds.run({ now })
    for (const write of writes) {
      if (write.kind === 'publish') {
        const { traceId, messageGroupId, delayMs, id } = write.options
        const { topic, data } = write
        const group = messageGroupId ?? null
        for (const step of write.subscribers) {
          if (id !== undefined && sql.claimId.run({ topic, step, id, now, expires: now + dedupWindowMs }).changes === 0) continue
          const taker = route?.(topic, step, !delayMs)
          if (!taker) {
            sql.insert.run({ topic, step, group, data, trace: traceId, now, visible: now + (delayMs ?? 0) })
            continue
          }
          const seq = Number(sql.insertLeased.run({ topic, step, group, data, trace: traceId, now, until: now + taker.leaseMs, owner: taker.owner }).lastInsertRowid)
          taker.take({ seq, topic, step, group_id: group, data, trace_id: traceId, attempt: 1, enqueued_at: now })
        }
        continue
      }
      // Matching the attempt makes a late report harmless once the copy was leased again.
      const { seq, attempt } = write.row
      if (write.kind === 'ack') sql.remove.run({ seq, attempt })
      else if (write.kind === 'retry') sql.retry.run({ seq, attempt, visible: write.visibleAt })
      else {
        write.stored = sql.dead.run({ id: idOf(seq), seq, attempt, error: write.error, now }).changes > 0
        sql.remove.run({ seq, attempt })
      }
    }
    inside?.after?.()
  }).immediate()
}

/**
 * Moves dead letters back into their queues in one IMMEDIATE transaction, which holds SQLite's
 * write lock: another process replaying the same letters waits and then finds them gone, so each
 * is requeued once. Returns how many this call moved, and the queues that got copies.
 */
export function replayDeadLetters(sql: Statements, db: Database, ids: readonly string[] | 'all'): { count: number; queues: Array<{ topic: string; step: string }> } {
  const now = Date.now()
  return db.transaction(() => {
    if (ids === 'all') {
      const queues = sql.deadQueues.all() as Array<{ topic: string; step: string }>
      sql.replayAll.run({ now })
      return { count: sql.deleteAllDead.run().changes, queues }
    }
    const queues: Array<{ topic: string; step: string }> = []
    for (const id of ids) {
      if (sql.replayOne.run({ id, now }).changes === 0) continue
      queues.push(...(sql.deleteDeadReturning.all({ id }) as Array<{ topic: string; step: string }>))
    }
    return { count: queues.length, queues }
  }).immediate()
}

/** The message of a leased row; throws when its stored data is not JSON. */
export function toMessage(row: Row): QueueMessage {
  return {
    id: idOf(row.seq),
    topic: row.topic,
    step: row.step,
    data: decode(row.data),
    traceId: row.trace_id,
    messageGroupId: row.group_id ?? undefined,
    attempt: row.attempt,
    enqueuedAt: row.enqueued_at,
  }
}

/** A dead letter as listed; data that is not JSON is shown as the text that was stored. */
export function toDeadLetter(row: DeadRow): DeadLetter {
  return {
    id: row.id,
    topic: row.topic,
    step: row.step,
    data: decodeOrText(row.data),
    traceId: row.trace_id,
    messageGroupId: row.group_id ?? undefined,
    attempts: row.attempts,
    error: row.error,
    failedAt: row.failed_at,
  }
}

/** The dead letter that a `dead` write of `row` stores. */
export function letterOf(row: Row, error: string, failedAt: number): DeadLetter {
  return toDeadLetter({ id: idOf(row.seq), topic: row.topic, step: row.step, group_id: row.group_id, data: row.data, trace_id: row.trace_id, attempts: row.attempt, error, failed_at: failedAt })
}

export function encode(data: unknown): string | null {
  return data === undefined ? null : JSON.stringify(data)
}

// --- internal ---

function idOf(seq: number): string {
  return `m${seq}`
}

function decode(text: string | null): unknown {
  return text === null ? undefined : JSON.parse(text)
}

function decodeOrText(text: string | null): unknown {
  try {
    return decode(text)
  } catch {
    return text
  }
}
