/**
 * The embedded durable QueueAdapter on bun:sqlite: the default for `motia dev` and `motia start`.
 *
 * Every copy is a row. Taking a copy leases it: `visible_at` moves to the end of the step's
 * visibility timeout and `attempt` goes up, so a copy whose process died comes back by itself when
 * the lease runs out (or at once on the next start, see `reclaimLeases`). Retries and delays are
 * stored the same way, so they fire after a restart; nothing lives only in a timer.
 *
 * Writes (publishes, acks, retries, dead-lettering) are gathered for one turn of the event loop
 * and committed in one transaction, then consumers with room lease a batch each. A publish resolves
 * only after its transaction committed.
 */
import type { Database, Statement } from 'bun:sqlite'
import { errorMessage, isNonRetriable } from '../../errors.ts'
import { openDatabase } from '../sqlite/database.ts'
import { backoffDelay, type ConsumeOptions, type DeadLetter, type MessageHandler, type QueueAdapter, type QueueMessage } from './types.ts'

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
}

/**
 * @example
 * const queue = createSqliteQueue({ path: '.motia/motia.db' })
 */
export function createSqliteQueue(options: SqliteQueueOptions): QueueAdapter {
  const shared = openDatabase(options.path)
  const sql = prepare(shared.db)
  const owner = `${process.pid}-${Math.random().toString(36).slice(2, 10)}`
  const pollIntervalMs = options.pollIntervalMs ?? 200
  const consumers = new Set<Consumer>()
  let pending: Write[] = []
  let tickQueued = false
  let flushed: Array<() => void> = []
  let closed = false

  if (options.reclaimLeases) sql.reclaim.run({ now: Date.now(), owner })

  const schedule = () => {
    if (tickQueued || closed) return
    tickQueued = true
    setImmediate(tick)
  }

  const tick = () => {
    tickQueued = false
    const writes = pending
    pending = []
    if (writes.length > 0) {
      try {
        commit(sql, shared.db, writes)
      } catch (error) {
        for (const write of writes) {
          if (write.kind === 'publish') write.reject(error)
          else pending.push(write)
        }
        if (pending.length > 0) setTimeout(schedule, 100)
      }
      for (const write of writes) if (write.kind === 'publish') write.resolve()
    }
    for (const done of flushed.splice(0)) done()
    for (const consumer of consumers) if (consumer.hungry) lease(consumer)
  }

  const lease = (consumer: Consumer) => {
    const room = consumer.options.concurrency - consumer.running
    if (consumer.stopped || room <= 0) return
    const now = Date.now()
    const { topic, step, visibilityTimeoutMs, maxRetries, fifo } = consumer.options
    const rows = (fifo ? sql.leaseFifo : sql.lease).all({ topic, step, now, until: now + visibilityTimeoutMs, owner, limit: room }) as Row[]
    rows.sort((a, b) => a.seq - b.seq)
    if (rows.length < room) {
      consumer.hungry = false
      wakeLater(consumer)
    }
    for (const row of rows) {
      const message = toMessage(row)
      // Earlier attempts never reported back: their process died or the lease ran out.
      if (message.attempt > maxRetries + 1) {
        pending.push({ kind: 'dead', row, error: `lease expired ${message.attempt - 1} times: the handler crashed its process or ran longer than visibilityTimeoutMs (${visibilityTimeoutMs} ms)` })
        schedule()
        continue
      }
      run(consumer, row, message)
    }
  }

  const run = (consumer: Consumer, row: Row, message: QueueMessage) => {
    consumer.running++
    const done = (error: unknown) => {
      consumer.running--
      settle(consumer, row, message, error)
      if (consumer.stopped && consumer.running === 0) for (const resolve of consumer.idle.splice(0)) resolve()
    }
    try {
      consumer.handler(message).then(
        () => done(undefined),
        (error: unknown) => done(error ?? new Error('handler rejected with undefined')),
      )
    } catch (error) {
      done(error ?? new Error('handler threw undefined'))
    }
  }

  const settle = (consumer: Consumer, row: Row, message: QueueMessage, error: unknown) => {
    if (error === undefined) pending.push({ kind: 'ack', row })
    else if (!isNonRetriable(error) && message.attempt <= consumer.options.maxRetries) {
      pending.push({ kind: 'retry', row, visibleAt: Date.now() + backoffDelay(consumer.options.backoff, message.attempt) })
    } else pending.push({ kind: 'dead', row, error: errorMessage(error) })
    if (!consumer.stopped) consumer.hungry = true
    schedule()
  }

  const wakeLater = (consumer: Consumer) => {
    clearTimeout(consumer.timer)
    const next = sql.nextVisible.get({ topic: consumer.options.topic, step: consumer.options.step }) as { at: number | null }
    const delay = next.at === null ? pollIntervalMs : Math.max(1, Math.min(pollIntervalMs, next.at - Date.now()))
    consumer.timer = setTimeout(() => {
      consumer.hungry = true
      schedule()
    }, delay)
  }

  const wake = (topic: string, steps: readonly string[]) => {
    for (const consumer of consumers) {
      if (consumer.options.topic === topic && steps.includes(consumer.options.step)) consumer.hungry = true
    }
  }

  /** Resolves once every write queued so far is committed. */
  const drain = () =>
    pending.length === 0 && !tickQueued ? Promise.resolve() : new Promise<void>((resolve) => {
      flushed.push(resolve)
      schedule()
    })

  const stopConsumer = async (consumer: Consumer) => {
    if (consumer.stopped) return
    consumer.stopped = true
    consumer.hungry = false
    clearTimeout(consumer.timer)
    if (consumer.running > 0) await new Promise<void>((resolve) => consumer.idle.push(resolve))
    consumers.delete(consumer)
    await drain()
  }

  const assertOpen = () => {
    if (closed) throw new Error('[motia] the sqlite queue is closed')
  }

  return {
    publish(topic, subscribers, data, publishOptions) {
      assertOpen()
      if (subscribers.length === 0) return Promise.resolve()
      return new Promise<void>((resolve, reject) => {
        pending.push({ kind: 'publish', topic, subscribers, data: encode(data), options: publishOptions, resolve, reject })
        wake(topic, subscribers)
        schedule()
      })
    },

    async consume(consumeOptions, handler) {
      assertOpen()
      const consumer: Consumer = { options: consumeOptions, handler, running: 0, stopped: false, hungry: true, idle: [] }
      consumers.add(consumer)
      schedule()
      return () => stopConsumer(consumer)
    },

    async depth(topic, step) {
      await drain()
      return (sql.depth.get({ topic, step }) as { n: number }).n
    },

    async deadLetters(filter = {}) {
      await drain()
      return (sql.deadLetters.all({ step: filter.step ?? null, topic: filter.topic ?? null }) as DeadRow[]).map(toDeadLetter)
    },

    async replay(ids) {
      await drain()
      const letters = ids === 'all' ? (sql.deadLetters.all({ step: null, topic: null }) as DeadRow[]) : ids.flatMap((id) => (sql.deadLetter.get({ id }) as DeadRow | null) ?? [])
      const now = Date.now()
      shared.db.transaction(() => {
        for (const letter of letters) {
          sql.insert.run({ topic: letter.topic, step: letter.step, group: letter.group_id, data: letter.data, trace: letter.trace_id, now, visible: now })
          sql.deleteDead.run({ id: letter.id })
        }
      }).immediate()
      for (const letter of letters) wake(letter.topic, [letter.step])
      schedule()
      return letters.length
    },

    async purge(filter = {}) {
      await drain()
      return sql.purge.run({ step: filter.step ?? null }).changes
    },

    async close() {
      if (closed) return
      await Promise.all([...consumers].map(stopConsumer))
      await drain()
      closed = true
      shared.release()
    },
  }
}

