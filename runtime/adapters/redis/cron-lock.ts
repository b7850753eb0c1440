/**
 * Cron coordination across instances: every instance schedules every cron step, and before a
 * tick runs it claims the tick with `SET <p>cron:<step>:<scheduled ms> NX PX`. The first claim
 * wins; the others skip. A claim is per tick, not per instance, so when an instance dies the next
 * tick simply goes to one of the living. Ticks are whole seconds (see triggers/cron.ts), so
 * instances agree on the key whatever their timing; their clocks must agree to within a second.
 */
import type { CronLock } from '../cron-lock/types.ts'
import { connectRedis, guarded, type RedisConnectionOptions } from './connection.ts'

export interface RedisCronLockOptions extends RedisConnectionOptions {
  /** How long a claim is remembered; longer than any clock skew between instances. Default 10 min. */
  ttlMs?: number
}

/**
 * @example
 * const lock = await createRedisCronLock({ url: process.env.REDIS_URL!, prefix: 'motia:shop:' })
 * if (await lock.claim('NightlyReport', Date.parse('2026-01-01T03:00:00Z'))) runReport()
 */
export async function createRedisCronLock(options: RedisCronLockOptions): Promise<CronLock> {
  const redis = await connectRedis(options, 'cron')
  const prefix = options.prefix ?? 'motia:'
  const ttlMs = options.ttlMs ?? 10 * 60_000
  const owner = `${process.pid}-${Math.random().toString(36).slice(2, 10)}`
  return {
    claim: (step, scheduledAt) =>
      guarded('cron claim', options.commandTimeoutMs ?? 5000, async () => (await redis.set(`${prefix}cron:${step}:${scheduledAt}`, owner, 'PX', ttlMs, 'NX')) === 'OK'),
    async close() {
      redis.disconnect()
    },
  }
}
