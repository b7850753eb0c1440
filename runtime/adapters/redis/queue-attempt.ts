/**
 * One delivery attempt on the Redis queue, and how its failure is judged (by the rules every
 * adapter shares, queue/attempt.ts). Kept apart from the BullMQ wiring so that plain copies and
 * group copies decide the same way.
 */
import { deadLetterOf, isFinal, runAttempt, tell } from '../queue/attempt.ts'
import type { ConsumeOptions, MessageHandler, QueueMessage } from '../queue/types.ts'
import type { Envelope } from './queue-keys.ts'

/**
 * Runs the handler once, cut off after the consumer's timeout (see queue/attempt.ts); resolves
 * with its error, or undefined. A late outcome of an attempt that was cut off is ignored.
 */
export function attempt(handler: MessageHandler, message: QueueMessage, options: ConsumeOptions): Promise<unknown> {
  return new Promise((resolve) => runAttempt(handler, message, options, resolve))
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

export { deadLetterOf, isFinal, tell }
