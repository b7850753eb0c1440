/**
 * An index of the dead letters in Redis, so that the console pages and counts them without reading
 * the `<p>dlq` hash (every payload) — see queue/dead-letter-page.ts:
 *
 * - `<p>dlq-meta`          hash: message id → the letter without its data, plus the first 4096
 *                          characters of the data's JSON (`head`) and its `size`
 * - `<p>dlq-time`          sorted set: message id scored by `failedAt`, every letter
 * - `<p>dlq-time:<queue>`  sorted set: the same, the letters of one (topic, step) queue
 *
 * A letter enters the index in the same Lua script that stores it (`indexLua`), and leaves it in
 * the script that deletes it (`forgetDeadLetters`): whoever deletes from `<p>dlq` must go through
 * that. Letters stored before the index existed, or deleted past it, are found by comparing the
 * sizes of `<p>dlq` and `<p>dlq-meta` (two O(1) reads per page), and the index is then mended in
 * small steps (`mend`), reading the payload of each letter it lacks once. A stale replay claim put
 * back into `<p>dlq` (queue-dead-letters.ts) is indexed that way.
 */
import { checkPageOptions, cursorAfter, DEAD_LETTER_HEAD_CHARS, isAfter, newestFirst, readCursor, summarize } from '../queue/dead-letter-page.ts'
import type { DeadLetter, DeadLetterCount, DeadLetterPage, DeadLetterPageOptions } from '../queue/types.ts'
import type { Redis } from './connection.ts'
import { queueName, type QueueKeys } from './queue-keys.ts'

/** Characters of a letter's data kept in its index entry: the longest preview a page can show. */
export const HEAD_CHARS = DEAD_LETTER_HEAD_CHARS

/** What the index keeps of a letter. */
interface Meta extends Omit<DeadLetter, 'data'> {
  queue: string
  head: string
  size: number
}

/**
 * Lua lines that index a letter just stored, given the Lua expressions of the keys and values
 * (`'KEYS[3]'`, `'ARGV[4]'`, …), for the scripts that store dead letters.
 */
export function indexLua(k: { meta: string; time: string; queueTime: string }, v: { id: string; meta: string; failedAt: string }): string {
  return `
redis.call('HSET', ${k.meta}, ${v.id}, ${v.meta})
redis.call('ZADD', ${k.time}, ${v.failedAt}, ${v.id})
redis.call('ZADD', ${k.queueTime}, ${v.failedAt}, ${v.id})`
}

/**
 * Lua lines that drop a letter's index entries (its summary names its queue's sorted set), for the
 * scripts that take letters out of `<p>dlq`; `queuePrefix` is `keys.deadTimeOf('')`.
 */
export function unindexLua(k: { meta: string; time: string; queuePrefix: string }, id: string): string {
  return `
local meta = redis.call('HGET', ${k.meta}, ${id})
if meta then
  local ok, decoded = pcall(cjson.decode, meta)
  if ok and type(decoded) == 'table' and decoded.queue then redis.call('ZREM', ${k.queuePrefix} .. decoded.queue, ${id}) end
  redis.call('HDEL', ${k.meta}, ${id})
end
redis.call('ZREM', ${k.time}, ${id})`
}

/** The keys and values `indexLua` needs for `letter`, in that order: meta, time, queue time; meta JSON, failedAt. */
export function indexArgs(keys: QueueKeys, letter: DeadLetter): { keys: [string, string, string]; values: [string, string] } {
  const queue = queueName(letter.topic, letter.step)
  return { keys: [keys.deadMeta, keys.deadTime, keys.deadTimeOf(queue)], values: [JSON.stringify(metaOf(letter, queue)), String(letter.failedAt)] }
}

/**
 * Deletes dead letters and their index entries, atomically per call; returns, per id, 1 if the
 * letter was there (so that two replayers racing for one letter can tell who took it) or 0.
 */
