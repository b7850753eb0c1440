/**
 * The in-memory QueueAdapter: the reference implementation of the contract in `types.ts`, used by
 * unit tests and selectable in `motia.config.ts`. It lives as long as the process, so it survives
 * hot reloads (consumers come and go, copies wait) but not a restart. Leases do not expire here:
 * a handler that is still running is, by construction, still alive in this process, and one that
 * runs past its `timeoutMs` is cut off, which settles its attempt once and for all.
 */
import { maxTimerMs } from '../../timeout.ts'
import { deadLetterOf, isFinal, runAttempt, tell } from './attempt.ts'
import { countLetters, pageOfLetters, summarize } from './dead-letter-page.ts'
import { Deque } from './deque.ts'
import { backoffDelay, checkPublishOptions, defaultDedupWindowMs, matchesFilter, type ConsumeOptions, type DeadLetter, type DeadLetterSummary, type MessageHandler, type QueueAdapter, type QueueMessage, type QueueStats } from './types.ts'

export interface MemoryQueueOptions {
  /** How long a publish `id` is remembered per (topic, step). Default a day (`defaultDedupWindowMs`). */
  dedupWindowMs?: number
}

// One closure of ~130 lines, on purpose: publish, consume, settle and the dead-letter tools share
// the topic queues, the timers and the dedup window, as the SQLite and Redis adapters do.
/**
 * Passed as `adapters.queue`, the factory is called with the runtime's adapter context (root,
 * prefix), which it ignores: hence `| object`.
 *
 * @example
 * const runtime = createRuntime({ root, adapters: { queue: createMemoryQueue } })
 */
export function createMemoryQueue(options: MemoryQueueOptions | object = {}): QueueAdapter {
  // Per topic, then per step: no key is built from the names, so none can stand for another.
  const queues = new Map<string, Map<string, TopicQueue>>()
  const dedupWindowMs = (options as MemoryQueueOptions).dedupWindowMs ?? defaultDedupWindowMs
  const deadLetters = new Map<string, DeadLetter>()
  const timers = new Set<ReturnType<typeof setTimeout>>()
  const idPrefix = Math.random().toString(36).slice(2, 8)
  let sequence = 0
  let closed = false

  const queueOf = (topic: string, step: string) => {
    let steps = queues.get(topic)
    if (!steps) queues.set(topic, (steps = new Map()))
    let queue = steps.get(step)
    if (!queue) steps.set(step, (queue = new TopicQueue()))
    return queue
  }

  /** Makes `message` available after `delayMs`; `front` puts it first (a retried fifo copy). */
  const later = (queue: TopicQueue, message: QueueMessage, delayMs: number, front = false) => {
    if (delayMs <= 0) return queue.add(message, front)
    queue.waiting++
    // A delay past setTimeout's range is waited out in steps: one long timer would fire at once.
    const step = Math.min(delayMs, maxTimerMs)
    const timer = setTimeout(() => {
      timers.delete(timer)
      queue.waiting--
      if (delayMs > step) later(queue, message, delayMs - step, front)
      else queue.add(message, front)
    }, step)
    timers.add(timer)
  }

  const settle = (queue: TopicQueue, consumer: Consumer, message: QueueMessage, error: unknown) => {
    const { backoff, fifo } = consumer.options
    if (error === undefined) return queue.release(message)
    if (!isFinal(error, message.attempt, consumer.options)) {
      // A fifo group stays held while its head copy waits for the retry, so order is kept.
      return later(queue, { ...message, attempt: message.attempt + 1 }, backoffDelay(backoff, message.attempt), fifo)
    }
    const letter = deadLetterOf(message, message.attempt, error)
    deadLetters.set(message.id, letter)
    queue.release(message)
    tell(consumer.options.onDeadLetter, letter)
  }

  const assertOpen = () => {
    if (closed) throw new Error('[motia] the memory queue is closed')
  }

  return {
    publish(topic, subscribers, data, publishOptions) {
      // Not async (one promise less per publish), so anything thrown here is turned into a rejection.
      try {
        assertOpen()
        checkPublishOptions(topic, publishOptions)
        const enqueuedAt = Date.now()
        for (const step of subscribers) {
          const queue = queueOf(topic, step)
          if (publishOptions.id !== undefined && !(queue.ids ??= createIdSet(dedupWindowMs)).claim(publishOptions.id, enqueuedAt)) continue
          const message: QueueMessage = {
            id: `${idPrefix}-${++sequence}`,
            topic,
            step,
            data: copy(data),
            traceId: publishOptions.traceId,
            messageGroupId: publishOptions.messageGroupId,
            attempt: 1,
            enqueuedAt,
          }
          later(queue, message, publishOptions.delayMs ?? 0)
        }
        return Promise.resolve()
      } catch (error) {
        return Promise.reject(error)
      }
    },

    async consume(options, handler) {
      assertOpen()
      const queue = queueOf(options.topic, options.step)
      const consumer: Consumer = { options, handler, running: 0, stopped: false, idle: [], settle }
      queue.attach(consumer)
      return () => queue.detach(consumer)
    },

    async depth(topic, step) {
      return queues.get(topic)?.get(step)?.depth() ?? 0
    },

    async stats(topic, step) {
      return queues.get(topic)?.get(step)?.stats() ?? { waiting: 0, inFlight: 0, delayed: 0 }
    },

    async deadLetters(filter = {}) {
      return [...deadLetters.values()].filter((letter) => matchesFilter(letter, filter))
    },

    async replay(chosenIds) {
      const chosen = chosenIds === 'all' ? [...deadLetters.values()] : chosenIds.flatMap((id) => deadLetters.get(id) ?? [])
      let replayed = 0
      for (const letter of chosen) {
        // Deleting is the claim: an id listed twice is requeued once.
        if (!deadLetters.delete(letter.id)) continue
        replayed++
        const { topic, step, data, traceId, messageGroupId } = letter
        later(queueOf(topic, step), { id: `${idPrefix}-${++sequence}`, topic, step, data, traceId, messageGroupId, attempt: 1, enqueuedAt: Date.now() }, 0)
      }
      return replayed
    },

    async purge(filter = {}) {
      let removed = 0
      if (filter.ids) {
        for (const id of filter.ids) if (filter.step === undefined || deadLetters.get(id)?.step === filter.step) removed += deadLetters.delete(id) ? 1 : 0
        return removed
      }
      for (const letter of [...deadLetters.values()]) {
        if (matchesFilter(letter, filter)) removed += deadLetters.delete(letter.id) ? 1 : 0
      }
      return removed
    },

    async deadLetterPage(options) {
      return pageOfLetters(deadLetters.values(), options, summaryOf)
    },

    async deadLetterCounts() {
      return countLetters(deadLetters.values())
    },

    async close() {
      closed = true
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      await Promise.all([...queues.values()].flatMap((steps) => [...steps.values()].map((queue) => queue.detachAll())))
      queues.clear()
    },
  }
}

