/**
 * Names in Redis for the queue adapter, in one place so the layout documented in
 * docs/scaling.md is the layout the code uses. `p` is the project's prefix (`motia:<name>:`).
 *
 * - `<p>bull:<queue>:…`        BullMQ's own keys for the queue of one (topic, step)
 * - `<p>bull:<queue>|groups:…` BullMQ keys of the same step's group tokens (fifo, see queue-groups.ts)
 * - `<p>queues`                hash: queue name → `{ topic, step }`, every queue ever published to
 * - `<p>dlq`                   hash: message id → dead letter (JSON)
 * - `<p>dlq-meta`, `<p>dlq-time`, `<p>dlq-time:<queue>`: the dead letters' index (queue-dead-index.ts)
 * - `<p>group:<queue>:<group>`      list: the copies of one message group, oldest first
 * - `<p>group-lock:<queue>:<group>` the runner that holds a group (a token, with a TTL)
 * - `<p>group-depth:<queue>`        counter: copies waiting or running in groups
 */
import type { QueueMessage } from '../queue/types.ts'

/** The BullMQ queue name of (topic, step): both encoded, since BullMQ refuses `:` in names. */
export function queueName(topic: string, step: string): string {
  return `${encodeURIComponent(topic)}|${encodeURIComponent(step)}`
}

export function groupQueueName(name: string): string {
  return `${name}|groups`
}

export function queueKeys(prefix: string) {
  return {
    bullPrefix: `${prefix}bull`,
    queues: `${prefix}queues`,
    deadLetters: `${prefix}dlq`,
    deadMeta: `${prefix}dlq-meta`,
    deadTime: `${prefix}dlq-time`,
    deadTimeOf: (name: string) => `${prefix}dlq-time:${name}`,
    group: (name: string, group: string) => `${prefix}group:${name}:${group}`,
    groupLock: (name: string, group: string) => `${prefix}group-lock:${name}:${group}`,
    groupDepth: (name: string) => `${prefix}group-depth:${name}`,
    /** The key BullMQ keeps a job's lock in. */
    jobLock: (name: string, jobId: string) => `${prefix}bull:${name}:${jobId}:lock`,
  }
}

export type QueueKeys = ReturnType<typeof queueKeys>

/** What travels in a BullMQ job or a group list: the copy without its attempt number. */
export interface Envelope extends Omit<QueueMessage, 'attempt'> {
  /** Group copies only: not before this time (a `delayMs`), and attempts already failed. */
  notBefore?: number
  failed?: number
}
