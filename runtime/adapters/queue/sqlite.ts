/**
 * The embedded durable QueueAdapter on bun:sqlite: the default for `motia dev` and `motia start`.
 *
 * Every copy is a row. Taking a copy leases it: `visible_at` moves to the end of the step's
 * visibility timeout and `attempt` goes up, so a copy whose process died comes back by itself when
 * the lease runs out (or at once on the next start, see `reclaimLeases`). Retries and delays are
 * stored the same way, so they fire after a restart; nothing lives only in a timer. Every report
 * of an attempt names the attempt, so a superseded one changes nothing.
 *
 * Writes (publishes, acks, retries, dead-lettering) are gathered for one turn of the event loop
 * and committed in one transaction, then consumers with room lease a batch each. A publish resolves
 * only after its transaction committed. A batch that fails is written again one write at a time,
 * so only the write that cannot be stored fails; acks, retries and dead letters that cannot be
 * stored (disk full, I/O error) wait and are written once the store takes writes again.
 */
import { errorMessage } from '../../errors.ts'
import { isStoreFailure, openDatabase, storeUnavailable, unusableStore, type SharedDatabase } from '../sqlite/database.ts'
import { isFinal, runAttempt, tell } from './attempt.ts'
import { prepareDeadLetters } from './sqlite-dead-letters.ts'
import { commit, encode, letterOf, prepare, toDeadLetter, toMessage, type DeadRow, type Row, type Statements, type Write } from './sqlite-store.ts'
import { backoffDelay, checkPublishOptions, type ConsumeOptions, type MessageHandler, type QueueAdapter, type QueueMessage, type QueueStats } from './types.ts'

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
  const pollIntervalMs = options.pollIntervalMs ?? 200
  const consumers = new Set<Consumer>()
  const outage = createOutage(shared.path, options.onWarning)
  let pending: Write[] = []
  let tickQueued = false
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  let flushed: Array<() => void> = []
  let closed = false

  if (options.reclaimLeases) {
    // Best effort: without it, leases of a dead process still run out by themselves.
    try {
      sql.reclaim.run({ now: Date.now(), owner })
    } catch (error) {
      outage.down(error)
    }
  }

  const schedule = () => {
    if (tickQueued || closed) return
    tickQueued = true
    setImmediate(tick)
  }

  const tick = () => {
    tickQueued = false
    const writes = pending
    pending = []
    if (writes.length > 0) flush(writes)
    for (const done of flushed.splice(0)) done()
    for (const consumer of consumers) if (consumer.hungry) lease(consumer)
  }

  const flush = (writes: Write[]) => {
    try {
      commit(sql, shared.db, writes)
      return settled(writes, true)
    } catch {
      // Written again one by one below, so that only what cannot be stored fails.
    }
    let failure: unknown
    for (const write of writes) {
      try {
        commit(sql, shared.db, [write])
        settled([write], false)
      } catch (error) {
        failure = error
        if (write.kind === 'publish') write.reject(isStoreFailure(error) ? storeUnavailable(shared.path, error, `the message to "${write.topic}" was not enqueued`) : error)
        else pending.push(write)
      }
    }
    if (failure !== undefined && (pending.length > 0 || isStoreFailure(failure))) outage.down(failure)
    if (pending.length > 0 && !retryTimer && !closed) {
      retryTimer = setTimeout(() => {
        retryTimer = undefined
        schedule()
      }, outage.delay())
    }
  }

  /** After a commit: publishes resolve, dead letters are announced; a full batch proves the store writable. */
  const settled = (writes: readonly Write[], whole: boolean) => {
    let grew = false
    for (const write of writes) {
      if (write.kind === 'publish') {
        grew = true
        write.resolve()
      } else if (write.kind === 'dead' && write.stored) {
        grew = true
        tell(write.onDeadLetter, letterOf(write.row, write.error, Date.now()))
      }
    }
    if (whole && grew) outage.up()
  }

  const lease = (consumer: Consumer) => {
    const room = consumer.options.concurrency - consumer.running
    if (consumer.stopped || room <= 0) return
    const now = Date.now()
    const { topic, step, visibilityTimeoutMs, maxRetries, fifo } = consumer.options
    let rows: Row[]
    try {
      rows = (fifo ? sql.leaseFifo : sql.lease).all({ topic, step, now, until: now + visibilityTimeoutMs, owner, limit: room }) as Row[]
    } catch (error) {
      // The store cannot take the lease: this consumer tries again after a growing pause.
      outage.down(error)
      return wakeIn(consumer, outage.delay())
    }
    rows.sort((a, b) => a.seq - b.seq)
    if (rows.length < room) {
      consumer.hungry = false
      wakeLater(consumer)
    }
    for (const row of rows) {
      let message: QueueMessage
      try {
        message = toMessage(row)
      } catch (error) {
        deadLetter(consumer, row, `the stored data is not valid JSON (${errorMessage(error)}); it was not written by motia`)
        continue
      }
      // Earlier attempts never reported back: their process died or the lease ran out.
      if (message.attempt > maxRetries + 1) {
        deadLetter(consumer, row, `lease expired ${message.attempt - 1} times: the handler crashed its process or ran longer than visibilityTimeoutMs (${visibilityTimeoutMs} ms)`)
        continue
      }
      run(consumer, row, message)
    }
  }

  const deadLetter = (consumer: Consumer, row: Row, error: string) => {
    pending.push({ kind: 'dead', row, error, onDeadLetter: consumer.options.onDeadLetter })
    schedule()
  }

  const run = (consumer: Consumer, row: Row, message: QueueMessage) => {
    consumer.running++
    runAttempt(consumer.handler, message, consumer.options, (error) => {
      consumer.running--
      settle(consumer, row, message, error)
      if (consumer.stopped && consumer.running === 0) for (const resolve of consumer.idle.splice(0)) resolve()
    })
  }

  const settle = (consumer: Consumer, row: Row, message: QueueMessage, error: unknown) => {
    if (error === undefined) pending.push({ kind: 'ack', row })
    else if (!isFinal(error, message.attempt, consumer.options)) {
      pending.push({ kind: 'retry', row, visibleAt: Date.now() + backoffDelay(consumer.options.backoff, message.attempt) })
    } else pending.push({ kind: 'dead', row, error: errorMessage(error), onDeadLetter: consumer.options.onDeadLetter })
    if (!consumer.stopped) consumer.hungry = true
    schedule()
  }

  const wakeLater = (consumer: Consumer) => {
    let next: number | null = null
    try {
      next = (sql.nextVisible.get({ topic: consumer.options.topic, step: consumer.options.step }) as { at: number | null }).at
    } catch {
      // Unreadable for now: poll.
    }
    wakeIn(consumer, next === null ? pollIntervalMs : Math.max(1, Math.min(pollIntervalMs, next - Date.now())))
  }

  const wakeIn = (consumer: Consumer, delay: number) => {
    consumer.hungry = false
    clearTimeout(consumer.timer)
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

  /** Resolves once every write queued so far was tried (written, or kept for a retry). */
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

  /** Runs a store operation of the CLI's tools, turning store failures into a one-line 503. */
  const guarded = <T>(what: string, action: () => T): T => {
    try {
      return action()
    } catch (error) {
      throw isStoreFailure(error) ? storeUnavailable(shared.path, error, what) : error
    }
  }

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
      const letters = ids === 'all' ? (sql.deadLetters.all({ step: null, topic: null }) as DeadRow[]) : ids.flatMap((id) => (sql.deadLetter.get({ id }) as DeadRow | null) ?? [])
      const now = Date.now()
      guarded('nothing was replayed', () =>
        shared.db.transaction(() => {
          for (const letter of letters) {
            sql.insert.run({ topic: letter.topic, step: letter.step, group: letter.group_id, data: letter.data, trace: letter.trace_id, now, visible: now })
            sql.deleteDead.run({ id: letter.id })
          }
        }).immediate(),
      )
      for (const letter of letters) wake(letter.topic, [letter.step])
      schedule()
      return letters.length
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

    async close() {
      if (closed) return
      await Promise.all([...consumers].map(stopConsumer))
      await drain()
      closed = true
      clearTimeout(retryTimer)
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

/**
 * Whether the store takes writes, and how long to wait before trying again while it does not:
 * from 50 ms, doubling up to 5 s. Each change is told once.
 */
function createOutage(path: string, warn: ((message: string) => void) | undefined) {
  let delay = 0
  return {
    down(error: unknown) {
      if (delay > 0) {
        delay = Math.min(delay * 2, 5000)
        return
      }
      delay = 50
      warn?.(`[motia] the queue store ${path} cannot take writes (${errorMessage(error)}): enqueues answer 503 and consumers pause until it can; free disk space or fix the file's permissions`)
    },
    up() {
      if (delay === 0) return
      delay = 0
      warn?.(`[motia] the queue store ${path} takes writes again: consumers resume`)
    },
    /** The pause before the next try. */
    delay: () => (delay > 0 ? delay : 50),
  }
}

function prepareOrRefuse<T>(shared: SharedDatabase, make: (db: SharedDatabase['db']) => T): T {
  try {
    return make(shared.db)
  } catch (error) {
    shared.release()
    throw unusableStore(shared.path, error)
  }
}
