import { afterAll, describe, expect, test } from 'bun:test'
import { beforeAllTests } from '../../../test/helpers/prerequisites.ts'
import { startRedisServer, type TestRedis } from '../../../test/helpers/redis-server.ts'
import { newTraceId } from '../../observability/ids.ts'
import { testTraceStore } from '../traces/contract.ts'
import { createRedisTraceStore } from './traces.ts'

let redis: TestRedis
beforeAllTests(async () => void (redis = await startRedisServer()))
afterAll(() => redis?.cleanup())

let stores = 0
// Each store gets a prefix of its own: a fresh, empty store on the shared server.
testTraceStore({ name: 'redis', create: () => createRedisTraceStore({ url: redis.url, prefix: `contract${++stores}:` }) })

describe('redis trace store', () => {
  test('a trace begun on one instance shows the spans recorded on another', async () => {
    const [a, b] = await Promise.all([1, 2].map(() => createRedisTraceStore({ url: redis.url, prefix: 'tr1:' })))
    const id = newTraceId()
    a!.begin(id, 'POST /orders', 'http', 1000)
    const first = a!.startSpan(id, 'CreateOrder', 'http', 1001)
    a!.addEvent(first, { type: 'enqueue', topic: 'order.created', subscribers: 1, at: 1002 })
    a!.endSpan(first, 1003)
    const second = b!.startSpan(id, 'ChargeCard', 'queue', 1010)
    b!.endSpan(second, 1020, 'card declined')
    // Each instance sends its writes within flushMs; a fetch sends its own first.
    await Promise.all([a!.fetch(id), b!.fetch(id)])
    for (const store of [a!, b!]) {
      const trace = await store.fetch(id)
      expect(trace).toMatchObject({ id, name: 'POST /orders', entry: 'http', startedAt: 1000 })
      expect(trace!.spans.map((span) => [span.step, span.status])).toEqual([
        ['CreateOrder', 'ok'],
        ['ChargeCard', 'error'],
      ])
      expect(trace!.spans[0]!.events).toHaveLength(1)
    }
    expect((await b!.fetchList({ limit: 5 }))[0]).toMatchObject({ id, status: 'error', steps: ['CreateOrder', 'ChargeCard'] })
    await Promise.all([a!.close(), b!.close()])
  })

  test('is bounded: the index keeps `capacity` traces and every trace key expires', async () => {
    const store = await createRedisTraceStore({ url: redis.url, prefix: 'tr2:', capacity: 10, ttlMs: 60_000 })
    const ids = Array.from({ length: 30 }, (_, i) => {
      const id = newTraceId()
      store.begin(id, `t${i}`, 'http', 1000 + i)
      return id
    })
    const listed = await store.fetchList({ limit: 100 })
    expect(listed.map((trace) => trace.name)).toEqual(Array.from({ length: 10 }, (_, i) => `t${29 - i}`))
    const { Redis } = await import('ioredis')
    const raw = new Redis(redis.url)
    const ttl = await raw.pttl(`tr2:trace:${ids[0]}`)
    expect(ttl).toBeGreaterThan(0)
    expect(ttl).toBeLessThanOrEqual(60_000)
    raw.disconnect()
    await store.close()
  })
})
