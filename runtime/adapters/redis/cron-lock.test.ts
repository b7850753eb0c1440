import { afterAll, describe, expect, test } from 'bun:test'
import { beforeAllTests } from '../../../test/helpers/prerequisites.ts'
import { startRedisServer, type TestRedis } from '../../../test/helpers/redis-server.ts'
import { testCronLock } from '../cron-lock/contract.ts'
import { createRedisCronLock } from './cron-lock.ts'

let redis: TestRedis
beforeAllTests(async () => void (redis = await startRedisServer()))
afterAll(() => redis?.cleanup())

// The instances of one test share a prefix (one project); each test gets a new one.
let space = 0
testCronLock({ name: 'redis', create: () => createRedisCronLock({ url: redis.url, prefix: `cron${space}:` }), reset: () => void space++ })

describe('redis cron lock', () => {
  test('when the instance that won a tick is gone, the next tick goes to a living one', async () => {
    const [dead, alive] = await Promise.all([1, 2].map(() => createRedisCronLock({ url: redis.url, prefix: 'gone:' })))
    expect(await dead!.claim('Report', 1000)).toBe(true)
    await dead!.close()
    expect(await alive!.claim('Report', 1000)).toBe(false)
    expect(await alive!.claim('Report', 2000)).toBe(true)
    await alive!.close()
  })
})
