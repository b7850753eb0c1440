import { describe, expect, test } from 'bun:test'
import { tempDatabases } from '../../../test/helpers/temp-db.ts'
import { waitFor } from '../../testing/wait.ts'
import { consumeOptions, testQueueAdapter } from './contract.ts'
import { createSqliteQueue } from './sqlite.ts'

const tempDb = tempDatabases('motia-queue-')

testQueueAdapter({
  name: 'sqlite',
  create: (settings) => createSqliteQueue({ path: tempDb(), ...settings }),
  // Two adapters on one file, as the server and a CLI command open it.
  createPair: async (settings) => {
    const path = tempDb()
    return [createSqliteQueue({ path, ...settings }), createSqliteQueue({ path, ...settings })]
  },
})



describe('sqlite queue durability', () => {
  test('copies published before a close are delivered after reopening', async () => {
    const path = tempDb()
    const first = createSqliteQueue({ path })
    await first.publish('orders', ['a'], { n: 1 }, { traceId: 't1', messageGroupId: 'g' })
    await first.close()
    const second = createSqliteQueue({ path })
    const seen: unknown[] = []
    await second.consume(consumeOptions('orders', 'a'), async (message) => void seen.push([message.data, message.traceId, message.messageGroupId]))
    await waitFor(() => seen.length === 1)
    expect(seen).toEqual([[{ n: 1 }, 't1', 'g']])
    await second.close()
  })

  test('a delayed copy fires after a restart, not before its time', async () => {
    const path = tempDb()
    const first = createSqliteQueue({ path })
    const publishedAt = Date.now()
    await first.publish('later', ['a'], 'x', { traceId: 't', delayMs: 300 })
    await first.close()
    const second = createSqliteQueue({ path })
    let deliveredAt = 0
    await second.consume(consumeOptions('later', 'a'), async () => void (deliveredAt = Date.now()))
    await waitFor(() => deliveredAt > 0)
    expect(deliveredAt - publishedAt).toBeGreaterThanOrEqual(295)
    await second.close()
  })

  test('a retry waiting for its backoff survives a restart', async () => {
    const path = tempDb()
    const first = createSqliteQueue({ path })
    await first.consume(consumeOptions('flaky', 'a', { backoff: { type: 'fixed', delayMs: 200 } }), async () => {
      throw new Error('down')
    })
    await first.publish('flaky', ['a'], 1, { traceId: 't' })
    await Bun.sleep(80)
    await first.close()
    const second = createSqliteQueue({ path })
    const attempts: number[] = []
    await second.consume(consumeOptions('flaky', 'a'), async (message) => void attempts.push(message.attempt))
    await waitFor(() => attempts.length === 1)
    expect(attempts).toEqual([2])
    await second.close()
  })

  test('a copy whose lease runs out is delivered again', async () => {
    const path = tempDb()
    const queue = createSqliteQueue({ path })
    const attempts: number[] = []
    const hang = Promise.withResolvers<void>()
    // A handler timeout past the lease: the lease runs out first, as when a process dies.
    await queue.consume(consumeOptions('slow', 'a', { visibilityTimeoutMs: 100, timeoutMs: 60_000, concurrency: 2 }), async (message) => {
      attempts.push(message.attempt)
      if (message.attempt === 1) await hang.promise
    })
    await queue.publish('slow', ['a'], 1, { traceId: 't' })
    await waitFor(() => attempts.length === 2)
    expect(attempts).toEqual([1, 2])
    hang.resolve()
    await queue.close()
  })

  test('reclaimLeases makes copies leased by a dead process visible at once', async () => {
    const path = tempDb()
    const dead = createSqliteQueue({ path })
    await dead.publish('jobs', ['a'], 1, { traceId: 't' })
    await dead.consume(consumeOptions('jobs', 'a'), () => new Promise(() => {}))
    await waitFor(async () => (await dead.depth('jobs', 'a')) === 1)
    await Bun.sleep(20)
    // Simulates kill -9: the lease stays in the file, nobody acks it.
    const next = createSqliteQueue({ path, reclaimLeases: true })
    const seen: number[] = []
    await next.consume(consumeOptions('jobs', 'a'), async (message) => void seen.push(message.attempt))
    await waitFor(() => seen.length === 1, 2000)
    expect(seen).toEqual([2])
    await next.close()
  })

  test('a copy that outlives maxRetries leases is dead-lettered, not run again', async () => {
    const path = tempDb()
    const queue = createSqliteQueue({ path })
    const seen: number[] = []
    const hang = Promise.withResolvers<void>()
    await queue.consume(consumeOptions('crashy', 'a', { visibilityTimeoutMs: 50, timeoutMs: 60_000, maxRetries: 1, concurrency: 5 }), async (message) => {
      seen.push(message.attempt)
      await hang.promise
    })
    await queue.publish('crashy', ['a'], 1, { traceId: 't-crash' })
    await waitFor(async () => (await queue.deadLetters()).length === 1)
    expect(seen).toEqual([1, 2])
    expect((await queue.deadLetters())[0]).toMatchObject({ attempts: 3, traceId: 't-crash', error: expect.stringContaining('lease expired 2 times') })
    hang.resolve()
    await queue.close()
  })

  test('dead letters persist across a restart with error, attempts and trace id', async () => {
    const path = tempDb()
    const first = createSqliteQueue({ path })
    await first.consume(consumeOptions('bad', 'a', { maxRetries: 0 }), async () => {
      throw new Error('boom')
    })
    await first.publish('bad', ['a'], { x: 1 }, { traceId: 'trace-9' })
    await waitFor(async () => (await first.deadLetters()).length === 1)
    await first.close()
    const second = createSqliteQueue({ path })
    expect(await second.deadLetters()).toEqual([expect.objectContaining({ step: 'a', topic: 'bad', data: { x: 1 }, attempts: 1, error: 'boom', traceId: 'trace-9' })])
    await second.close()
  })

  test('a second process sees copies another one publishes (polling)', async () => {
    const path = tempDb()
    const consumer = createSqliteQueue({ path, pollIntervalMs: 20 })
    const producer = createSqliteQueue({ path: `${path}` })
    const seen: unknown[] = []
    await consumer.consume(consumeOptions('shared', 'a'), async (message) => void seen.push(message.data))
    await producer.publish('shared', ['a'], 'hello', { traceId: 't' })
    await waitFor(() => seen.length === 1)
    expect(seen).toEqual(['hello'])
    await consumer.close()
    await producer.close()
  })

  test('acknowledged copies are deleted, so the file does not grow under steady load', async () => {
    const path = tempDb()
    const queue = createSqliteQueue({ path })
    let done = 0
    await queue.consume(consumeOptions('churn', 'a', { concurrency: 50 }), async () => void done++)
    const { Database } = await import('bun:sqlite')
    const pages = () => {
      const db = new Database(path)
      db.run('PRAGMA wal_checkpoint(TRUNCATE)')
      const n = (db.query('PRAGMA page_count').get() as { page_count: number }).page_count
      db.close()
      return n
    }
    const round = async () => {
      const target = done + 3000
      await Promise.all(Array.from({ length: 3000 }, (_, n) => queue.publish('churn', ['a'], { n, pad: 'x'.repeat(200) }, { traceId: 't' })))
      await waitFor(() => done === target, 10_000)
      await waitFor(async () => (await queue.depth('churn', 'a')) === 0)
    }
    await round()
    const afterFirst = pages()
    await round()
    await round()
    expect(pages()).toBeLessThanOrEqual(Math.ceil(afterFirst * 1.2))
    await queue.close()
  })
})
