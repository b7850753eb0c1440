/**
 * The dead letters of the Redis queue: one hash per project (`<p>dlq`, message id → letter), read
 * by `motia dlq`, the console and every instance.
 *
 * Replay is exactly once under concurrent replayers (two CLI commands, the console, another
 * instance): a script claims a letter by moving it from `dlq` to `dlq-replaying`, so exactly one
 * caller gets it; that caller requeues it under a deduplication id derived from the letter's id
 * (adding it twice stores it once, for the dedup window), then drops the claim. A caller that dies
 * between claim and drop leaves the letter in `dlq-replaying`; once the claim is older than
 * `staleClaimMs`, the next list, replay or purge puts it back in `dlq`, so nothing is lost, and
 * replaying it again stores no second copy if the first was already requeued. A purge removes
 * only letters in `dlq`: a letter is either replayed or purged, never both.
 */
import { matchesFilter, type DeadLetter } from '../queue/types.ts'
import type { Redis } from './connection.ts'
import { forgetDeadLetters, unindexLua } from './queue-dead-index.ts'
import type { QueueKeys } from './queue-keys.ts'

/** How old a claim must be before it counts as abandoned: far beyond one replay's few calls. */
export const staleClaimMs = 60_000

/** Replays run this many letters at a time: a `replay('all')` of thousands does not wait on each in turn. */
const batch = 64

/** Runs one step against Redis under the adapter's deadline (a `replay` of thousands takes many). */
type Call = <T>(what: string, action: () => Promise<T>) => Promise<T>

export function createDeadLetters(redis: Redis, keys: QueueKeys, call: Call, requeue: (letter: DeadLetter) => Promise<void>) {
  /** Puts abandoned claims back into `dlq`; one HLEN when there are none. */
  const recoverStale = async () => {
    if ((await redis.hlen(keys.replaying)) === 0) return
    const now = Date.now()
    for (const [id, claim] of Object.entries(await redis.hgetall(keys.replaying))) {
      if (now - claimedAt(claim) > staleClaimMs) await redis.eval(UNCLAIM, 2, keys.deadLetters, keys.replaying, id, claim)
    }
  }

  const all = async () => Object.values(await redis.hgetall(keys.deadLetters)).map((json) => JSON.parse(json) as DeadLetter)

  /** Claims, requeues and releases one letter; true when this caller replayed it. */
  const replayOne = async (id: string) => {
    const claim = (await redis.eval(CLAIM, 4, keys.deadLetters, keys.replaying, keys.deadMeta, keys.deadTime, id, String(Date.now()), keys.deadTimeOf(''))) as string | null
    if (claim === null) return false
    await requeue(JSON.parse(letterOf(claim)) as DeadLetter)
    await redis.hdel(keys.replaying, id)
    return true
  }

  return {
    list: (filter: { step?: string; topic?: string }): Promise<DeadLetter[]> =>
      call('deadLetters', async () => {
        await recoverStale()
        return (await all()).filter((letter) => matchesFilter(letter, filter)).sort((a, b) => a.failedAt - b.failedAt)
      }),

    async replay(ids: readonly string[] | 'all'): Promise<number> {
      const chosen = await call('replay', async () => {
        await recoverStale()
        return ids === 'all' ? redis.hkeys(keys.deadLetters) : [...new Set(ids)]
      })
      let replayed = 0
      for (let at = 0; at < chosen.length; at += batch) {
        const done = await call('replay', () => Promise.all(chosen.slice(at, at + batch).map(replayOne)))
        replayed += done.filter(Boolean).length
      }
      return replayed
    },

    purge: (filter: { step?: string; ids?: readonly string[] }): Promise<number> =>
      call('purge', async () => {
        await recoverStale()
        let chosen: string[]
        if (filter.ids) {
          // Only the named letters are read, and only to check their step when one is given.
          const named = filter.ids.length && filter.step !== undefined ? await redis.hmget(keys.deadLetters, ...filter.ids) : []
          chosen = filter.step === undefined ? [...filter.ids] : filter.ids.filter((_, i) => named[i] != null && (JSON.parse(named[i]!) as DeadLetter).step === filter.step)
        } else {
          chosen = (await all()).filter((letter) => matchesFilter(letter, filter)).map((letter) => letter.id)
        }
        // Deleted with their index entries (queue-dead-index.ts).
        return (await forgetDeadLetters(redis, keys, chosen)).reduce((sum, n) => sum + n, 0)
      }),
  }
}

// --- internal ---

/** A claim is `<claimed at ms>|<letter JSON>`. */
function claimedAt(claim: string): number {
  return Number(claim.slice(0, claim.indexOf('|')))
}

function letterOf(claim: string): string {
  return claim.slice(claim.indexOf('|') + 1)
}

/**
 * KEYS: dlq, replaying, the index's meta and time. ARGV: id, now, the index's queue prefix. The
 * claim (`now|letter`) if the letter was there, else nil; a claimed letter leaves the index too.
 */
const CLAIM = `
local letter = redis.call('HGET', KEYS[1], ARGV[1])
if not letter then return nil end
redis.call('HDEL', KEYS[1], ARGV[1])
${unindexLua({ meta: 'KEYS[3]', time: 'KEYS[4]', queuePrefix: 'ARGV[3]' }, 'ARGV[1]')}
local claim = ARGV[2] .. '|' .. letter
redis.call('HSET', KEYS[2], ARGV[1], claim)
return claim`

/** KEYS: dlq, replaying. ARGV: id, the stale claim. Puts the letter back only if the claim is unchanged. */
const UNCLAIM = `
if redis.call('HGET', KEYS[2], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[2], ARGV[1])
local bar = string.find(ARGV[2], '|', 1, true)
redis.call('HSET', KEYS[1], ARGV[1], string.sub(ARGV[2], bar + 1))
return 1`