export async function forgetDeadLetters(redis: Redis, keys: QueueKeys, ids: readonly string[]): Promise<number[]> {
  if (ids.length === 0) return []
  return (await redis.eval(FORGET, 3, keys.deadLetters, keys.deadMeta, keys.deadTime, keys.deadTimeOf(''), ...ids)) as number[]
}

export interface DeadIndex {
  page(options: DeadLetterPageOptions): Promise<DeadLetterPage>
  counts(): Promise<DeadLetterCount[]>
}

export function createDeadIndex(redis: Redis, keys: QueueKeys): DeadIndex {
  let mending: Promise<void> | undefined
  /** Mends the index when it does not hold exactly the stored letters (once at a time). */
  const ensure = async () => {
    const [letters, indexed] = (await redis.eval(SIZES, 2, keys.deadLetters, keys.deadMeta)) as [number, number]
    if (letters === indexed) return
    mending ??= mend(redis, keys).finally(() => (mending = undefined))
    await mending
  }

  /** The sorted sets that hold the letters a filter asks for. */
  const sources = async (options: { step?: string; topic?: string }): Promise<string[]> => {
    if (options.step === undefined && options.topic === undefined) return [keys.deadTime]
    if (options.step !== undefined && options.topic !== undefined) return [keys.deadTimeOf(queueName(options.topic, options.step))]
    return (await registered(redis, keys)).filter((q) => (options.step === undefined || q.step === options.step) && (options.topic === undefined || q.topic === options.topic)).map((q) => keys.deadTimeOf(q.name))
  }

  return {
    async page(options) {
      checkPageOptions(options)
      const after = readCursor(options.cursor)
      await ensure()
      const sets = await sources(options)
      // From each set, the newest letters past the cursor; ties at the cursor's time are skipped after.
      const want = options.limit + 1
      const batch = redis.pipeline()
      for (const set of sets) {
        batch.zcard(set)
        if (after) batch.zcount(set, after.failedAt, after.failedAt)
      }
      const sizes = ((await batch.exec()) ?? []).map(([, n]) => Number(n))
      const fetch = redis.pipeline()
      sets.forEach((set, i) => {
        const ties = after ? sizes[i * 2 + 1]! : 0
        fetch.zrevrangebyscore(set, after ? after.failedAt : '+inf', '-inf', 'WITHSCORES', 'LIMIT', 0, want + ties)
      })
      const candidates: Array<{ id: string; failedAt: number }> = []
      for (const [, flat] of (await fetch.exec()) ?? []) {
        const list = flat as string[]
        for (let i = 0; i < list.length; i += 2) candidates.push({ id: list[i]!, failedAt: Number(list[i + 1]) })
      }
      const chosen = candidates.filter((c) => isAfter(c, after)).sort(newestFirst).slice(0, want)
      const more = chosen.length > options.limit
      if (more) chosen.pop()
      const metas = chosen.length ? await redis.hmget(keys.deadMeta, ...chosen.map((c) => c.id)) : []
      const letters = []
      for (const json of metas) {
        // Gone since the sets were read (replayed, purged): not shown.
        if (json === null) continue
        const meta = JSON.parse(json) as Meta
        const { queue: _, head, size, ...letter } = meta
        // The head is the whole data's JSON when the data was short; otherwise only a preview can be shown.
        const whole = Buffer.byteLength(head) === size
        const summary = summarize(letter, whole ? head : null, options.maxDataChars)
        if (!whole) summary.preview = head.slice(0, options.maxDataChars)
        summary.size = size
        letters.push(summary)
      }
      const page: DeadLetterPage = { letters, total: sets.reduce((sum, _set, i) => sum + sizes[after ? i * 2 : i]!, 0) }
      if (more) page.next = cursorAfter(chosen.at(-1)!)
      return page
    },
    async counts() {
      await ensure()
      const queues = await registered(redis, keys)
      const batch = redis.pipeline()
      for (const q of queues) batch.zcard(keys.deadTimeOf(q.name))
      const sizes = ((await batch.exec()) ?? []).map(([, n]) => Number(n))
      return queues
        .map((q, i) => ({ topic: q.topic, step: q.step, count: sizes[i]! }))
        .filter((c) => c.count > 0)
        .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.step < b.step ? -1 : a.step > b.step ? 1 : 0))
    },
  }
}

