/**
 * The read side of the embedded queue: each consumer leases a batch of copies when it has room,
 * runs them, and reports every outcome as a write (see sqlite-writes.ts). Taking a copy leases it:
 * `visible_at` moves to the end of the step's visibility timeout and `attempt` goes up, so a copy
 * whose process died comes back by itself when the lease runs out. Every report names the attempt,
 * so a superseded one changes nothing. An idle consumer sleeps until the next copy is due, or
 * polls for copies written by another process (the CLI).
 */
import { errorMessage } from '../../errors.ts'
import { isFinal, runAttempt } from './attempt.ts'
import type { Outage, WriteQueue } from './sqlite-writes.ts'
import { toMessage, type Row, type Statements } from './sqlite-store.ts'
import { backoffDelay, type ConsumeOptions, type MessageHandler, type QueueMessage } from './types.ts'

export interface ConsumerPoolOptions {
  sql: Statements
  /** This process's lease owner. */
  owner: string
  pollIntervalMs: number
  outage: Outage
  writes: WriteQueue
  schedule: () => void
}

// One closure of ~100 lines, on purpose: lease, start, settle and stop act on the same consumer set
// and the shared write queue; the SQL lives in sqlite-store.ts and the writes in sqlite-writes.ts.
export function createConsumerPool(options: ConsumerPoolOptions) {
  const { sql, owner, pollIntervalMs, outage, writes, schedule } = options
  const consumers = new Set<Consumer>()

  /** Room for more copies: the consumer runs fewer than its concurrency, and is not stopped. */
  const roomOf = (consumer: Consumer) => (consumer.stopped ? 0 : consumer.options.concurrency - consumer.running)

  /** Leases up to `room` copies for `consumer` (throws when the store refuses). */
  const query = (consumer: Consumer, room: number): Row[] => {
    const now = Date.now()
    const { topic, step, visibilityTimeoutMs, fifo } = consumer.options
    const rows = (fifo ? sql.leaseFifo : sql.lease).all({ topic, step, now, until: now + visibilityTimeoutMs, owner, limit: room }) as Row[]
    for (const row of rows) {
      row.topic = topic
      row.step = step
    }
    return rows
  }

  const lease = (consumer: Consumer) => {
    const room = roomOf(consumer)
    if (room <= 0) return
    let rows: Row[]
    try {
      rows = query(consumer, room)
    } catch (error) {
      // The store cannot take the lease: this consumer tries again after a growing pause.
      outage.down(error)
      return wakeIn(consumer, outage.delay(), schedule)
    }
    startLeased({ consumer, room, rows })
  }

  /** Runs the copies of a lease that committed; a short batch means the queue is drained for now. */
  const startLeased = ({ consumer, room, rows }: Leased) => {
    rows.sort((a, b) => a.seq - b.seq)
    if (rows.length < room) {
      consumer.hungry = false
      wakeLater(consumer)
    }
    for (const row of rows) start(consumer, row)
  }

  const start = (consumer: Consumer, row: Row) => {
    const { maxRetries, visibilityTimeoutMs } = consumer.options
    let message: QueueMessage
    try {
      message = toMessage(row)
    } catch (error) {
      return deadLetter(consumer, row, `the stored data is not valid JSON (${errorMessage(error)}); it was not written by motia`)
    }
    // Earlier attempts never reported back: their process died or the lease ran out.
    if (message.attempt > maxRetries + 1) {
      return deadLetter(consumer, row, `lease expired ${message.attempt - 1} times: the handler crashed its process or ran longer than visibilityTimeoutMs (${visibilityTimeoutMs} ms)`)
    }
    consumer.running++
    runAttempt(consumer.handler, message, consumer.options, (error) => {
      consumer.running--
      settle(consumer, row, message, error)
      if (consumer.stopped && consumer.running === 0) for (const resolve of consumer.idle.splice(0)) resolve()
    })
  }

  const deadLetter = (consumer: Consumer, row: Row, error: string) => {
    writes.push({ kind: 'dead', row, error, onDeadLetter: consumer.options.onDeadLetter })
  }

  const settle = (consumer: Consumer, row: Row, message: QueueMessage, error: unknown) => {
    if (!consumer.stopped) consumer.hungry = true
    if (error === undefined) writes.push({ kind: 'ack', row })
    else if (!isFinal(error, message.attempt, consumer.options)) {
      writes.push({ kind: 'retry', row, visibleAt: Date.now() + backoffDelay(consumer.options.backoff, message.attempt) })
    } else deadLetter(consumer, row, errorMessage(error))
  }

  /** Sleeps until the next copy of the queue is due, or one poll interval at most. */
  const wakeLater = (consumer: Consumer) => {
    let next: number | null = null
    try {
      next = (sql.nextVisible.get({ topic: consumer.options.topic, step: consumer.options.step }) as { at: number | null }).at
    } catch {
      // Unreadable for now: poll.
    }
    wakeIn(consumer, next === null ? pollIntervalMs : Math.max(1, Math.min(pollIntervalMs, next - Date.now())), schedule)
  }

  const stop = async (consumer: Consumer) => {
    if (consumer.stopped) return
    consumer.stopped = true
    consumer.hungry = false
    clearTimeout(consumer.timer)
    if (consumer.running > 0) await new Promise<void>((resolve) => consumer.idle.push(resolve))
    consumers.delete(consumer)
    await writes.drain()
  }

  return {
    /** Starts a consumer; resolves to the function that stops it once its running copies finished. */
    add(consumeOptions: ConsumeOptions, handler: MessageHandler): () => Promise<void> {
      const consumer: Consumer = { options: consumeOptions, handler, running: 0, stopped: false, hungry: true, idle: [] }
      consumers.add(consumer)
      schedule()
      return () => stop(consumer)
    },

    /** At each tick: every consumer that may find copies leases a batch. */
    feed(): void {
      for (const consumer of consumers) if (consumer.hungry) lease(consumer)
    },

    /**
     * `feed`'s leases, taken inside the caller's transaction (it throws when the store refuses
     * one, and the caller falls back to `feed`); `start` runs them once the transaction committed.
     */
    take(): Leased[] {
      const taken: Leased[] = []
      for (const consumer of consumers) {
        const room = consumer.hungry ? roomOf(consumer) : 0
        if (room > 0) taken.push({ consumer, room, rows: query(consumer, room) })
      }
      return taken
    },

    start(taken: readonly Leased[]): void {
      for (const leased of taken) startLeased(leased)
    },

    /** New copies of (topic, step) were written by this process: their consumers look at once. */
    wake(topic: string, steps: readonly string[]): void {
      for (const consumer of consumers) {
        if (consumer.options.topic === topic && steps.includes(consumer.options.step)) consumer.hungry = true
      }
    },

    stopAll: () => Promise.all([...consumers].map(stop)),
  }
}

// --- internal ---

/** The consumer sleeps for `delay`, then asks for a tick to lease. */
function wakeIn(consumer: Consumer, delay: number, schedule: () => void): void {
  consumer.hungry = false
  clearTimeout(consumer.timer)
  consumer.timer = setTimeout(() => {
    consumer.hungry = true
    schedule()
  }, delay)
}

/** The copies one consumer leased, and the room it had for them. */
export interface Leased {
  consumer: Consumer
  room: number
  rows: Row[]
}

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
