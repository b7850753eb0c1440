/**
 * One delivery attempt on the Redis queue, and how its failure is judged. Kept apart from the
 * BullMQ wiring so that plain copies and group copies decide the same way.
 */
import { errorMessage, isNonRetriable } from '../../errors.ts'
import { runAttempt, tell } from '../queue/attempt.ts'
import type { ConsumeOptions, DeadLetter, MessageHandler, QueueMessage } from '../queue/types.ts'
import type { Envelope } from './queue-keys.ts'

/**
 * Runs the handler once, cut off after the consumer's timeout (see queue/attempt.ts); resolves
 * with its error, or undefined. A late outcome of an attempt that was cut off is ignored.
 */
export function attempt(handler: MessageHandler, message: QueueMessage, options: ConsumeOptions): Promise<unknown> {
  return new Promise((resolve) => runAttempt(handler, message, options, resolve))
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

export { tell }
