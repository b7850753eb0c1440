/**
 * One delivery attempt, as every adapter runs it: the handler is cut off after the consumer's
 * timeout, and the attempt settles exactly once, so a late outcome can never count.
 */
import { TimeoutError, errorMessage, isNonRetriable } from '../../errors.ts'
import { runWithTimeout } from '../../timeout.ts'
import type { AttemptControl, ConsumeOptions, DeadLetter, MessageHandler, QueueMessage } from './types.ts'

/**
 * Runs `handler` for `message` and calls `done` once: `undefined` on success, else the error (a
 * `TimeoutError` when it ran past the timeout, after telling the handler through `onAbandon`).
 */
export function runAttempt(handler: MessageHandler, message: QueueMessage, options: ConsumeOptions, done: (error: unknown) => void): void {
  const control: AttemptControl = {}
  runWithTimeout(() => handler(message, control), options.timeoutMs ?? options.visibilityTimeoutMs, (error) => {
    if (error instanceof TimeoutError) tell(control.onAbandon, error)
    done(error)
  })
}

/** True when failed attempt number `attempt` ends the copy's life in the dead-letter queue. */
export function isFinal(error: unknown, attempt: number, options: Pick<ConsumeOptions, 'maxRetries'>): boolean {
  return isNonRetriable(error) || attempt > options.maxRetries
}

/** The dead letter of `copy` after its last failed attempt (`attempts` in all) ended with `error`. */
export function deadLetterOf(copy: Omit<QueueMessage, 'attempt' | 'enqueuedAt'>, attempts: number, error: unknown): DeadLetter {
  const letter: DeadLetter = { id: copy.id, topic: copy.topic, step: copy.step, data: copy.data, traceId: copy.traceId, attempts, error: errorMessage(error), failedAt: Date.now() }
  if (copy.messageGroupId !== undefined) letter.messageGroupId = copy.messageGroupId
  return letter
}

/** Calls an observer the adapter was given; what it throws must not change a copy's fate. */
export function tell<T>(observer: ((value: T) => void) | undefined, value: T): void {
  try {
    observer?.(value)
  } catch {
    // Observers only watch.
  }
}
