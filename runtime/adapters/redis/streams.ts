/**
 * The StreamStore on Redis, with the change fan-out every instance needs.
 *
 * An item group is a hash (`<prefix>stream:"<stream>":"<group>":items`, field = item id, value =
 * JSON) and a sorted set beside it (`…:order`) that keeps insertion order;
 * `<prefix>stream:"<stream>":groups` names a stream's groups. Names are JSON string literals
 * (key-part.ts), so no group or stream name can reach into another's keys (`x:order` included).
 *
 * Each write publishes the change on `<prefix>stream-changes` from inside the script that makes
 * it, so subscribers on every instance see the changes of one item in the order they were made.
 * `onChange` subscribes (one extra connection, opened on first use); `send` publishes an event that
 * is not stored (a typing indicator, a progress tick).
 */
import type { BroadcastChange, BroadcastStore, StreamStore, StreamWrite } from '../streams/types.ts'
import { connectRedis, guarded, type Redis, type RedisConnectionOptions } from './connection.ts'
import { keyPart } from './key-part.ts'

export type RedisStreamsOptions = RedisConnectionOptions

/** The Redis stream store broadcasts (see `BroadcastStore`), with an atomic `update` across instances. */
export interface RedisStreamStore extends StreamStore, BroadcastStore {
  update(stream: string, groupId: string, id: string, next: (current: unknown) => unknown): Promise<StreamWrite>
}

/**
 * @example
 * const streams = await createRedisStreams({ url: process.env.REDIS_URL!, prefix: 'motia:chat:' })
 * await streams.onChange((change) => console.log(change))
 */
export async function createRedisStreams(options: RedisStreamsOptions): Promise<RedisStreamStore> {
  const redis = await connectRedis(options, 'streams')
  const prefix = options.prefix ?? 'motia:'
  const channel = `${prefix}stream-changes`
  const timeoutMs = options.commandTimeoutMs ?? 5000
  const listeners = new Set<(change: BroadcastChange) => void>()
  let subscriber: Promise<Redis> | undefined
  let closed = false

  const groupKey = (stream: string, groupId: string) => `${prefix}stream:${keyPart(stream)}:${keyPart(groupId)}`
  const hashOf = (stream: string, groupId: string) => `${groupKey(stream, groupId)}:items`
  const orderOf = (stream: string, groupId: string) => `${groupKey(stream, groupId)}:order`
  const groupsOf = (stream: string) => `${prefix}stream:${keyPart(stream)}:groups`
  const keysOf = (stream: string, groupId: string) => [hashOf(stream, groupId), orderOf(stream, groupId), groupsOf(stream), channel]
  const call = <T>(what: string, action: () => Promise<T>) => {
    if (closed) return Promise.reject(new Error('[motia] the Redis stream store is closed'))
    return guarded(`streams ${what}`, timeoutMs, action)
  }

  /** Writes `next`; with `expected` (the stored JSON, null for none) only if the item is still that: undefined when it is not. */
  const write = async (stream: string, groupId: string, id: string, next: string | undefined, expected?: string | null): Promise<StreamWrite | undefined> => {
    const change = `{"type":"write","stream":${JSON.stringify(stream)},"groupId":${JSON.stringify(groupId)},"id":${JSON.stringify(id)}`
    const check = expected === undefined ? '' : expected === null ? '0' : '1'
    const old = (await redis.eval(WRITE, 4, ...keysOf(stream, groupId), id, next ?? '', next === undefined ? '0' : '1', groupId, change, check, expected ?? '')) as string | null | 0
    if (old === 0) return undefined
    return { oldValue: parse(old), newValue: parse(next) }
  }

  const subscribe = async (): Promise<Redis> => {
    const client = await connectRedis(options, 'streams-subscriber', { enableOfflineQueue: true, maxRetriesPerRequest: null })
    client.on('message', (_channel: string, text: string) => {
      const change = JSON.parse(text) as BroadcastChange & { oldValue?: unknown; newValue?: unknown }
      for (const listener of listeners) listener(change)
    })
    await client.subscribe(channel)
    return client
  }

  return {
    get: (stream, groupId, id) => call('get', async () => parse(await redis.hget(hashOf(stream, groupId), id)) as never),
    set: (stream, groupId, id, data) => call('set', () => write(stream, groupId, id, JSON.stringify(data)) as never),
    delete: (stream, groupId, id) => call('delete', () => write(stream, groupId, id, undefined) as never),
    update: (stream, groupId, id, next) =>
      call('update', async () => {
        // Lock-free: a conflict means another instance wrote in between, so someone always progresses.
        for (;;) {
          const stored = await redis.hget(hashOf(stream, groupId), id)
          const value = await next(parse(stored))
          const written = await write(stream, groupId, id, value === undefined ? undefined : JSON.stringify(value), stored)
          if (written) return written
        }
      }),
    list: (stream, groupId) =>
      call('list', async () => {
        const flat = (await redis.eval(LIST, 2, hashOf(stream, groupId), orderOf(stream, groupId))) as string[]
        const items: Array<{ id: string; data: never }> = []
        for (let i = 0; i < flat.length; i += 2) items.push({ id: flat[i]!, data: JSON.parse(flat[i + 1]!) as never })
        return items
      }),
    listGroups: (stream) => call('listGroups', () => redis.smembers(groupsOf(stream))),
    send: (stream, groupId, event, id) =>
      call('send', async () => void (await redis.publish(channel, JSON.stringify({ type: 'event', stream, groupId, id, event })))),
    async onChange(listener) {
      listeners.add(listener)
      subscriber ??= subscribe()
      await subscriber
      return () => listeners.delete(listener)
    },
    async close() {
      if (closed) return
      closed = true
      listeners.clear()
      redis.disconnect()
      if (subscriber) (await subscriber.catch(() => undefined))?.disconnect()
    },
  }
}

// --- internal ---

function parse(json: string | null | undefined): unknown {
  return json === null || json === undefined ? undefined : JSON.parse(json)
}

/**
 * KEYS: items hash, order zset, groups set, channel. ARGV: id, value, has value, group, the
 * change's opening JSON, check ('' none, '0' the item must be absent, '1' it must equal the
 * expected JSON), expected JSON. Writes, publishes the change (none when nothing changed: a
 * delete of an absent item), returns the old value; 0 when the check fails.
 */
const WRITE = `
local old = redis.call('HGET', KEYS[1], ARGV[1])
if ARGV[6] == '0' and old then return 0 end
if ARGV[6] == '1' and old ~= ARGV[7] then return 0 end
if ARGV[3] ~= '1' and not old then return old end
if ARGV[3] == '1' then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  if not old then
    local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
    redis.call('ZADD', KEYS[2], (tonumber(last[2]) or 0) + 1, ARGV[1])
  end
  redis.call('SADD', KEYS[3], ARGV[4])
elseif old then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('ZREM', KEYS[2], ARGV[1])
  if redis.call('HLEN', KEYS[1]) == 0 then redis.call('SREM', KEYS[3], ARGV[4]) end
end
local change = ARGV[5]
if old then change = change .. ',"oldValue":' .. old end
if ARGV[3] == '1' then change = change .. ',"newValue":' .. ARGV[2] end
redis.call('PUBLISH', KEYS[4], change .. '}')
return old`

/** KEYS: items hash, order zset. Returns id, value pairs in insertion order. */
const LIST = `
local ids = redis.call('ZRANGE', KEYS[2], 0, -1)
local out = {}
for _, id in ipairs(ids) do
  local value = redis.call('HGET', KEYS[1], id)
  if value then
    out[#out + 1] = id
    out[#out + 1] = value
  end
end
return out`
