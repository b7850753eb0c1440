/**
 * The Redis adapters as `motia.config.ts` picks them, one by one. Each factory connects when the
 * runtime starts, with `REDIS_URL` and the project's key prefix unless `url`/`prefix` are given.
 * Setting `REDIS_URL` alone selects all of them (see runtime/adapters/resolve.ts).
 *
 * @example
 * // motia.config.ts: the queue on Redis, state in the embedded store
 * export default defineConfig({ adapters: { queue: redisQueue({ url: 'redis://queue-host:6379' }) } })
 */
import { ConfigError } from '../../errors.ts'
import type { AdapterContext } from '../../types/runtime.ts'
import { createRedisCronLock } from './cron-lock.ts'
import { createRedisQueue } from './queue.ts'
import { createRedisState } from './state.ts'
import { createRedisStreams } from './streams.ts'
import { createRedisTraceStore } from './traces.ts'

export interface RedisAdapterOptions {
  /** Default `REDIS_URL`. */
  url?: string
  /** Default `motia:<package name or folder>:`. */
  prefix?: string
}

export const redisQueue =
  (options: RedisAdapterOptions & { onError?: (error: Error) => void } = {}) =>
  (context: AdapterContext) =>
    createRedisQueue({ ...connection(options, context, 'redisQueue'), onError: options.onError })
export const redisState = (options: RedisAdapterOptions = {}) => (context: AdapterContext) => createRedisState(connection(options, context, 'redisState'))
export const redisStreams = (options: RedisAdapterOptions = {}) => (context: AdapterContext) => createRedisStreams(connection(options, context, 'redisStreams'))
export const redisTraces = (options: RedisAdapterOptions = {}) => (context: AdapterContext) => createRedisTraceStore(connection(options, context, 'redisTraces'))
export const redisCronLock = (options: RedisAdapterOptions = {}) => (context: AdapterContext) => createRedisCronLock(connection(options, context, 'redisCronLock'))

// --- internal ---

function connection(options: RedisAdapterOptions, context: AdapterContext | undefined, name: string) {
  const url = options.url ?? context?.redisUrl
  if (!url) throw new ConfigError(`[motia] ${name}() needs a Redis: pass ${name}({ url: 'redis://host:6379' }) or set REDIS_URL`)
  return { url, prefix: options.prefix ?? context?.prefix ?? 'motia:' }
}
