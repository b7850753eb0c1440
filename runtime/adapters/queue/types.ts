/**
 * QueueAdapter: durable topics with one queue per (topic, subscribing step).
 *
 * Guarantees
 * - Fan-out: `publish` puts one copy of the message in the queue of every subscriber it names,
 *   all or none. Instances consuming the same (topic, step) compete: each copy runs once per attempt.
 * - At-least-once: a copy is removed only after its handler resolved. A handler that throws is
 *   retried after `backoff`, up to `maxRetries` retries; then, or at once for a `NonRetriableError`,
 *   the copy moves to the dead-letter queue with its error, attempts and trace id.
 * - `concurrency` bounds running handlers per consumer; `fifo` runs one copy at a time per
 *   `messageGroupId` in publish order (a failing copy holds its group until it succeeds or is
 *   dead-lettered).
 * - `delayMs` holds a copy back at least that long.
 * - Copies published while nobody consumes wait in their queue (hot reload loses nothing).
 * - A publish fails alone: options that break the rules of `checkPublishOptions` are refused with a
 *   400 `MotiaError` before anything is stored, and one publish that cannot be stored does not fail
 *   the others written with it.
 * - A handler still running after `timeoutMs` is cut off: the attempt fails with "timed out after
 *   N ms" (retried, then dead-lettered), its concurrency slot is freed and `onAbandon` is called.
 * - Late outcomes are ignored: once an attempt was cut off, or its copy was delivered again after
 *   its lease ran out, whatever that attempt reports later (success, failure, dead-lettering)
 *   changes nothing.
 * - `onDeadLetter` hears of every copy the consumer dead-lettered, once, after it was stored.
 * - Idempotent publish: a publish with an `id` stores at most one copy per (topic, step) for that
 *   id within the adapter's dedup window (`defaultDedupWindowMs` from the first store), so a caller
 *   that retries after an ambiguous failure (a 503, a timeout) does not duplicate work. A retry
 *   stores the copies the first try did not (a subscriber it failed to reach).
 * - `replay` requeues each dead letter exactly once, even when several callers (processes,
 *   instances) replay the same letters at once: a letter is claimed and requeued in one atomic
 *   step, and only the caller that claimed it counts it.
 *
 * Not guaranteed
 * - Exactly-once: handlers must tolerate a redelivery.
 * - Order across groups, or for standard (non-fifo) queues.
 *
 * Lifecycle: created once per process by the runtime; `consume` returns a function that stops
 * taking new copies and resolves when the running ones finished; `close()` stops everything.
 */

import { MotiaError } from '../../errors.ts'

export interface QueueMessage<T = unknown> {
  /** Unique per copy. */
  id: string
  topic: string
  /** The subscribing step this copy belongs to. */
  step: string
  data: T
  traceId: string
  messageGroupId?: string
  /** 1 on the first delivery. */
  attempt: number
  enqueuedAt: number
}

export interface PublishOptions {
  traceId: string
  messageGroupId?: string
  delayMs?: number
  /**
   * Caller-chosen idempotency key: another publish with the same id to the same (topic, step)
   * within the dedup window stores nothing. 1–256 characters, no control characters.
   */
  id?: string
}

export interface ConsumeOptions {
  topic: string
  step: string
  maxRetries: number
  backoff: { type: 'fixed' | 'exponential'; delayMs: number }
  visibilityTimeoutMs: number
  /** How long one attempt may run before it is cut off. Default `visibilityTimeoutMs`. */
  timeoutMs?: number
  concurrency: number
  fifo: boolean
  /** Told of each copy this consumer moved to the dead-letter queue, after it was stored. */
  onDeadLetter?: (letter: DeadLetter) => void
}

export interface DeadLetter {
  id: string
  topic: string
  step: string
  data: unknown
  traceId: string
  messageGroupId?: string
  attempts: number
  error: string
  failedAt: number
}

/**
 * Runs one attempt. `attempt.onAbandon`, when the handler sets it, is called if the adapter gives
 * up on the attempt (it timed out); the handler's own outcome is ignored from then on.
 */
export type MessageHandler = (message: QueueMessage, attempt: AttemptControl) => Promise<void>

export interface AttemptControl {
  onAbandon?: (reason: Error) => void
}

export interface QueueAdapter {
  /** Puts a copy of `data` in the queue of each of `subscribers` (step names) on `topic`. */
  publish(topic: string, subscribers: readonly string[], data: unknown, options: PublishOptions): Promise<void>
  /** Starts delivering the (topic, step) queue to `handler`. */
  consume(options: ConsumeOptions, handler: MessageHandler): Promise<() => Promise<void>>
  /** Copies waiting or running per (topic, step). */
  depth(topic: string, step: string): Promise<number>
  /** Optional: the copies of a (topic, step) by where they are; the console shows it when present. */
  stats?(topic: string, step: string): Promise<QueueStats>
  deadLetters(filter?: { step?: string; topic?: string }): Promise<DeadLetter[]>
  /** Puts dead letters back in their queue with a fresh attempt count; returns how many. */
  replay(ids: readonly string[] | 'all'): Promise<number>
  /** Deletes dead letters (those of `step`, those of `ids`, or all); returns how many. */
  purge(filter?: { step?: string; ids?: readonly string[] }): Promise<number>
  /**
   * Optional: one page of dead letters, newest first, read through an index, with data clipped
   * (see dead-letter-page.ts). The console pages, counts, replays and purges with it; without it,
   * it reads `deadLetters()` whole.
   */
  deadLetterPage?(options: DeadLetterPageOptions): Promise<DeadLetterPage>
  /** Optional, with `deadLetterPage`: dead letters per (topic, step), counted without reading them. */
  deadLetterCounts?(): Promise<DeadLetterCount[]>
  close(): Promise<void>
}