// --- internal ---

interface Consumer {
  options: ConsumeOptions
  handler: MessageHandler
  running: number
  stopped: boolean
  /** There may be copies to lease: set by publishes, finished handlers and timers. */
  hungry: boolean
  idle: Array<() => void>
  timer?: ReturnType<typeof setTimeout>
}

interface Row {
  seq: number
  topic: string
  step: string
  group_id: string | null
  data: string | null
  trace_id: string
  attempt: number
  enqueued_at: number
}

interface DeadRow {
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

type Write =
  | {
      kind: 'publish'
      topic: string
      subscribers: readonly string[]
      data: string | null
      options: { traceId: string; messageGroupId?: string; delayMs?: number }
      resolve: () => void
      reject: (error: unknown) => void
    }
  | { kind: 'ack'; row: Row }
  | { kind: 'retry'; row: Row; visibleAt: number }
  | { kind: 'dead'; row: Row; error: string }

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
CREATE INDEX IF NOT EXISTS motia_queue_ready ON motia_queue (topic, step, visible_at, seq);
CREATE INDEX IF NOT EXISTS motia_queue_groups ON motia_queue (topic, step, group_id, seq);
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
`

const leaseColumns = 'RETURNING seq, topic, step, group_id, data, trace_id, attempt, enqueued_at'

function prepare(db: Database) {
  db.run(schema)
  const statement = (text: string): Statement => db.prepare(text)
  return {
    insert: statement(
      'INSERT INTO motia_queue (topic, step, group_id, data, trace_id, enqueued_at, visible_at) VALUES (:topic, :step, :group, :data, :trace, :now, :visible)',
    ),
    lease: statement(`UPDATE motia_queue SET visible_at = :until, lease = :owner, attempt = attempt + 1
      WHERE seq IN (SELECT seq FROM motia_queue WHERE topic = :topic AND step = :step AND visible_at <= :now ORDER BY visible_at, seq LIMIT :limit)
      ${leaseColumns}`),
    // A fifo copy is leasable only at the head of its group: a running or retrying head holds the group.
    leaseFifo: statement(`UPDATE motia_queue SET visible_at = :until, lease = :owner, attempt = attempt + 1
      WHERE seq IN (
        SELECT seq FROM motia_queue WHERE visible_at <= :now AND seq IN (
          SELECT MIN(seq) FROM motia_queue WHERE topic = :topic AND step = :step GROUP BY group_id
        ) ORDER BY seq LIMIT :limit)
      ${leaseColumns}`),
    retry: statement('UPDATE motia_queue SET visible_at = :visible, lease = NULL WHERE seq = :seq AND attempt = :attempt'),
    dead: statement(`INSERT OR REPLACE INTO motia_dead_letters (id, topic, step, group_id, data, trace_id, attempts, error, failed_at)
      VALUES (:id, :topic, :step, :group, :data, :trace, :attempts, :error, :now)`),
    remove: statement('DELETE FROM motia_queue WHERE seq = :seq AND attempt = :attempt'),
    reclaim: statement('UPDATE motia_queue SET visible_at = :now, lease = NULL WHERE lease IS NOT NULL AND lease != :owner'),
    nextVisible: statement('SELECT MIN(visible_at) AS at FROM motia_queue WHERE topic = :topic AND step = :step'),
    depth: statement('SELECT COUNT(*) AS n FROM motia_queue WHERE topic = :topic AND step = :step'),
    deadLetters: statement(`SELECT * FROM motia_dead_letters
      WHERE (:step IS NULL OR step = :step) AND (:topic IS NULL OR topic = :topic) ORDER BY failed_at, id`),
    deadLetter: statement('SELECT * FROM motia_dead_letters WHERE id = :id'),
    deleteDead: statement('DELETE FROM motia_dead_letters WHERE id = :id'),
    purge: statement('DELETE FROM motia_dead_letters WHERE (:step IS NULL OR step = :step)'),
  }
}

type Statements = ReturnType<typeof prepare>

function commit(sql: Statements, db: Database, writes: readonly Write[]): void {
  const now = Date.now()
  db.transaction(() => {
    for (const write of writes) {
      if (write.kind === 'publish') {
        const { traceId, messageGroupId, delayMs } = write.options
        for (const step of write.subscribers) {
          sql.insert.run({ topic: write.topic, step, group: messageGroupId ?? null, data: write.data, trace: traceId, now, visible: now + (delayMs ?? 0) })
        }
      } else {
        // Matching the attempt makes a late report harmless once the copy was leased again.
        const { seq, attempt } = write.row
        if (write.kind === 'ack') sql.remove.run({ seq, attempt })
        else if (write.kind === 'retry') sql.retry.run({ seq, attempt, visible: write.visibleAt })
        else {
          const row = write.row
          sql.dead.run({ id: idOf(row.seq), topic: row.topic, step: row.step, group: row.group_id, data: row.data, trace: row.trace_id, attempts: row.attempt, error: write.error, now })
          sql.remove.run({ seq, attempt })
        }
      }
    }
  }).immediate()
}

function toMessage(row: Row): QueueMessage {
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

function toDeadLetter(row: DeadRow): DeadLetter {
  return {
    id: row.id,
    topic: row.topic,
    step: row.step,
    data: decode(row.data),
    traceId: row.trace_id,
    messageGroupId: row.group_id ?? undefined,
    attempts: row.attempts,
    error: row.error,
    failedAt: row.failed_at,
  }
}

function idOf(seq: number): string {
  return `m${seq}`
}

function encode(data: unknown): string | null {
  return data === undefined ? null : JSON.stringify(data)
}

function decode(text: string | null): unknown {
  return text === null ? undefined : JSON.parse(text)
}
