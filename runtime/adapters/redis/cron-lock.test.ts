import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { startRedisServer, type TestRedis } from '../../../test/helpers/redis-server.ts'
import { createRedisCronLock } from './cron-lock.ts'

let redis: TestRedis
beforeAll(async () => void (redis = await startRedisServer()))
afterAll(() => redis.cleanup())

describe('redis cron lock', () => {
  test('of three instances claiming the same ticks, exactly one wins each', async () => {
    const locks = await Promise.all([1, 2, 3].map(() => createRedisCronLock({ url: redis.url, prefix: 'cron1:' })))
    const ticks = Array.from({ length: 20 }, (_, i) => 1_700_000_000_000 + i * 1000)
    const wins = await Promise.all(ticks.map(async (tick) => (await Promise.all(locks.map((lock) => lock.claim('Report', tick)))).filter(Boolean).length))
    expect(wins).toEqual(ticks.map(() => 1))
    // Another step's tick at the same time is claimed separately.
    expect(await locks[0]!.claim('Other', ticks[0]!)).toBe(true)
    await Promise.all(locks.map((lock) => lock.close()))
  })

  test('when the instance that won a tick is gone, the next tick goes to a living one', async () => {
    const [dead, alive] = await Promise.all([1, 2].map(() => createRedisCronLock({ url: redis.url, prefix: 'cron2:' })))
    expect(await dead!.claim('Report', 1000)).toBe(true)
    await dead!.close()
    expect(await alive!.claim('Report', 1000)).toBe(false)
    expect(await alive!.claim('Report', 2000)).toBe(true)
    await alive!.close()
  })
})