// --- internal ---

interface Consumer {
  options: ConsumeOptions
  handler: MessageHandler
  running: number
  stopped: boolean
  /** Resolved when `running` drops to 0 after a stop. */
  idle: Array<() => void>
  settle(queue: TopicQueue, consumer: Consumer, message: QueueMessage, error: unknown): void
}

/**
 * The copies of one (topic, step), kept per message group so that a fifo consumer takes the next
 * group that is not held in O(1); copies without a group form the group ''. A group's state lives
 * on its own object (no Set or Map changes per copy: measured, they cost much of a chain's CPU);
 * a group with a name is dropped once it has no copy and is not held, the group '' is kept.
 */
class TopicQueue {
  /** Copies held back by a delay or a retry backoff. */
  waiting = 0
  /** The ids of idempotent publishes, made on the first one. */
  ids?: ReturnType<typeof createIdSet>
  private groups = new Map<string, Group>()
  private ungrouped: Group = newGroup('')
  /** Groups with ready copies that a consumer may take from, in turn. */
  private available = new Deque<Group>()
  private ready = 0
  private running = 0
  private consumers: Consumer[] = []
  private pumpQueued = false

  add(message: QueueMessage, front: boolean): void {
    const group = this.groupOf(message, true)!
    if (front) {
      group.copies.unshift(message)
      group.held = false
    } else group.copies.push(message)
    this.ready++
    this.list(group)
    this.schedule()
  }

  release(message: QueueMessage): void {
    const group = this.groupOf(message, false)
    if (group?.held) {
      group.held = false
      this.list(group)
      this.forget(group)
    }
    this.schedule()
  }

  attach(consumer: Consumer): void {
    this.consumers.push(consumer)
    this.schedule()
  }

  async detach(consumer: Consumer): Promise<void> {
    consumer.stopped = true
    this.consumers = this.consumers.filter((other) => other !== consumer)
    if (consumer.running > 0) await new Promise<void>((resolve) => consumer.idle.push(resolve))
  }

