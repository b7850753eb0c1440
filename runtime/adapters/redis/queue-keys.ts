/**
 * Names in Redis for the queue adapter, in one place so the layout documented in
 * docs/scaling.md is the layout the code uses. `p` is the project's prefix (`motia:<name>:`).
 *
 * - `<p>bull:<queue>:…`        BullMQ's own keys for the queue of one (topic, step)
 * - `<p>bull:<queue>:de:<id>`  an idempotent publish's id (BullMQ's deduplication key), with a TTL
 * - `<p>bull:<queue>|groups:…` BullMQ keys of the same step's group tokens (fifo, see queue-groups.ts)
 * - `<p>queues`                hash: queue name → `{ topic, step }`, every queue ever published to
 * - `<p>dlq`                   hash: message id → dead letter (JSON)
 * - `<p>dlq-replaying`         hash: message id → dead letter being replayed (see queue-dead-letters.ts)
 * - `<p>dlq-meta`, `<p>dlq-time`, `<p>dlq-time:<queue>`: the dead letters' index (queue-dead-index.ts)
 * - `<p>group:<queue>:<group>`      list: the copies of one message group, oldest first
 * - `<p>group-lock:<queue>:<group>` the runner that holds a group (a token, with a TTL)
 * - `<p>group-depth:<queue>`        counter: copies waiting or running in groups
 *
 * Why no two distinct names share a key: `<queue>` is `encodeName(topic)|encodeName(step)`, which
 * holds no `:` and exactly one `|`, so it ends where the first `:` after it starts and a group
 * queue (`…|groups`, two `|`) is never a step's queue. What follows it (`<group>`, a dedup id) is
 * the rest of the key, so it is read back whole. Ids we generate contain `-`, and none of BullMQ's
 * own key names (`wait`, `meta`, `id`, …) does.
 */
import type { QueueMessage } from '../queue/types.ts'

/** The BullMQ queue name of (topic, step): both encoded, since BullMQ refuses `:` in names. */
export function queueName(topic: string, step: string): string {
  return `${encodeName(topic)}|${encodeName(step)}`
}

export function groupQueueName(name: string): string {
  return `${name}|groups`
}

/**
 * URI-encodes `name`: no `:` or `|` is left, and distinct names stay distinct. A lone surrogate
 * (which `encodeURIComponent` refuses, and UTF-8 cannot carry) becomes `%uD8xx`, a form
 * `encodeURIComponent` never produces. Well-formed names encode exactly as before.
 */
export function encodeName(name: string): string {
  if (name.isWellFormed()) return encodeURIComponent(name)
  let out = ''
  for (const char of name) {
    const code = char.charCodeAt(0)
    out += char.length === 1 && code >= 0xd800 && code <= 0xdfff ? `%u${code.toString(16).toUpperCase()}` : encodeURIComponent(char)
  }
  return out
}

/**
 * The deduplication id of a copy: `i…` for a caller's publish id, `r…` for the replay of a dead
 * letter (the letter's id), so the two never meet.
 */
export const dedupIdOf = {
  publish: (id: string) => `i${encodeName(id)}`,
  replay: (letterId: string) => `r${letterId}`,
}

export function queueKeys(prefix: string) {
  return {
    bullPrefix: `${prefix}bull`,
    queues: `${prefix}queues`,
    deadLetters: `${prefix}dlq`,
    replaying: `${prefix}dlq-replaying`,
    deadMeta: `${prefix}dlq-meta`,
    deadTime: `${prefix}dlq-time`,
    deadTimeOf: (name: string) => `${prefix}dlq-time:${name}`,
    group: (name: string, group: string) => `${prefix}group:${name}:${group}`,
    groupLock: (name: string, group: string) => `${prefix}group-lock:${name}:${group}`,
    groupDepth: (name: string) => `${prefix}group-depth:${name}`,
    /** The key BullMQ keeps a job's lock in. */
    jobLock: (name: string, jobId: string) => `${prefix}bull:${name}:${jobId}:lock`,
    /** BullMQ's deduplication key, which group copies share so that an id counts once per queue. */
    dedup: (name: string, dedupId: string) => `${prefix}bull:${name}:de:${dedupId}`,
  }
}

export type QueueKeys = ReturnType<typeof queueKeys>

/** What travels in a BullMQ job or a group list: the copy without its attempt number. */
export interface Envelope extends Omit<QueueMessage, 'attempt'> {
  /** Group copies only: not before this time (a `delayMs`), and attempts already failed. */
  notBefore?: number
  failed?: number
}
