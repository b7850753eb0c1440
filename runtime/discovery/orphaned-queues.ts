/**
 * After a reload: queues that lost their consumer (a topic renamed, a step renamed or deleted)
 * while messages still wait in them. Nothing is deleted; the developer is told what is left and
 * how to get it processed.
 */
import type { QueueAdapter } from '../adapters/queue/types.ts'
import type { Logger } from '../observability/logger.ts'
import { queueOf, type TopicIndex } from '../topics.ts'

/** Warns once per (topic, step) queue that `before` consumed, `after` does not, and is not empty. */
export async function warnOrphanedQueues(before: TopicIndex, after: TopicIndex, queue: QueueAdapter, logger: Logger): Promise<void> {
  for (const [topic, subscribers] of before) {
    const still = new Set((after.get(topic) ?? []).map(queueOf))
    for (const subscriber of subscribers) {
      const { step } = subscriber
      if (still.has(queueOf(subscriber))) continue
      let left: number
      try {
        left = await queue.depth(topic, queueOf(subscriber))
      } catch {
        continue
      }
      if (left === 0) continue
      const others = [...still].map((name) => `"${name}"`).join(', ')
      logger.warn(
        `[motia] topic "${topic}" no longer has step "${step.name}" (${step.relativePath}) as a subscriber, and ${left} message(s) are still in its queue. ` +
          `They are kept: subscribe a step named "${step.name}" to "${topic}" again (undo the rename) and they run. ` +
          `No command moves queued messages to another topic or step: to send them elsewhere, let the old subscriber drain them first, or enqueue their data again (motia enqueue --topic <topic> --data '<json>')` +
          (others ? `. "${topic}" is still delivered to ${others}; their copies are unaffected.` : '.'),
        { topic, step: step.name, messages: left },
      )
    }
  }
}
