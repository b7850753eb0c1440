/**
 * The part of the QueueAdapter contract about doing a thing once when callers repeat it: a
 * publish with an `id` retried (after an ambiguous failure, from two places at once) stores one
 * copy per (topic, step); dead letters replayed by several callers at once (the CLI, the console,
 * another instance) are requeued once each. `testQueueAdapter` runs it.
 */
import { describe, expect, test } from 'bun:test'
import { closedAfterEach } from '../../testing/fresh.ts'
import { waitFor } from '../../testing/wait.ts'
import { consumeOptions, type QueueContractOptions, type QueueSettings } from './contract-helpers.ts'
import type { QueueAdapter } from './types.ts'

export function testQueueExactlyOnce({ name, create, createPair }: QueueContractOptions): void {
  describe(`QueueAdapter contract: ${name}: idempotent publish and exactly-once replay`, () => {
    let topicCount = 0
    const uniqueTopic = () => `contract.x.${Date.now().toString(36)}.${++topicCount}`
    const fresh = closedAfterEach(create)
    const freshPair = closedAfterEach(async (settings?: QueueSettings) => {
      const both = await createPair!(settings)
      return { both, close: async () => void (await Promise.all(both.map((queue) => queue.close()))) }
    })
    /** Two adapters on one store, or one adapter twice where the store lives in the process. */
    const pair = async (settings?: QueueSettings): Promise<[QueueAdapter, QueueAdapter]> => {
      if (createPair) return (await freshPair(settings)).both
      const queue = await fresh(settings)
      return [queue, queue]
    }

    /** Counts deliveries per data value on `queue` for (topic, step). */
    const counting = async (queue: QueueAdapter, topic: string, step: string, fail: () => boolean = () => false) => {
      const seen = new Map<unknown, number>()
      await queue.consume(consumeOptions(topic, step, { maxRetries: 0 }), async (message) => {
        if (fail()) throw new Error('broken')
        seen.set(message.data, (seen.get(message.data) ?? 0) + 1)
      })
      return seen
    }

    /** `total` messages (data 0 … total-1) dead-lettered on `queue`, whose handler then works; and what it sees. */
    const deadLettered = async (queue: QueueAdapter, total: number) => {
      const topic = uniqueTopic()
      let broken = true
      const seen = await counting(queue, topic, 'x', () => broken)
      for (let n = 0; n < total; n++) await queue.publish(topic, ['x'], n, { traceId: 't' })
      await waitFor(async () => (await queue.deadLetters()).length === total)
      broken = false
      return { topic, seen }
    }

    test('a publish retried with the same id stores one copy per subscriber, from one adapter or two at once', async () => {
      const [a, b] = await pair()
      const topic = uniqueTopic()
      await Promise.all([
        ...Array.from({ length: 5 }, () => a.publish(topic, ['x', 'y'], 'once', { traceId: 't', id: 'order-42' })),
        ...Array.from({ length: 5 }, () => b.publish(topic, ['x', 'y'], 'once', { traceId: 't', id: 'order-42' })),
      ])
      await a.publish(topic, ['x', 'y'], 'once', { traceId: 't', id: 'order-42' })
      expect(await a.depth(topic, 'x')).toBe(1)
      expect(await b.depth(topic, 'y')).toBe(1)
    })

    test('a retry after the copy was delivered and acknowledged stores nothing (the ambiguous-failure case)', async () => {
      const queue = await fresh()
      const topic = uniqueTopic()
      const seen = await counting(queue, topic, 'x')
      await queue.publish(topic, ['x'], 'paid', { traceId: 't', id: 'charge-1' })
      await waitFor(async () => seen.get('paid') === 1 && (await queue.depth(topic, 'x')) === 0)
      await queue.publish(topic, ['x'], 'paid', { traceId: 't', id: 'charge-1' })
      expect(await queue.depth(topic, 'x')).toBe(0)
      await queue.publish(topic, ['x'], 'other', { traceId: 't', id: 'charge-2' })
      await waitFor(() => seen.get('other') === 1)
      expect(seen.get('paid')).toBe(1)
    })

    test('a retry stores the copies the first try did not: the id is kept per (topic, step)', async () => {
      const queue = await fresh()
      const topic = uniqueTopic()
      await queue.publish(topic, ['x'], 1, { traceId: 't', id: 'k' })
      await queue.publish(topic, ['x', 'y'], 1, { traceId: 't', id: 'k' })
      await queue.publish(`${topic}.other`, ['x'], 1, { traceId: 't', id: 'k' })
      expect([await queue.depth(topic, 'x'), await queue.depth(topic, 'y'), await queue.depth(`${topic}.other`, 'x')]).toEqual([1, 1, 1])
    })

    test('ids, topics and steps with separators never stand for one another', async () => {
      const queue = await fresh()
      const topic = uniqueTopic()
      // Each (topic, step, id) below would share a key with another if they were joined with ':' or '|'.
      const triples: Array<[string, string, string]> = [
        [topic, 'a:b', 'c'],
        [topic, 'a', 'b:c'],
        [`${topic}:a`, 'b', 'c'],
        [topic, 'a|b', 'c'],
        [topic, 'a', 'b|c'],
        [topic, 'a/b', 'c'],
        [topic, 'a', 'é/ü:☃'],
        [topic, 'a', 'é/ü:☃ '],
      ]
      for (const [t, step, id] of triples) await queue.publish(t, [step], id, { traceId: 't', id })
      for (const [t, step, id] of triples) await queue.publish(t, [step], id, { traceId: 't', id })
      const depths = await Promise.all(triples.map(([t, step]) => queue.depth(t, step)))
      // (topic, 'a') holds four distinct ids; every other queue one.
      expect(depths).toEqual([1, 4, 1, 1, 4, 1, 4, 4])
    })

    test('grouped, delayed and plain publishes of one id share its window: one copy in all', async () => {
      const queue = await fresh()
      const topic = uniqueTopic()
      await queue.publish(topic, ['x'], 1, { traceId: 't', id: 'mixed', messageGroupId: 'g' })
      await queue.publish(topic, ['x'], 1, { traceId: 't', id: 'mixed' })
      await queue.publish(topic, ['x'], 1, { traceId: 't', id: 'mixed', delayMs: 60_000 })
      await queue.publish(topic, ['x'], 1, { traceId: 't', id: 'mixed', messageGroupId: 'g' })
      expect(await queue.depth(topic, 'x')).toBe(1)
    })

    test('an id is remembered for the dedup window only', async () => {
      // A window wide enough that two publishes in a row fall into it on a loaded machine.
      const queue = await fresh({ dedupWindowMs: 1000 })
      const topic = uniqueTopic()
      await queue.publish(topic, ['x'], 1, { traceId: 't', id: 'short' })
      await queue.publish(topic, ['x'], 1, { traceId: 't', id: 'short' })
      expect(await queue.depth(topic, 'x')).toBe(1)
      // Past the window (by any clock): the id is new again.
      await Bun.sleep(1200)
      await queue.publish(topic, ['x'], 1, { traceId: 't', id: 'short' })
      expect(await queue.depth(topic, 'x')).toBe(2)
    })

    test('dead letters replayed by several callers at once (by id and "all") are requeued once each', async () => {
      const [a, b] = await pair()
      const total = 20
      const { topic, seen } = await deadLettered(a, total)
      const ids = (await b.deadLetters()).map((letter) => letter.id)
      const counts = await Promise.all([a.replay(ids), b.replay(ids), a.replay('all'), b.replay('all'), b.replay([...ids].reverse())])
      expect(counts.reduce((sum, n) => sum + n, 0)).toBe(total)
      // Every replay resolved, so every copy it made is stored: an empty queue means all ran.
      await waitFor(async () => (await a.depth(topic, 'x')) === 0 && seen.size === total)
      expect([...seen.values()].every((count) => count === 1)).toBe(true)
      expect(await a.deadLetters()).toEqual([])
      expect(await b.replay('all')).toBe(0)
    })

    test('an id listed twice in one replay is requeued once', async () => {
      const queue = await fresh()
      const { topic, seen } = await deadLettered(queue, 1)
      const [letter] = await queue.deadLetters()
      expect(await queue.replay([letter!.id, letter!.id])).toBe(1)
      await waitFor(async () => (await queue.depth(topic, 'x')) === 0 && seen.size === 1)
      expect(seen.get(0)).toBe(1)
    })

    test('a replay racing a purge: each letter is replayed or purged, never both', async () => {
      const [a, b] = await pair()
      const total = 20
      const { topic, seen } = await deadLettered(a, total)
      const [replayed, purged] = await Promise.all([a.replay('all'), b.purge()])
      expect(replayed + purged).toBe(total)
      await waitFor(async () => (await a.depth(topic, 'x')) === 0 && seen.size === replayed)
      expect([...seen.values()].every((count) => count === 1)).toBe(true)
      expect(await b.deadLetters()).toEqual([])
    })
  })
}
