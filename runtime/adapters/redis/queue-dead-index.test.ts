/**
 * The Redis dead-letter index mends itself: letters stored before it existed (or by an older
 * version) are found and indexed, and entries of letters deleted past it are dropped. The index's
 * ordinary behaviour is the queue contract's (contract-dead-letters.ts).
 */
import { afterAll, expect, test } from 'bun:test'
import { beforeAllTests } from '../../../test/helpers/prerequisites.ts'
import { startRedisServer, type TestRedis } from '../../../test/helpers/redis-server.ts'
import { waitFor } from '../../testing/wait.ts'
import { NonRetriableError } from '../../errors.ts'
import { consumeOptions } from '../queue/contract-helpers.ts'
import { connectRedis } from './connection.ts'
import { createRedisQueue } from './queue.ts'
import { queueKeys, queueName } from './queue-keys.ts'

let redis: TestRedis
beforeAllTests(async () => void (redis = await startRedisServer()))
afterAll(() => redis?.cleanup())

test('letters the index does not know are indexed, and entries of deleted letters dropped, on the next read', async () => {
  const prefix = 'mend:'
  const queue = await createRedisQueue({ url: redis.url, prefix })
  const client = await connectRedis({ url: redis.url }, 'test')
  const keys = queueKeys(prefix)
  try {
    const stop = await queue.consume(consumeOptions('orders', 'Ship'), async () => {
      throw new NonRetriableError('refused')
    })
    await queue.publish('orders', ['Ship'], { n: 1 }, { traceId: 't1' })
    await queue.publish('orders', ['Ship'], { n: 2 }, { traceId: 't2' })
    await waitFor(async () => (await queue.deadLetters()).length === 2)
    await stop()
    // As an older version wrote it: only in the hash. And one deleted behind the index's back.
    const legacy = { id: 'legacy-1', topic: 'orders', step: 'Ship', data: { blob: 'z'.repeat(10_000) }, traceId: 'old', attempts: 4, error: 'old failure', failedAt: 1_000 }
    await client.hset(keys.deadLetters, legacy.id, JSON.stringify(legacy))
    const [gone] = (await queue.deadLetterPage!({ limit: 1, maxDataChars: 100 })).letters
    await client.hdel(keys.deadLetters, gone!.id)

    const page = await queue.deadLetterPage!({ limit: 10, maxDataChars: 100 })
    expect(page.letters.map((letter) => letter.traceId).sort()).toEqual(['old', gone!.traceId === 't1' ? 't2' : 't1'].sort())
    expect(page.total).toBe(2)
    expect(page.letters.find((letter) => letter.id === 'legacy-1')).toMatchObject({ attempts: 4, error: 'old failure', size: JSON.stringify(legacy.data).length, preview: JSON.stringify(legacy.data).slice(0, 100) })
    expect(await queue.deadLetterCounts!()).toEqual([{ topic: 'orders', step: 'Ship', count: 2 }])
    expect(await client.hlen(keys.deadMeta)).toBe(2)
    expect(await client.zcard(keys.deadTimeOf(queueName('orders', 'Ship')))).toBe(2)
    // Purging through the adapter leaves no index entry behind.
    expect(await queue.purge()).toBe(2)
    expect([await client.hlen(keys.deadMeta), await client.zcard(keys.deadTime), await client.zcard(keys.deadTimeOf(queueName('orders', 'Ship')))]).toEqual([0, 0, 0])
  } finally {
    client.disconnect()
    await queue.close()
  }
})
