/**
 * The contract of `deadLetterPage` and `deadLetterCounts` (see dead-letter-page.ts), and of
 * `purge({ ids })`, run by `testQueueAdapter` against every adapter.
 */
import { describe, expect, test } from 'bun:test'
import { NonRetriableError } from '../../errors.ts'
import { closedAfterEach } from '../../testing/fresh.ts'
import { waitFor } from '../../testing/wait.ts'
import { consumeOptions, type QueueContractOptions } from './contract-helpers.ts'
import type { DeadLetterSummary, QueueAdapter } from './types.ts'

export function testDeadLetterPages({ name, create }: QueueContractOptions): void {
  describe(`QueueAdapter contract, dead letters a page at a time: ${name}`, () => {
    let topicCount = 0
    const uniqueTopic = () => `dlq.${Date.now().toString(36)}.${++topicCount}`
    const fresh = closedAfterEach(create)

    /** `n` dead letters on `topic` for each of `steps`, their data from `data(i)`; then nobody consumes (a replayed copy waits). */
    async function deadLetters(queue: QueueAdapter, topic: string, steps: string[], n: number, data: (i: number) => unknown = (i) => ({ i })) {
      const fail = async () => {
        throw new NonRetriableError('refused')
      }
      const stops = await Promise.all(steps.map((step) => queue.consume(consumeOptions(topic, step), fail)))
      for (let i = 0; i < n; i++) await queue.publish(topic, steps, data(i), { traceId: `t${i}` })
      await waitFor(async () => (await queue.deadLetters({ topic })).length === n * steps.length)
      await Promise.all(stops.map((stop) => stop()))
    }

    /** Every page of a filter, following `next`. */
    async function allPages(queue: QueueAdapter, filter: { step?: string; topic?: string }, limit: number) {
      const seen: DeadLetterSummary[] = []
      let cursor: string | undefined
      let pages = 0
      do {
        const page = await queue.deadLetterPage!({ ...filter, limit, cursor, maxDataChars: 1000 })
        expect(page.letters.length).toBeLessThanOrEqual(limit)
        seen.push(...page.letters)
        cursor = page.next
        if (++pages > 100) throw new Error('pages never end')
      } while (cursor)
      return seen
    }

    test('pages go newest first through every letter once, whatever the limit; total counts the filter', async () => {
      const queue = await fresh()
      if (!queue.deadLetterPage) return
      const topic = uniqueTopic()
      await deadLetters(queue, topic, ['a', 'b'], 7)
      const all = (await queue.deadLetters({ topic })).map((letter) => letter.id)
      for (const limit of [1, 3, 14, 50]) {
        const seen = await allPages(queue, { topic }, limit)
        expect(seen.map((letter) => letter.id).sort()).toEqual([...all].sort())
        for (let i = 1; i < seen.length; i++) expect(seen[i - 1]!.failedAt).toBeGreaterThanOrEqual(seen[i]!.failedAt)
      }
      expect((await queue.deadLetterPage({ topic, limit: 2, maxDataChars: 1000 })).total).toBe(14)
      expect((await allPages(queue, { topic, step: 'a' }, 3)).map((letter) => letter.step)).toEqual(Array(7).fill('a'))
      expect((await allPages(queue, { step: 'b' }, 4)).every((letter) => letter.step === 'b' && letter.topic === topic)).toBe(true)
      expect((await queue.deadLetterPage({ topic, step: 'nobody', limit: 5, maxDataChars: 1000 })).letters).toEqual([])
    })

    test('a letter shows its data when short, else a preview of maxDataChars characters and its size', async () => {
      const queue = await fresh()
      if (!queue.deadLetterPage) return
      const topic = uniqueTopic()
      await deadLetters(queue, topic, ['a'], 2, (i) => (i === 0 ? { small: true } : { blob: 'é'.repeat(300_000) }))
      const { letters } = await queue.deadLetterPage({ topic, limit: 10, maxDataChars: 100 })
      const small = letters.find((letter) => letter.traceId === 't0')!
      const big = letters.find((letter) => letter.traceId === 't1')!
      expect(small).toMatchObject({ topic, step: 'a', data: { small: true }, size: 14, attempts: 1, error: 'refused' })
      expect(small.preview).toBeUndefined()
      expect(big.data).toBeUndefined()
      expect(big.preview).toBe(`{"blob":"${'é'.repeat(91)}`)
      // The size is the whole JSON's, in bytes.
      expect(big.size).toBe(Buffer.byteLength(JSON.stringify({ blob: 'é'.repeat(300_000) })))
    })

    test('counts per (topic, step) match the letters; purge({ ids }) and replay take letters out of pages and counts', async () => {
      const queue = await fresh()
      if (!queue.deadLetterPage || !queue.deadLetterCounts) return
      const topic = uniqueTopic()
      await deadLetters(queue, topic, ['a', 'b'], 3)
      const mine = async () => (await queue.deadLetterCounts!()).filter((c) => c.topic === topic)
      expect(await mine()).toEqual([{ topic, step: 'a', count: 3 }, { topic, step: 'b', count: 3 }])
      const { letters } = await queue.deadLetterPage({ topic, step: 'a', limit: 2, maxDataChars: 1000 })
      const [first, second] = letters.map((letter) => letter.id) as [string, string]
      // A step given with ids deletes only the ids of that step.
      const ofB = (await queue.deadLetterPage({ topic, step: 'b', limit: 1, maxDataChars: 1000 })).letters[0]!.id
      expect(await queue.purge({ ids: [first, ofB, 'no-such-id'], step: 'a' })).toBe(1)
      expect(await queue.replay([second])).toBe(1)
      expect(await mine()).toEqual([{ topic, step: 'a', count: 1 }, { topic, step: 'b', count: 3 }])
      const left = (await allPages(queue, { topic }, 10)).map((letter) => letter.id)
      expect(left).toHaveLength(4)
      expect(left).not.toContain(first)
      expect(left).not.toContain(second)
      expect(await queue.purge({ ids: [] })).toBe(0)
      expect(await queue.purge({ ids: left })).toBe(4)
      expect(await mine()).toEqual([])
    })

    test('a letter that fails while someone pages through does not shift the later pages', async () => {
      const queue = await fresh()
      if (!queue.deadLetterPage) return
      const topic = uniqueTopic()
      await deadLetters(queue, topic, ['a'], 6)
      const first = await queue.deadLetterPage({ topic, limit: 3, maxDataChars: 1000 })
      const stop = await queue.consume(consumeOptions(topic, 'a'), async () => {
        throw new NonRetriableError('refused')
      })
      await queue.publish(topic, ['a'], { late: true }, { traceId: 'late' })
      await waitFor(async () => (await queue.deadLetters({ topic })).length === 7)
      await stop()
      const second = await queue.deadLetterPage({ topic, limit: 3, cursor: first.next, maxDataChars: 1000 })
      const ids = [...first.letters, ...second.letters].map((letter) => letter.id)
      expect(new Set(ids).size).toBe(6)
      expect(second.letters.some((letter) => letter.traceId === 'late')).toBe(false)
    })

    test('a cursor or limit the API did not give is refused with a 400', async () => {
      const queue = await fresh()
      if (!queue.deadLetterPage) return
      await expect(queue.deadLetterPage({ limit: 5, cursor: 'nonsense', maxDataChars: 1000 })).rejects.toMatchObject({ status: 400, code: 'INVALID_CURSOR' })
      await expect(queue.deadLetterPage({ limit: 0, maxDataChars: 1000 })).rejects.toMatchObject({ status: 400 })
      await expect(queue.deadLetterPage({ limit: 501, maxDataChars: 1000 })).rejects.toMatchObject({ status: 400 })
    })
  })
}
