/**
 * FIFO per `messageGroupId` across instances, on top of open-source BullMQ (which has no groups).
 *
 * Design: the copies of a group wait in a Redis list, oldest first. Each publish also adds a
 * "token" job (the group's name) to a BullMQ queue beside the step's own. A worker that takes a
 * token tries to become the group's runner with `SET NX PX` on the group's lock; the runner works
 * the list from its head, one copy at a time (a failed copy is retried in place after its backoff,
 * so it keeps its turn), renewing the lock while it runs, and gives the lock up in the same script
 * that finds the list empty. So at most one copy of a group runs anywhere, in publish order, and
 * groups run in parallel up to the step's concurrency on each instance.
 *
 * Why no copy is stranded: a publish pushes the copy before it adds its token. A token that finds
 * the lock held is dropped: the runner holding it gives the lock up only in the script that sees the
 * list empty, so it either sees the new copy or released before it was pushed (and then this token,
 * or a later one, takes the lock). A token delivered again after its worker died does not drop:
 * it waits for the dead runner's lock to expire, then runs the group.
 *
 * Trade-off (documented in docs/scaling.md): one extra BullMQ job per group copy, and a group is
 * worked by one runner at a time even when the step is not fifo. Alternatives weighed: a BullMQ
 * queue per group (unbounded workers and connections), groupmq (a second queue engine beside
 * BullMQ, with its own key layout and failure modes).
 */
import { backoffDelay } from '../queue/types.ts'
import type { ConsumeOptions, MessageHandler } from '../queue/types.ts'
import type { Redis } from './connection.ts'
import { attempt, deadLetterOf, isFinal, messageOf, tell } from './queue-attempt.ts'
import { indexArgs, indexLua } from './queue-dead-index.ts'
import type { Envelope, QueueKeys } from './queue-keys.ts'

/**
 * Pushes a group copy; the caller then adds a token job for the group. With `dedup`, the copy is
 * pushed only if its deduplication key was free (set in the same script, for `ttlMs`): false when
 * it was not, and nothing was pushed.
 */
export async function pushGroupCopy(redis: Redis, keys: QueueKeys, name: string, envelope: Envelope, dedup?: { id: string; ttlMs: number }): Promise<boolean> {
  const list = keys.group(name, envelope.messageGroupId!)
  if (!dedup) {
    await redis.eval(PUSH, 2, list, keys.groupDepth(name), JSON.stringify(envelope))
    return true
  }
  return (await redis.eval(PUSH_ONCE, 3, list, keys.groupDepth(name), keys.dedup(name, dedup.id), JSON.stringify(envelope), envelope.id, dedup.ttlMs)) === 1
}

export interface GroupRunner {
  redis: Redis
  keys: QueueKeys
  name: string
  options: ConsumeOptions
  handler: MessageHandler
  /** Resolves once this consumer stops; the runner finishes the copy in hand and lets go. */
  stopped: () => boolean
}

/** Error a token throws to be retried later: the group is held by a runner that may be dead. */
export class GroupBusy extends Error {
  override name = 'GroupBusy'
}

/**
 * Works group `group` while this runner holds its lock. `redelivered` tokens (their worker died)
 * throw `GroupBusy` when the lock is held, so BullMQ retries them after the lock can have expired.
 */
export async function runGroup(runner: GroupRunner, group: string, redelivered: boolean): Promise<void> {
  const { redis, keys, name, options } = runner
  const lockKey = keys.groupLock(name, group)
  const listKey = keys.group(name, group)
  const me = `${process.pid}-${Math.random().toString(36).slice(2)}`
  const lockMs = Math.max(1000, options.visibilityTimeoutMs)
  if ((await redis.set(lockKey, me, 'PX', lockMs, 'NX')) !== 'OK') {
    if (redelivered) throw new GroupBusy(`group "${group}" is held by another runner`)
    return
  }
  let held = true
  const renew = setInterval(() => {
    redis
      .eval(RENEW, 1, lockKey, me, lockMs)
      .then((ok) => void (held = held && ok === 1))
      .catch(() => undefined)
  }, lockMs / 3)
  try {
    while (held && !runner.stopped()) {
      const head = await redis.lindex(listKey, 0)
      if (head === null) {
        if ((await redis.eval(RELEASE, 2, lockKey, listKey, me)) === 0) return
        continue
      }
      await runHead(runner, group, me, head)
    }
  } finally {
    clearInterval(renew)
    // A stopped runner lets go of a group it still holds, so another instance can take it at once.
    if (held) await redis.eval(UNLOCK, 1, lockKey, me).catch(() => undefined)
  }
}

