import { afterAll, describe, expect, test } from 'bun:test'
import { beforeAllTests } from '../../../test/helpers/prerequisites.ts'
import { startRedisServer, type TestRedis } from '../../../test/helpers/redis-server.ts'
import { connectRedis, type Redis } from './connection.ts'

let redis: TestRedis
beforeAllTests(async () => void (redis = await startRedisServer()))
afterAll(() => redis?.cleanup())

/** Socket reads Redis made while `work` ran (INFO's own request counts one). */
async function readsDuring(admin: Redis, work: () => Promise<unknown>): Promise<number> {
  const reads = async () => Number(/total_reads_processed:(\d+)/.exec(await admin.info('stats'))![1])
  const before = await reads()
  await work()
  return (await reads()) - before
}

/** 100 SETs called in one turn, then read back: they must all land, in order. */
async function burst(client: Redis, prefix: string): Promise<void> {
  await Promise.all(Array.from({ length: 100 }, (_, i) => client.set(`${prefix}${i}`, String(i))))
  const values = await Promise.all(Array.from({ length: 100 }, (_, i) => client.get(`${prefix}${i}`)))
  expect(values).toEqual(Array.from({ length: 100 }, (_, i) => String(i)))
}

describe('redis connection', () => {
  test('commands called in one turn reach Redis in one write, and all of them run', async () => {
    const [client, admin] = await Promise.all([connectRedis({ url: redis.url }, 'test'), connectRedis({ url: redis.url }, 'admin')])
    // Two bursts (the SETs, then the GETs), one read each, and INFO's own.
    expect(await readsDuring(admin, () => burst(client, 'one:'))).toBeLessThanOrEqual(4)
    client.disconnect()
    admin.disconnect()
  })

  test('a connection that reconnected batches its writes too', async () => {
    const [client, admin] = await Promise.all([connectRedis({ url: redis.url }, 'test'), connectRedis({ url: redis.url }, 'admin')])
    const ready = new Promise((resolve) => client.once('ready', resolve))
    client.disconnect(true)
    await ready
    expect(await readsDuring(admin, () => burst(client, 'two:'))).toBeLessThanOrEqual(4)
    client.disconnect()
    admin.disconnect()
  })
})
