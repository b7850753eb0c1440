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
 *
 * Not guaranteed
 * - Exactly-once: handlers must tolerate a redelivery.
 * - Order across groups, or for standard (non-fifo) queues.
 *
 * Lifecycle: created once per process by the runtime; `consume` returns a function that stops
 * taking new copies and resolves when the running ones finished; `close()` stops everything.
 */

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
}

export interface ConsumeOptions {
  topic: string
  step: string
  maxRetries: number
  backoff: { type: 'fixed' | 'exponential'; delayMs: number }
  visibilityTimeoutMs: number
  concurrency: number
  fifo: boolean
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

export type MessageHandler = (message: QueueMessage) => Promise<void>

export interface QueueAdapter {
  /** Puts a copy of `data` in the queue of each of `subscribers` (step names) on `topic`. */
  publish(topic: string, subscribers: readonly string[], data: unknown, options: PublishOptions): Promise<void>
  /** Starts delivering the (topic, step) queue to `handler`. */
  consume(options: ConsumeOptions, handler: MessageHandler): Promise<() => Promise<void>>
  /** Copies waiting or running per (topic, step). */
  depth(topic: string, step: string): Promise<number>
  deadLetters(filter?: { step?: string; topic?: string }): Promise<DeadLetter[]>
  /** Puts dead letters back in their queue with a fresh attempt count; returns how many. */
  replay(ids: readonly string[] | 'all'): Promise<number>
  /** Deletes dead letters; returns how many. */
  purge(filter?: { step?: string }): Promise<number>
  close(): Promise<void>
}

/** Defaults applied to `QueueOptions` a step leaves out. */
export const queueDefaults = {
  maxRetries: 3,
  backoff: { type: 'exponential', delayMs: 1000 },
  visibilityTimeoutMs: 30_000,
  concurrency: 10,
} as const

/** Delay before attempt `attempt + 1`, after attempt number `attempt` failed. */
export function backoffDelay(backoff: ConsumeOptions['backoff'], attempt: number): number {
  if (backoff.type === 'fixed') return backoff.delayMs
  return backoff.delayMs * 2 ** Math.max(0, attempt - 1)
}