  async detachAll(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => this.detach(consumer)))
  }

  depth(): number {
    return this.ready + this.waiting + this.running
  }

  stats(): QueueStats {
    return { waiting: this.ready, inFlight: this.running, delayed: this.waiting }
  }

  // --- internal ---

  /** The group of `message`; made when `make` and it does not exist (else undefined). */
  private groupOf(message: QueueMessage, make: boolean): Group | undefined {
    const name = message.messageGroupId
    if (name === undefined || name === '') return this.ungrouped
    let group = this.groups.get(name)
    if (!group && make) this.groups.set(name, (group = newGroup(name)))
    return group
  }

  /** Drops a named group that has nothing left to keep: no copy, and not held. */
  private forget(group: Group): void {
    if (group !== this.ungrouped && group.copies.length === 0 && !group.held) this.groups.delete(group.name)
  }

  private list(group: Group): void {
    if (group.listed || group.held || group.copies.length === 0) return
    group.listed = true
    this.available.push(group)
  }

  /** Batches pumps into one microtask, so a publish never runs a handler inside its caller. */
  private schedule(): void {
    if (this.pumpQueued) return
    this.pumpQueued = true
    queueMicrotask(() => {
      this.pumpQueued = false
      this.pump()
    })
  }

  private pump(): void {
    for (const consumer of this.consumers) {
      while (!consumer.stopped && consumer.running < consumer.options.concurrency) {
        const message = this.take(consumer.options.fifo)
        if (!message) return
        this.run(consumer, message)
      }
    }
  }

  private take(fifo: boolean): QueueMessage | undefined {
    const group = this.available.shift()
    if (group === undefined) return undefined
    group.listed = false
    const message = group.copies.shift() as QueueMessage
    this.ready--
    if (fifo) group.held = true
    else this.list(group)
    this.forget(group)
    return message
  }

  private run(consumer: Consumer, message: QueueMessage): void {
    consumer.running++
    this.running++
    const done = (error: unknown) => {
      consumer.running--
      this.running--
      if (consumer.stopped && consumer.running === 0) for (const resolve of consumer.idle.splice(0)) resolve()
      consumer.settle(this, consumer, message, error)
    }
    runAttempt(consumer.handler, message, consumer.options, done)
  }
}

/**
 * The ids of idempotent publishes of one (topic, step), each with the time its window ends.
 * Expired ids are swept whenever the set has doubled since the last sweep, so it stays
 * proportional to the ids of one window.
 */
function createIdSet(windowMs: number) {
  const expiries = new Map<string, number>()
  let sweepAt = 1024
  return {
    /** True when `id` is new, or its window ran out: it is remembered from `now`. */
    claim(id: string, now: number): boolean {
      if ((expiries.get(id) ?? 0) > now) return false
      expiries.set(id, now + windowMs)
      if (expiries.size >= sweepAt) {
        for (const [old, expiry] of expiries) if (expiry <= now) expiries.delete(old)
        sweepAt = Math.max(1024, expiries.size * 2)
      }
      return true
    },
  }
}

/** One message group of a TopicQueue. */
interface Group {
  readonly name: string
  readonly copies: Deque<QueueMessage>
  /** In the queue's `available` list. */
  listed: boolean
  /** fifo only: a copy of the group is running or waiting for a retry. */
  held: boolean
}

function newGroup(name: string): Group {
  return { name, copies: new Deque(), listed: false, held: false }
}

/**
 * The message's own copy of `value`, as `structuredClone` makes it. Plain JSON-like data (the
 * usual message: objects and arrays of primitives) is copied by hand, an order of magnitude
 * faster than `structuredClone` on a small object; anything else — a Date, a Map, a class
 * instance, a function (which must throw), holes, an own `__proto__` key, or nesting deep enough
 * to be a cycle — goes to `structuredClone` whole.
 */
function copy<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value
  const plain = plainCopy(value, 0)
  return plain === notPlain ? structuredClone(value) : (plain as T)
}

const notPlain = Symbol('not plain')

function plainCopy(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') return typeof value === 'function' || typeof value === 'symbol' ? notPlain : value
  if (depth > 32) return notPlain
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length)
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) return notPlain
      const item = plainCopy(value[i], depth + 1)
      if (item === notPlain) return notPlain
      out[i] = item
    }
    return Object.getPrototypeOf(value) === Array.prototype ? out : notPlain
  }
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) return notPlain
  // structuredClone gives a null-prototype object an ordinary one too.
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(value)) {
    if (key === '__proto__') return notPlain
    const item = plainCopy((value as Record<string, unknown>)[key], depth + 1)
    if (item === notPlain) return notPlain
    out[key] = item
  }
  return out
}

/**
 * A letter as a page shows it. The data is serialized once per letter (pages show it again and
 * again); only the clipped summary is kept, not a second copy of the whole data.
 */
const summaries = new WeakMap<DeadLetter, { maxChars: number; summary: DeadLetterSummary }>()
function summaryOf(letter: DeadLetter, maxChars: number): DeadLetterSummary {
  const known = summaries.get(letter)
  if (known?.maxChars === maxChars) return known.summary
  const summary = summarize(letter, JSON.stringify(letter.data) ?? 'null', maxChars)
  summaries.set(letter, { maxChars, summary })
  return summary
}
