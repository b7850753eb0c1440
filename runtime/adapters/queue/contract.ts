/**
 * The behaviour every QueueAdapter must show. Each implementation's test file calls this once:
 *
 * @example
 * testQueueAdapter({ name: 'memory', create: () => createMemoryQueue() })
 */
import { describe, expect, test } from 'bun:test'
import { NonRetriableError } from '../../errors.ts'
import { closedAfterEach } from '../../testing/fresh.ts'
import { waitFor } from '../../testing/wait.ts'
import { testDeadLetterPages } from './contract-dead-letters.ts'
import { testQueueExactlyOnce } from './contract-exactly-once.ts'
import { testQueueFailures } from './contract-failures.ts'
import { consumeOptions, deferred, type QueueContractOptions } from './contract-helpers.ts'
import type { QueueAdapter, QueueMessage } from './types.ts'

export { consumeOptions }

export type { QueueContractOptions }

// Long on purpose: a contract suite is one flat list of cases every implementation must pass.
export function testQueueAdapter(options: QueueContractOptions): void {
  const { name, create } = options
  testQueueFailures(options)
  testQueueExactlyOnce(options)
  testDeadLetterPages(options)
  describe(`QueueAdapter contract: ${name}`, () => {
    let topicCount = 0
    /** A topic name no other test uses, so adapters backed by shared servers stay isolated. */
    const uniqueTopic = () => `contract.${Date.now().toString(36)}.${++topicCount}`
    const fresh = closedAfterEach(create)

    test('delivers a published copy with its topic, step, data, trace id and attempt', async () => {
      const queue = await fresh()
      const topic = uniqueTopic()
      const seen: QueueMessage[] = []
      await queue.consume(consumeOptions(topic, 'a'), async (message) => void seen.push(message))
      await queue.publish(topic, ['a'], { n: 1 }, { traceId: 'trace-1' })
      await waitFor(() => seen.length === 1)
      expect(seen[0]).toMatchObject({ topic, step: 'a', data: { n: 1 }, traceId: 'trace-1', attempt: 1 })
      expect(typeof seen[0]?.id).toBe('string')
    })

    test('fans out: each subscriber gets its own copy', async () => {
      const queue = await fresh()
      const topic = uniqueTopic()
      const got: Record<string, unknown[]> = { a: [], b: [] }
      await queue.consume(consumeOptions(topic, 'a'), async (message) => {
        ;(message.data as { n: number }).n = 99
        got.a?.push(message.data)
      })
      await queue.consume(consumeOptions(topic, 'b'), async (message) => void got.b?.push(message.data))
      await queue.publish(topic, ['a', 'b'], { n: 1 }, { traceId: 't' })
      await waitFor(() => got.a?.length === 1 && got.b?.length === 1)
      expect(got.b).toEqual([{ n: 1 }])
    })

    test('a step that does not subscribe gets nothing', async () => {
      const queue = await fresh()
      const topic = uniqueTopic()
      const got: string[] = []
      await queue.consume(consumeOptions(topic, 'other'), async (message) => void got.push(message.step))
      await queue.consume(consumeOptions(topic, 'a'), async (message) => void got.push(message.step))
      await queue.publish(topic, ['a'], 1, { traceId: 't' })
      await waitFor(() => got.length === 1)
      await Bun.sleep(30)
      expect(got).toEqual(['a'])
    })

    test('copies published while nobody consumes wait for a consumer', async () => {
      const queue = await fresh()
      const topic = uniqueTopic()
      await queue.publish(topic, ['a'], 'early', { traceId: 't' })
      expect(await queue.depth(topic, 'a')).toBe(1)
      const seen: unknown[] = []
      await queue.consume(consumeOptions(topic, 'a'), async (message) => void seen.push(message.data))
      await waitFor(() => seen.length === 1)
      expect(seen).toEqual(['early'])
    })

    test('stopping a consumer waits for running handlers and leaves the rest queued', async () => {
      const queue = await fresh()
      const topic = uniqueTopic()
      let finished = 0
      const release = deferred()
      const stop = await queue.consume(consumeOptions(topic, 'a', { concurrency: 1 }), async () => {
        await release.promise
        finished++
      })
      await queue.publish(topic, ['a'], 1, { traceId: 't' })
      await queue.publish(topic, ['a'], 2, { traceId: 't' })
      await waitFor(async () => (await queue.depth(topic, 'a')) === 2)
      const stopped = stop()
      setTimeout(release.resolve, 20)
      await stopped
      expect(finished).toBe(1)
      const later: unknown[] = []
      await queue.consume(consumeOptions(topic, 'a'), async (message) => void later.push(message.data))
      await waitFor(() => later.length === 1)
      expect(later).toEqual([2])
    })

    test('retries a failing handler until it succeeds, counting attempts', async () => {
      const queue = await fresh()
      const topic = uniqueTopic()
      const attempts: number[] = []
      await queue.consume(consumeOptions(topic, 'a', { maxRetries: 3 }), async (message) => {
        attempts.push(message.attempt)
        if (message.attempt < 3) throw new Error('not yet')
      })
      await queue.publish(topic, ['a'], 1, { traceId: 't' })
      await waitFor(() => attempts.length === 3)
      await waitFor(async () => (await queue.depth(topic, 'a')) === 0)
      expect(attempts).toEqual([1, 2, 3])
      expect(await queue.deadLetters()).toEqual([])
    })

    test('waits the backoff between attempts', async () => {
      const queue = await fresh()
      const topic = uniqueTopic()
      const times: number[] = []
      await queue.consume(consumeOptions(topic, 'a', { maxRetries: 2, backoff: { type: 'exponential', delayMs: 40 } }), async () => {
        times.push(performance.now())
        throw new Error('always')
      })
      await queue.publish(topic, ['a'], 1, { traceId: 't' })
      await waitFor(async () => (await queue.deadLetters()).length === 1)
      expect(times).toHaveLength(3)
      expect((times[1] as number) - (times[0] as number)).toBeGreaterThanOrEqual(35)
      expect((times[2] as number) - (times[1] as number)).toBeGreaterThanOrEqual(75)
    })

    test('dead-letters a copy after maxRetries with its error, attempts and trace id', async () => {
      const queue = await fresh()
      const topic = uniqueTopic()
      await queue.consume(consumeOptions(topic, 'a', { maxRetries: 2 }), async () => {
        throw new Error('payment service down')
      })
      await queue.publish(topic, ['a'], { order: 7 }, { traceId: 'trace-dlq' })
      await waitFor(async () => (await queue.deadLetters()).length === 1)
      const [letter] = await queue.deadLetters()
      expect(letter).toMatchObject({ topic, step: 'a', data: { order: 7 }, traceId: 'trace-dlq', attempts: 3, error: 'payment service down' })
      expect(await queue.depth(topic, 'a')).toBe(0)
    })

    test('a NonRetriableError goes straight to the dead-letter queue', async () => {
      const queue = await fresh()
      const topic = uniqueTopic()
      let calls = 0
      await queue.consume(consumeOptions(topic, 'a', { maxRetries: 5 }), async () => {
        calls++
        throw new NonRetriableError('user does not exist')
      })
      await queue.publish(topic, ['a'], 1, { traceId: 't' })
      await waitFor(async () => (await queue.deadLetters()).length === 1)
      expect(calls).toBe(1)
      expect((await queue.deadLetters())[0]).toMatchObject({ attempts: 1, error: 'user does not exist' })
    })

    test('runs at most `concurrency` handlers at once', async () => {
      const queue = await fresh()
      const topic = uniqueTopic()
      let running = 0
      let peak = 0
      let done = 0
      await queue.consume(consumeOptions(topic, 'a', { concurrency: 3 }), async () => {
        peak = Math.max(peak, ++running)
        await Bun.sleep(5)
        running--
        done++
      })
      for (let i = 0; i < 20; i++) await queue.publish(topic, ['a'], i, { traceId: 't' })
      await waitFor(() => done === 20)
      expect(peak).toBe(3)
    })

    test('fifo keeps publish order within a group, even across a retry', async () => {
      const queue = await fresh()
      const topic = uniqueTopic()
      const order: Record<string, number[]> = { x: [], y: [] }
      let failedOnce = false
      await queue.consume(consumeOptions(topic, 'a', { fifo: true, concurrency: 4, maxRetries: 2 }), async (message) => {
        const { group, n } = message.data as { group: string; n: number }
        if (group === 'x' && n === 1 && !failedOnce) {
          failedOnce = true
          throw new Error('transient')
        }
        await Bun.sleep(1)
        order[group]?.push(n)
      })
      for (let n = 0; n < 5; n++) {
        await queue.publish(topic, ['a'], { group: 'x', n }, { traceId: 't', messageGroupId: 'x' })
        await queue.publish(topic, ['a'], { group: 'y', n }, { traceId: 't', messageGroupId: 'y' })
      }
      await waitFor(() => order.x?.length === 5 && order.y?.length === 5)
      expect(order).toEqual({ x: [0, 1, 2, 3, 4], y: [0, 1, 2, 3, 4] })
    })

    test('fifo runs different groups in parallel', async () => {
      const queue = await fresh()
      const topic = uniqueTopic()
      const groups = ['g1', 'g2', 'g3']
      const started = new Set<unknown>()
      const allStarted = deferred()
      // Each copy holds its group until the three run at once: groups worked one at a time never get there.
      await queue.consume(consumeOptions(topic, 'a', { fifo: true, concurrency: 4 }), async (message) => {
        started.add(message.data)
        if (started.size === groups.length) allStarted.resolve()
        await allStarted.promise
      })
      for (const group of groups) await queue.publish(topic, ['a'], group, { traceId: 't', messageGroupId: group })
      try {
        await waitFor(() => started.size === groups.length, 20_000)
      } finally {
        allStarted.resolve()
      }
      await waitFor(async () => (await queue.depth(topic, 'a')) === 0)
      expect([...started].sort()).toEqual(groups)
    })

    test('delayMs holds a copy back', async () => {
      const queue = await fresh()
      const topic = uniqueTopic()
      const publishedAt = performance.now()
      let deliveredAt = 0
      await queue.consume(consumeOptions(topic, 'a'), async () => {
        deliveredAt = performance.now()
      })
      await queue.publish(topic, ['a'], 1, { traceId: 't', delayMs: 80 })
      expect(await queue.depth(topic, 'a')).toBe(1)
      await waitFor(() => deliveredAt > 0)
      expect(deliveredAt - publishedAt).toBeGreaterThanOrEqual(75)
    })

    test('a delay longer than a timer can hold (about 24.8 days) is still a delay', async () => {
      const queue = await fresh()
      const topic = uniqueTopic()
      const seen: unknown[] = []
      await queue.consume(consumeOptions(topic, 'a'), async (message) => void seen.push(message.data))
      await queue.publish(topic, ['a'], 'next month', { traceId: 't', delayMs: 30 * 24 * 3600 * 1000 })
      await Bun.sleep(50)
      expect(seen).toEqual([])
      expect(await queue.depth(topic, 'a')).toBe(1)
    })

    test('depth counts waiting and running copies per (topic, step)', async () => {
      const queue = await fresh()
      const topic = uniqueTopic()
      const release = deferred()
      await queue.consume(consumeOptions(topic, 'a', { concurrency: 1 }), () => release.promise)
      await queue.publish(topic, ['a', 'b'], 1, { traceId: 't' })
      await queue.publish(topic, ['a'], 2, { traceId: 't' })
      expect(await queue.depth(topic, 'a')).toBe(2)
      expect(await queue.depth(topic, 'b')).toBe(1)
      release.resolve()
      await waitFor(async () => (await queue.depth(topic, 'a')) === 0)
      expect(await queue.depth(topic, 'b')).toBe(1)
    })

    test('stats, when the adapter has it, tell waiting, running and delayed copies apart', async () => {
      const queue = await fresh()
      if (!queue.stats) return
      const topic = uniqueTopic()
      const release = deferred()
      await queue.consume(consumeOptions(topic, 'a', { concurrency: 1 }), () => release.promise)
      await queue.publish(topic, ['a'], 1, { traceId: 't' })
      await queue.publish(topic, ['a'], 2, { traceId: 't' })
      await queue.publish(topic, ['a'], 3, { traceId: 't', delayMs: 60_000 })
      await waitFor(async () => (await queue.stats!(topic, 'a')).inFlight === 1)
      expect(await queue.stats(topic, 'a')).toEqual({ waiting: 1, inFlight: 1, delayed: 1 })
      expect(await queue.stats(topic, 'b')).toEqual({ waiting: 0, inFlight: 0, delayed: 0 })
      release.resolve()
    })

    test('replay puts dead letters back with a fresh attempt count', async () => {
      const queue = await fresh()
      const topic = uniqueTopic()
      let broken = true
      const succeeded: number[] = []
      await queue.consume(consumeOptions(topic, 'a', { maxRetries: 0 }), async (message) => {
        if (broken) throw new Error('broken')
        succeeded.push(message.attempt)
      })
      await queue.publish(topic, ['a'], 1, { traceId: 't' })
      await queue.publish(topic, ['a'], 2, { traceId: 't' })
      await waitFor(async () => (await queue.deadLetters()).length === 2)
      broken = false
      const [first] = await queue.deadLetters()
      expect(await queue.replay([first?.id as string, 'no-such-id'])).toBe(1)
      await waitFor(() => succeeded.length === 1)
      expect(await queue.replay('all')).toBe(1)
      await waitFor(() => succeeded.length === 2)
      expect(succeeded).toEqual([1, 1])
      expect(await queue.deadLetters()).toEqual([])
    })

    test('deadLetters and purge filter by step', async () => {
      const queue = await fresh()
      const topic = uniqueTopic()
      const fail = async () => {
        throw new NonRetriableError('no')
      }
      await queue.consume(consumeOptions(topic, 'a'), fail)
      await queue.consume(consumeOptions(topic, 'b'), fail)
      await queue.publish(topic, ['a', 'b'], 1, { traceId: 't' })
      await waitFor(async () => (await queue.deadLetters()).length === 2)
      expect((await queue.deadLetters({ step: 'a' })).map((letter) => letter.step)).toEqual(['a'])
      expect(await queue.purge({ step: 'a' })).toBe(1)
      expect((await queue.deadLetters()).map((letter) => letter.step)).toEqual(['b'])
      expect(await queue.purge()).toBe(1)
      expect(await queue.deadLetters()).toEqual([])
    })

    test('delivers thousands of copies exactly once each when nothing fails', async () => {
      const queue = await fresh()
      const topic = uniqueTopic()
      const seen = new Map<number, number>()
      await queue.consume(consumeOptions(topic, 'a', { concurrency: 50 }), async (message) => {
        const n = message.data as number
        seen.set(n, (seen.get(n) ?? 0) + 1)
      })
      await Promise.all(Array.from({ length: 2000 }, (_, n) => queue.publish(topic, ['a'], n, { traceId: 't' })))
      await waitFor(() => seen.size === 2000, 60_000)
      await Bun.sleep(20)
      expect([...seen.values()].every((count) => count === 1)).toBe(true)
    })
  })
}