// --- internal ---

async function runHead(runner: GroupRunner, group: string, me: string, head: string): Promise<void> {
  const { redis, keys, name, options, handler } = runner
  const envelope = JSON.parse(head) as Envelope
  const wait = (envelope.notBefore ?? 0) - Date.now()
  if (wait > 0) await Bun.sleep(wait)
  const number = (envelope.failed ?? 0) + 1
  const error = await attempt(handler, messageOf(envelope, number), options)
  const lockKey = keys.groupLock(name, group)
  const listKey = keys.group(name, group)
  if (error === undefined) {
    await redis.eval(POP, 3, lockKey, listKey, keys.groupDepth(name), me, '', '', head)
    return
  }
  if (isFinal(error, number, options)) {
    const letter = deadLetterOf(envelope, number, error)
    const index = indexArgs(keys, letter)
    const done = await redis.eval(POP, 3, lockKey, listKey, keys.groupDepth(name), me, keys.deadLetters, envelope.id, head, JSON.stringify(letter), ...index.keys, ...index.values)
    if (done === 1) tell(options.onDeadLetter, letter)
    return
  }
  // The copy keeps the head of its group while it waits for its retry: order is kept.
  await redis.eval(RETRY, 2, lockKey, listKey, me, head, JSON.stringify({ ...envelope, failed: number }))
  await Bun.sleep(backoffDelay(options.backoff, number))
}

/** KEYS: list, depth. ARGV: copy. */
const PUSH = `
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('INCR', KEYS[2])`

/** KEYS: list, depth, dedup key. ARGV: copy, copy id, ttl ms. 1 if pushed, 0 if the id was taken. */
const PUSH_ONCE = `
if not redis.call('SET', KEYS[3], ARGV[2], 'PX', ARGV[3], 'NX') then return 0 end
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('INCR', KEYS[2])
return 1`

/** KEYS: lock. ARGV: me, ms. 1 while the lock is still ours. */
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`

/** KEYS: lock. ARGV: me. */
const UNLOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0`

/** KEYS: lock, list. ARGV: me. Gives the lock up only if the list is empty: 0 then, else 1. */
const RELEASE = `
if redis.call('LLEN', KEYS[2]) > 0 then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0`

/**
 * KEYS: lock, list, depth. ARGV: me, dead-letter hash or '', id, head, letter, then (dead-letters
 * only) the index's keys and the letter's entry and failedAt (see queue-dead-index.ts). Removes the
 * head (and dead-letters it) only while the lock is ours and the head is the copy we ran: the late
 * outcome of a runner that lost its lock changes nothing. 1 if done.
 */
const POP = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if redis.call('LINDEX', KEYS[2], 0) ~= ARGV[4] then return 0 end
redis.call('LPOP', KEYS[2])
redis.call('DECR', KEYS[3])
if ARGV[2] ~= '' then
  redis.call('HSET', ARGV[2], ARGV[3], ARGV[5])
  ${indexLua({ meta: 'ARGV[6]', time: 'ARGV[7]', queueTime: 'ARGV[8]' }, { id: 'ARGV[3]', meta: 'ARGV[9]', failedAt: 'ARGV[10]' })}
end
return 1`

/** KEYS: lock, list. ARGV: me, head, head with its failed count. */
const RETRY = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if redis.call('LINDEX', KEYS[2], 0) ~= ARGV[2] then return 0 end
redis.call('LSET', KEYS[2], 0, ARGV[3])
return 1`
