/**
 * The read side of the embedded queue: each consumer leases a batch of copies when it has room,
 * runs them, and reports every outcome as a write (see sqlite-writes.ts). Taking a copy leases it:
 * `visible_at` moves to the end of the step's visibility timeout and `attempt` goes up, so a copy
 * whose process died comes back by itself when the lease runs out. Every report names the attempt,
 * so a superseded one changes nothing. An idle consumer sleeps until the next copy is due, or
 * polls for copies written by another process (the CLI).
 *
 * A consumer with room and nothing due in the table (its last lease came back short, and no
 * copy was left there for it since) takes a new copy of this process as it is stored: the copy is
 * written already leased to it (`route`), so no lease has to find it. The copy is as durable and
 * as exclusive as a leased one; what it skips is the second write of its row and the lease query.
 */
import { errorMessage } from '../../errors.ts'
import { isFinal, runAttempt } from './attempt.ts'
import type { Inside, Outage, WriteQueue } from './sqlite-writes.ts'
import { toMessage, type Row, type Statements, type Taker } from './sqlite-store.ts'
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
  const byTopic = new Map<string, Consumer[]>()
  // What this tick's transaction gave the consumers, started once it committed.
  let takers: Consumer[] = []
  let leased: Leased[] = []

  /** Room for more copies: the consumer runs fewer than its concurrency (counting the copies it took this tick), and is not stopped. */
  const roomOf = (consumer: Consumer) => (consumer.stopped ? 0 : consumer.options.concurrency - consumer.running - consumer.taken.length)

  /** There may be copies of the consumer's queue due in the table: it leases at the next tick. */
  const behind = (consumer: Consumer) => {
    consumer.backlog = true
    if (!consumer.stopped) consumer.hungry = true
  }

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

  /**
   * Runs the copies of a lease that committed; a short batch means the queue is drained for now,
   * so its new copies can go to the consumer as they are stored.
   */
  const startLeased = ({ consumer, room, rows }: Leased) => {
    rows.sort((a, b) => a.seq - b.seq)
    if (rows.length < room) {
      consumer.hungry = false
      consumer.backlog = false
      wakeLater(consumer)
    }
    for (const row of rows) start(consumer, row)
  }

  /** `Inside.route`: the first consumer of (topic, step) that may take the copy; the others look in the table. */
  const route = (topic: string, step: string, due: boolean): Taker | undefined => {
    let taker: Consumer | undefined
    for (const consumer of byTopic.get(topic) ?? []) {
      if (consumer.options.step !== step) continue
      if (!taker && due && !consumer.backlog && !consumer.options.fifo && roomOf(consumer) > 0) taker = consumer
      else behind(consumer)
    }
    if (taker?.taken.length === 0) takers.push(taker)
    return taker?.taker
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
    // Room again: a consumer that is behind leases; one that is not gets its next copies as they are stored.
    if (!consumer.stopped) consumer.hungry = consumer.backlog
    if (error === undefined) writes.push({ kind: 'ack', row })
    else if (!isFinal(error, message.attempt, consumer.options)) {
      writes.push({ kind: 'retry', row, visibleAt: Date.now() + backoffDelay(consumer.options.backoff, message.attempt) })
      // The lease after the retry's write finds when it is due.
      behind(consumer)
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
    const same = byTopic.get(consumer.options.topic)?.filter((other) => other !== consumer) ?? []
    if (same.length > 0) byTopic.set(consumer.options.topic, same)
    else byTopic.delete(consumer.options.topic)
    await writes.drain()
  }

  const inside: Inside = {
    route,
    after: () => void (leased = take()),
    rollback() {
      for (const consumer of takers) consumer.taken = []
      takers = []
      leased = []
      for (const consumer of consumers) behind(consumer)
    },
  }

  /** `feed`'s leases, taken inside the tick's transaction (it throws when the store refuses one). */
  const take = (): Leased[] => {
    const taken: Leased[] = []
    for (const consumer of consumers) {
      const room = consumer.hungry ? roomOf(consumer) : 0
      if (room > 0) taken.push({ consumer, room, rows: query(consumer, room) })
    }
    return taken
  }

  return {
    /** Starts a consumer; resolves to the function that stops it once its running copies finished. */
    add(consumeOptions: ConsumeOptions, handler: MessageHandler): () => Promise<void> {
      const consumer: Consumer = { options: consumeOptions, handler, running: 0, stopped: false, hungry: true, backlog: true, idle: [], taken: [], taker: undefined! }
      consumer.taker = { owner, leaseMs: consumeOptions.visibilityTimeoutMs, take: (row) => consumer.taken.push(row) }
      consumers.add(consumer)
      byTopic.set(consumeOptions.topic, [...(byTopic.get(consumeOptions.topic) ?? []), consumer])
      schedule()
      return () => stop(consumer)
    },

    /** At a tick without writes: every consumer that may find copies leases a batch. */
    feed(): void {
      for (const consumer of consumers) if (consumer.hungry) lease(consumer)
    },

    /** What the tick's transaction does for the consumers: `flush(inside)`, then `started` once it committed. */
    inside,

    /** Runs what the committed transaction gave the consumers: the copies taken as they were stored, then the leases. */
    started(): void {
      const took = takers
      const got = leased
      takers = []
      leased = []
      for (const consumer of took) {
        const rows = consumer.taken
        consumer.taken = []
        for (const row of rows) start(consumer, row)
      }
      for (const lease of got) startLeased(lease)
    },

    /** Copies of (topic, step) may be due in the table (dead letters replayed): their consumers look at once. */
    wake(topic: string, steps: readonly string[]): void {
      for (const consumer of byTopic.get(topic) ?? []) if (steps.includes(consumer.options.step)) behind(consumer)
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
    consumer.backlog = true
    schedule()
  }, delay)
}

/** The copies one consumer leased, and the room it had for them. */
interface Leased {
  consumer: Consumer
  room: number
  rows: Row[]
}

interface Consumer {
  options: ConsumeOptions
  handler: MessageHandler
  running: number
  stopped: boolean
  /** There may be copies to lease: set by finished handlers, copies left in the table for it, and timers. */
  hungry: boolean
  /**
   * Copies may be due in the table (it started, a copy was stored for it while it had no room, a
   * retry, a timer): cleared by a lease that comes back short. While clear, new copies of this
   * process go to it as they are stored.
   */
  backlog: boolean
  /** Copies stored leased to it in the tick's transaction, started once it committed. */
  taken: Row[]
  taker: Taker
  idle: Array<() => void>
  timer?: ReturnType<typeof setTimeout>
}
