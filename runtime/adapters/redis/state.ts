/**
 * The StateAdapter on Redis. A group is one hash (`<prefix>state:"<group>"`, field = key, value =
 * JSON; the group is a JSON string literal, key-part.ts, so no group name reaches into another's
 * key); the set `<prefix>state-groups` names the groups that hold keys, so `listGroups` never
 * scans the keyspace.
 *
 * `update` runs the ops in JavaScript (`applyUpdateOps`, the same code every adapter runs) and
 * writes with a compare-and-set script that succeeds only if the stored JSON is still the one the
 * ops were applied to; on a conflict it reads again and re-applies. Updates of one key inside this
 * process are queued and applied as a batch (one read, one write for all of them), so conflicts
 * happen only between instances and a burst of increments costs a few round trips, not one each.
 */
import { applyUpdateOps, checkStateAddress } from '../state/ops.ts'
import type { StateAdapter, StateWrite, UpdateOp } from '../state/types.ts'
import { connectRedis, guarded, type Redis, type RedisConnectionOptions } from './connection.ts'
import { keyPart } from './key-part.ts'

export type RedisStateOptions = RedisConnectionOptions

/**
 * @example
 * const state = await createRedisState({ url: 'redis://127.0.0.1:6379', prefix: 'motia:shop:' })
 */
export async function createRedisState(options: RedisStateOptions): Promise<StateAdapter> {
  const redis = await connectRedis(options, 'state')
  const prefix = options.prefix ?? 'motia:'
  const groupsKey = `${prefix}state-groups`
  const hashOf = (group: string) => `${prefix}state:${keyPart(group)}`
  const timeoutMs = options.commandTimeoutMs ?? 5000
  const call = <T>(what: string, action: () => Promise<T>, group: string, key?: string) => {
    if (closed) return Promise.reject(new Error('[motia] the Redis state adapter is closed'))
    try {
      checkStateAddress(group, key)
    } catch (error) {
      return Promise.reject(error)
    }
    return guarded(`state ${what}`, timeoutMs, action)
  }
  const batches = new Map<string, Batch>()
  let closed = false

  const write = async (group: string, key: string, next: string | undefined): Promise<StateWrite> => {
    const old = (await redis.eval(PUT, 2, hashOf(group), groupsKey, key, next ?? '', next === undefined ? '0' : '1', group)) as string | null
    return { oldValue: parse(old), newValue: parse(next) }
  }

  /** Applies the queued updates of one key until none are left. */
  const drain = async (id: string, group: string, key: string) => {
    for (let batch = batches.get(id); batch && batch.items.length; batch = batches.get(id)) {
      const items = batch.items.splice(0)
      try {
        await applyBatch(redis, hashOf(group), groupsKey, group, key, items)
      } catch (error) {
        for (const item of items) item.reject(error)
      }
    }
    batches.delete(id)
  }

  return {
    get: (group, key) => call('get', async () => parse(await redis.hget(hashOf(group), key)) as never, group, key),
    set: (group, key, value) => call('set', () => write(group, key, JSON.stringify(value)) as never, group, key),
    delete: (group, key) => call('delete', () => write(group, key, undefined) as never, group, key),
    update: (group, key, ops) =>
      call('update', () => {
        // Structural, so two (group, key) pairs never share a batch (and one's ops the other's key).
        const id = JSON.stringify([group, key])
        const result = new Promise<StateWrite>((resolve, reject) => {
          const batch = batches.get(id)
          if (batch) return batch.items.push({ ops, resolve, reject })
          batches.set(id, { items: [{ ops, resolve, reject }] })
          void drain(id, group, key)
        })
        return result as never
      }, group, key),
    list: (group) =>
      call('list', async () => {
        // A flat reply, not ioredis' object: a key named __proto__ must stay a key.
        return pairs((await redis.eval(LIST, 1, hashOf(group))) as string[])
      }, group),
    listGroups: () => call('listGroups', () => redis.smembers(groupsKey), ''),
    clear: (group) =>
      call('clear', async () => {
        return pairs((await redis.eval(CLEAR, 2, hashOf(group), groupsKey, group)) as string[])
      }, group),
    async close() {
      if (closed) return
      closed = true
      redis.disconnect()
    },
  }
}

// --- internal ---

interface Pending {
  ops: readonly UpdateOp[]
  resolve(write: StateWrite): void
  reject(error: unknown): void
}

interface Batch {
  items: Pending[]
}

/** Reads the key once, applies every item's ops in order, writes once if nobody wrote between. */
async function applyBatch(redis: Redis, hash: string, groupsKey: string, group: string, key: string, items: Pending[]): Promise<void> {
  for (;;) {
    const stored = await redis.hget(hash, key)
    let current: string | undefined = stored ?? undefined
    const outcomes: Array<{ write?: StateWrite; error?: unknown }> = []
    for (const item of items) {
      try {
        // applyUpdateOps works on a clone, so the parsed value can also be the write's oldValue.
        const before = parse(current)
        const next = applyUpdateOps(before, item.ops)
        const json = next === undefined ? undefined : JSON.stringify(next)
        outcomes.push({ write: { oldValue: before, newValue: parse(json) } })
        current = json
      } catch (error) {
        outcomes.push({ error })
      }
    }
    const swapped = await redis.eval(CAS, 2, hash, groupsKey, key, stored ?? '', stored === null ? '0' : '1', current ?? '', current === undefined ? '0' : '1', group)
    if (swapped !== 1) continue
    items.forEach((item, i) => (outcomes[i]!.error !== undefined ? item.reject(outcomes[i]!.error) : item.resolve(outcomes[i]!.write!)))
    return
  }
}

function pairs(flat: string[]): Array<{ key: string; value: any }> {
  const out: Array<{ key: string; value: unknown }> = []
  for (let i = 0; i < flat.length; i += 2) out.push({ key: flat[i]!, value: JSON.parse(flat[i + 1]!) })
  return out
}

function parse(json: string | null | undefined): unknown {
  return json === null || json === undefined ? undefined : JSON.parse(json)
}

/**
 * Lua that sets field ARGV[1] of hash KEYS[1] to ARGV[value] when ARGV[has] is '1', else deletes
 * it, and keeps the groups set KEYS[2] naming group ARGV[group] only while its hash holds a key.
 */
const writeField = (value: number, has: number, group: number) => `
if ARGV[${has}] == '1' then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[${value}])
  redis.call('SADD', KEYS[2], ARGV[${group}])
else
  redis.call('HDEL', KEYS[1], ARGV[1])
  if redis.call('HLEN', KEYS[1]) == 0 then redis.call('SREM', KEYS[2], ARGV[${group}]) end
end`

/** KEYS: hash, groups set. ARGV: field, value, has value, group. Returns the old value. */
const PUT = `
local old = redis.call('HGET', KEYS[1], ARGV[1])
${writeField(2, 3, 4)}
return old`

/** KEYS: hash, groups set. ARGV: field, expected, had value, next, has next, group. 1 if written. */
const CAS = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if ARGV[3] == '1' then
  if current ~= ARGV[2] then return 0 end
elseif current then
  return 0
end
${writeField(4, 5, 6)}
return 1`

const LIST = `return redis.call('HGETALL', KEYS[1])`

/** KEYS: hash, groups set. ARGV: group. Returns the removed fields and values, flat. */
const CLEAR = `
local all = redis.call('HGETALL', KEYS[1])
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
return all`