// --- internal ---

function metaOf(letter: DeadLetter, queue: string): Meta {
  const json = JSON.stringify(letter.data) ?? 'null'
  const { data: _, ...rest } = letter
  return { ...rest, error: letter.error.length > HEAD_CHARS ? letter.error.slice(0, HEAD_CHARS) : letter.error, queue, head: json.slice(0, HEAD_CHARS), size: Buffer.byteLength(json) }
}

/** Every (topic, step) queue ever published to, from `<p>queues`. */
async function registered(redis: Redis, keys: QueueKeys): Promise<Array<{ name: string; topic: string; step: string }>> {
  const all = await redis.hgetall(keys.queues)
  return Object.entries(all).map(([name, json]) => ({ name, ...(JSON.parse(json) as { topic: string; step: string }) }))
}

/**
 * Brings the index in line with `<p>dlq`: indexes stored letters it lacks, then drops entries of
 * letters that are gone. Reads the hash in small steps, so the server answers in between.
 */
async function mend(redis: Redis, keys: QueueKeys): Promise<void> {
  // Ids only (HKEYS): a letter's payload is read only when the index lacks it.
  const stored = await redis.hkeys(keys.deadLetters)
  for (let at = 0; at < stored.length; at += 200) {
    const ids = stored.slice(at, at + 200)
    const known = await redis.hmget(keys.deadMeta, ...ids)
    for (let i = 0; i < ids.length; i++) {
      if (known[i] !== null) continue
      const json = await redis.hget(keys.deadLetters, ids[i]!)
      if (json === null) continue
      const letter = JSON.parse(json) as DeadLetter
      const { keys: k, values } = indexArgs(keys, letter)
      await redis.eval(INDEX_IF_STORED, 4, keys.deadLetters, ...k, letter.id, ...values)
    }
  }
  const indexed = await redis.hkeys(keys.deadMeta)
  for (let at = 0; at < indexed.length; at += 200) {
    const ids = indexed.slice(at, at + 200)
    const exists = (await redis.eval(EXISTING, 1, keys.deadLetters, ...ids)) as number[]
    const gone = ids.filter((_, i) => exists[i] === 0)
    // Forgetting a letter that is gone drops only its index entries.
    if (gone.length) await forgetDeadLetters(redis, keys, gone)
  }
}

/** KEYS: dlq, meta. The number of letters and of index entries. */
const SIZES = `return { redis.call('HLEN', KEYS[1]), redis.call('HLEN', KEYS[2]) }`

/** KEYS: dlq. ARGV: ids. 1 for each id still stored. */
const EXISTING = `
local out = {}
for i = 1, #ARGV do out[i] = redis.call('HEXISTS', KEYS[1], ARGV[i]) end
return out`

/** KEYS: dlq, meta, time, queue time. ARGV: id, meta, failedAt. Indexes a letter, if it is still stored. */
const INDEX_IF_STORED = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
${indexLua({ meta: 'KEYS[2]', time: 'KEYS[3]', queueTime: 'KEYS[4]' }, { id: 'ARGV[1]', meta: 'ARGV[2]', failedAt: 'ARGV[3]' })}
return 1`

/**
 * KEYS: dlq, meta, time. ARGV: the prefix of the queues' time sets, then ids. Deletes each letter
 * and its index entries; 1 per id that was stored, else 0.
 */
const FORGET = `
local out = {}
for i = 2, #ARGV do
  local id = ARGV[i]
  out[i - 1] = redis.call('HDEL', KEYS[1], id)
  ${unindexLua({ meta: 'KEYS[2]', time: 'KEYS[3]', queuePrefix: 'ARGV[1]' }, 'id')}
end
return out`