/** What `deadLetterPage` takes and gives: see dead-letter-page.ts. */
export interface DeadLetterPageOptions {
  step?: string
  topic?: string
  /** Letters in the page at most (1–500). */
  limit: number
  /** `next` of the page before; none for the first page. */
  cursor?: string
  /** Data whose JSON has more characters than this comes as a `preview` of that many; errors are cut there too. */
  maxDataChars: number
}

/** A dead letter in a page: its data when short, else the start of its JSON. */
export interface DeadLetterSummary extends Omit<DeadLetter, 'data'> {
  /** The data, when its JSON has at most `maxDataChars` characters. */
  data?: unknown
  /** Otherwise the first `maxDataChars` characters of its JSON. */
  preview?: string
  /** The length of the data's JSON (UTF-8 bytes). */
  size: number
}

export interface DeadLetterPage {
  /** Newest first. */
  letters: DeadLetterSummary[]
  /** How many letters the filter matches in all. */
  total: number
  /** The cursor of the next page; absent on the last one. */
  next?: string
}

/** How many dead letters one (topic, step) holds. */
export interface DeadLetterCount {
  topic: string
  step: string
  count: number
}

/** Copies of one (topic, step): ready to run, running now, held back by a delay or a retry backoff. */
export interface QueueStats {
  waiting: number
  inFlight: number
  delayed: number
}

/** Defaults applied to `QueueOptions` a step leaves out. */
export const queueDefaults = {
  maxRetries: 3,
  backoff: { type: 'exponential', delayMs: 1000 },
  visibilityTimeoutMs: 30_000,
  concurrency: 10,
} as const

/**
 * How long an idempotent publish's `id` is remembered per (topic, step): a day, from the first
 * store. Long enough for any client's retries after an outage, short enough that the ids of a
 * busy project stay a small table (or a few keys in Redis).
 */
export const defaultDedupWindowMs = 24 * 60 * 60 * 1000

/** The longest `id` a publish takes, in UTF-16 code units. */
export const maxIdLength = 256

/**
 * Throws a 400 `MotiaError` when publish options break the rules every adapter keeps: `delayMs` a
 * finite number ≥ 0, `messageGroupId` a string, `id` a string of 1–256 characters without
 * control characters (it lands in logs and tables). Adapters call it before storing anything.
 */
export function checkPublishOptions(topic: string, options: { delayMs?: unknown; messageGroupId?: unknown; id?: unknown }): void {
  const { delayMs, messageGroupId, id } = options
  if (id !== undefined && !isValidId(id)) {
    throw invalidOption(topic, 'id', `a string of 1 to ${maxIdLength} characters without control characters`, id, "pass a string, e.g. id: 'order-42-created', or leave it out")
  }
  if (delayMs !== undefined && !(typeof delayMs === 'number' && Number.isFinite(delayMs) && delayMs >= 0)) {
    const fix = typeof delayMs === 'string' && Number.isFinite(Number(delayMs)) && Number(delayMs) >= 0 ? `delayMs: ${Number(delayMs)}` : 'delayMs: 5000'
    throw invalidOption(topic, 'delayMs', 'a finite number of milliseconds ≥ 0', delayMs, `pass a number, e.g. ${fix}, or leave it out`)
  }
  if (messageGroupId !== undefined && typeof messageGroupId !== 'string') {
    const fix = typeof messageGroupId === 'number' ? `messageGroupId: '${messageGroupId}'` : "messageGroupId: 'order-42'"
    throw invalidOption(topic, 'messageGroupId', 'a string', messageGroupId, `pass a string, e.g. ${fix}, or leave it out`)
  }
  // A lone surrogate cannot be written as UTF-8: stored, two different groups would become one.
  if (typeof messageGroupId === 'string' && !messageGroupId.isWellFormed()) {
    throw invalidOption(topic, 'messageGroupId', 'well-formed Unicode (it holds a lone surrogate)', messageGroupId, "pass a string of whole characters, e.g. messageGroupId: 'order-42'")
  }
}

/** Delay before attempt `attempt + 1`, after attempt number `attempt` failed. */
export function backoffDelay(backoff: ConsumeOptions['backoff'], attempt: number): number {
  if (backoff.type === 'fixed') return backoff.delayMs
  return backoff.delayMs * 2 ** Math.max(0, attempt - 1)
}

/** True when `letter` passes `filter` (as `deadLetters` and `purge` take it): every field given matches. */
export function matchesFilter(letter: DeadLetter, filter: { step?: string; topic?: string; ids?: readonly string[] }): boolean {
  return (filter.step === undefined || letter.step === filter.step) && (filter.topic === undefined || letter.topic === filter.topic) && (filter.ids === undefined || filter.ids.includes(letter.id))
}

// --- internal ---

function isValidId(id: unknown): boolean {
  // Lone surrogates are refused too: they cannot be written as UTF-8, so two of them would store alike.
  return typeof id === 'string' && id.length > 0 && id.length <= maxIdLength && !/[\u0000-\u001f\u007f-\u009f]/.test(id) && id.isWellFormed()
}

function invalidOption(topic: string, field: string, rule: string, value: unknown, fix: string): MotiaError {
  return new MotiaError(`[motia] enqueue to "${topic}": ${field} must be ${rule}, got ${describeValue(value)}: ${fix}`, { code: 'INVALID_ENQUEUE', status: 400 })
}

/** A short, unambiguous rendering of a bad value: `"5000" (a string)`, `NaN`, `{"a":1} (an object)`. */
function describeValue(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean' || value === null) return String(value)
  let text: string
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value))
  } catch {
    text = Object.prototype.toString.call(value)
  }
  if (text.length > 60) text = `${text.slice(0, 57)}...`
  const kind = Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`
  return `${text} (${kind})`
}
