import { afterAll, describe, expect, test } from 'bun:test'
import { beforeAllTests } from '../../../test/helpers/prerequisites.ts'
import { startRedisServer, type TestRedis } from '../../../test/helpers/redis-server.ts'
import { testStateAdapter } from '../state/contract.ts'
import { createRedisState } from './state.ts'

let redis: TestRedis
let projects = 0
beforeAllTests(async () => void (redis = await startRedisServer()))
afterAll(() => redis?.cleanup())

// Each adapter gets a prefix of its own: a fresh, empty store on the shared server.
testStateAdapter({ name: 'redis', create: () => createRedisState({ url: redis.url, prefix: `test${++projects}:` }) })

describe('redis state', () => {
  test('two adapters on one Redis (two instances) never lose an increment', async () => {
    const prefix = `pair${++projects}:`
    const [a, b] = await Promise.all([createRedisState({ url: redis.url, prefix }), createRedisState({ url: redis.url, prefix })])
    await Promise.all(Array.from({ length: 2000 }, (_, i) => (i % 2 ? a : b).update('c', 'k', [{ type: 'increment', path: 'n' }])))
    expect(await a.get('c', 'k')).toEqual({ n: 2000 })
    await Promise.all([a.close(), b.close()])
  })

  test('projects with different prefixes do not see each other', async () => {
    const [a, b] = await Promise.all([createRedisState({ url: redis.url, prefix: 'shop:' }), createRedisState({ url: redis.url, prefix: 'blog:' })])
    await a.set('users', 'u1', 1)
    expect(await b.get('users', 'u1')).toBeUndefined()
    expect(await b.listGroups()).toEqual([])
    await Promise.all([a.close(), b.close()])
  })

  test('an unreachable Redis fails start-up with one clear line', async () => {
    const error = await createRedisState({ url: 'redis://127.0.0.1:1', connectTimeoutMs: 500 }).catch((e: Error) => e)
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).message).toMatch(/^\[motia\] cannot reach Redis at redis:\/\/127\.0\.0\.1:1: .*start Redis or fix REDIS_URL$/)
  })

  test('calls while Redis is down fail with a 503 within the timeout, and work again when it is back', async () => {
    const state = await createRedisState({ url: redis.url, prefix: `outage${++projects}:`, commandTimeoutMs: 1000 })
    await state.set('g', 'k', 1)
    await redis.stop()
    const started = Date.now()
    const error = (await state.get('g', 'k').catch((e: unknown) => e)) as { status?: number; code?: string }
    expect(Date.now() - started).toBeLessThan(3000)
    expect(error).toMatchObject({ status: 503, code: 'REDIS_UNAVAILABLE' })
    await redis.start()
    let back: unknown
    const deadline = Date.now() + 10_000
    while (Date.now() < deadline && back === undefined) {
      // A failed call rejects at once: pause so the client's reconnect gets its turn.
      back = await state.set('g', 'k', 2).catch(() => Bun.sleep(50).then(() => undefined))
    }
    expect(back).toEqual({ oldValue: undefined, newValue: 2 })
    await state.close()
  }, 60_000)
})
