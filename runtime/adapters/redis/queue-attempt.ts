/**
 * One delivery attempt on the Redis queue, and how its failure is judged. Kept apart from the
 * BullMQ wiring so that plain copies and group copies decide the same way.
 */
import { errorMessage, isNonRetriable } from '../../errors.ts'
import type { ConsumeOptions, DeadLetter, MessageHandler, QueueMessage } from '../queue/types.ts'
import type { Envelope } from './queue-keys.ts'

/** Consume options with the hardening additions (a handler timeout, a dead-letter observer). */
export type RedisConsumeOptions = ConsumeOptions & {
  timeoutMs?: number
  onDeadLetter?: (letter: DeadLetter) => void
}

/**
 * Runs the handler once; resolves with its error, or undefined. A handler still running after
 * `timeoutMs` (default the visibility timeout) is abandoned: its late outcome is ignored.
 */
export function attempt(handler: MessageHandler, message: QueueMessage, options: RedisConsumeOptions): Promise<unknown> {
  const control: { onAbandon?: (reason: Error) => void } = {}
  const timeoutMs = options.timeoutMs ?? options.visibilityTimeoutMs
  return new Promise((resolve) => {
    let settled = false
    const finish = (error: unknown) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve(error)
    }
    const timer = setTimeout(() => {
      const error = new Error(`timed out after ${timeoutMs} ms`)
      error.name = 'TimeoutError'
      try {
        control.onAbandon?.(error)
      } catch {
        // The handler's own business.
      }
      finish(error)
    }, Math.min(timeoutMs, 2 ** 31 - 1))
    try {
      ;(handler as (m: QueueMessage, c: typeof control) => Promise<void>)(message, control).then(
        () => finish(undefined),
        (error: unknown) => finish(error ?? new Error('handler rejected with undefined')),
      )
    } catch (error) {
      finish(error ?? new Error('handler threw undefined'))
    }
  })
}

/** True when a failed attempt number `attemptNumber` ends the copy's life in the dead-letter queue. */
export function isFinal(error: unknown, attemptNumber: number, options: ConsumeOptions): boolean {
  return isNonRetriable(error) || attemptNumber > options.maxRetries
}

export function deadLetterOf(envelope: Envelope, attempts: number, error: unknown): DeadLetter {
  const letter: DeadLetter = {
    id: envelope.id,
    topic: envelope.topic,
    step: envelope.step,
    data: envelope.data,
    traceId: envelope.traceId,
    attempts,
    error: errorMessage(error),
    failedAt: Date.now(),
  }
  if (envelope.messageGroupId !== undefined) letter.messageGroupId = envelope.messageGroupId
  return letter
}

export function messageOf(envelope: Envelope, attemptNumber: number): QueueMessage {
  const message: QueueMessage = {
    id: envelope.id,
    topic: envelope.topic,
    step: envelope.step,
    data: envelope.data,
    traceId: envelope.traceId,
    attempt: attemptNumber,
    enqueuedAt: envelope.enqueuedAt,
  }
  if (envelope.messageGroupId !== undefined) message.messageGroupId = envelope.messageGroupId
  return message
}

/** Calls an observer; what it throws must not change a copy's fate. */
export function tell<T>(observer: ((value: T) => void) | undefined, value: T): void {
  try {
    observer?.(value)
  } catch {
    // Observers only watch.
  }
}
