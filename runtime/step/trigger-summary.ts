/**
 * A trigger in one line, with where its events come from, as the start banner and the console
 * show it: `POST /users`, `queue user-created`, `cron 0 * * * *`, `state orders`, `stream todo`,
 * and for a plugin's trigger type its type and source (`mqtt sensors/+`, `amqp orders`), read from
 * the first of the fields plugins use for it (`topic`, `queue`, `subject`, …).
 */
import type { FiredTrigger } from '../types/context.ts'

/**
 * @example
 * triggerSummary({ type: 'mqtt', topic: 'sensors/+', index: 0 }) // 'mqtt sensors/+'
 */
export function triggerSummary(trigger: Pick<FiredTrigger, 'type'>): string {
  const t = trigger as Record<string, unknown>
  switch (trigger.type) {
    case 'http':
      return `${String(t.method)} ${String(t.path)}`
    case 'queue':
      return `queue ${String(t.topic)}`
    case 'cron':
      return `cron ${String(t.expression)}`
    case 'state':
      return typeof t.group === 'string' ? `state ${t.group}` : 'state (every group)'
    case 'stream': {
      if (typeof t.streamName !== 'string') return 'stream (every stream)'
      const within = [t.groupId, t.itemId].filter((part): part is string => typeof part === 'string')
      return `stream ${t.streamName}${within.length ? ` ${within.join('/')}` : ''}`
    }
    default: {
      const source = sourceFields.map((field) => t[field]).find((value): value is string => typeof value === 'string' && value !== '')
      return source ? `${trigger.type} ${source}` : trigger.type
    }
  }
}

// --- internal ---

/** Where plugin trigger types keep their source, in the order a summary prefers them. */
const sourceFields = ['topic', 'queue', 'subject', 'channel', 'stream', 'source', 'event', 'path', 'bucket', 'table', 'url', 'name']
