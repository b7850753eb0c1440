/**
 * The Redis adapters, imported together and only when Redis is chosen (runtime/adapters/resolve.ts).
 * Each `createRedis*` factory connects with `url` (default `REDIS_URL`) and the project's key
 * prefix: in motia.config.ts the factory itself is the adapter factory (see connection.ts).
 *
 * @example
 * // motia.config.ts: the queue on Redis, state in the embedded store
 * export default defineConfig({ adapters: { queue: createRedisQueue } })
 */
export { createRedisCronLock, type RedisCronLockOptions } from './cron-lock.ts'
export { createRedisQueue, type RedisQueueOptions } from './queue.ts'
export { createRedisState, type RedisStateOptions } from './state.ts'
export { createRedisStreams, type RedisStreamStore, type RedisStreamsOptions } from './streams.ts'
export { createRedisTraceStore, type RedisTraceStoreOptions } from './traces.ts'
export type { RedisConnectionOptions } from './connection.ts'
export { createRedisWorkflowStore, type RedisWorkflowStoreOptions } from './workflows.ts'
