/**
 * One delivery attempt, as every adapter runs it: the handler is cut off after the consumer's
 * timeout, and the attempt settles exactly once, so a late outcome can never count.
 */
import { TimeoutError } from '../../errors.ts'
import { runWithTimeout } from '../../timeout.ts'
import type { AttemptControl, ConsumeOptions, MessageHandler, QueueMessage } from './types.ts'

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

/** Calls an observer the adapter was given; what it throws must not change a copy's fate. */
export function tell<T>(observer: ((value: T) => void) | undefined, value: T): void {
  try {
    observer?.(value)
  } catch {
    // Observers only watch.
  }
}
