/**
 * The part of the QueueAdapter contract about bad input and runs that go wrong: refused publish
 * options, handler timeouts, outcomes of attempts that were cut off, dead-letter notices.
 * `testQueueAdapter` runs it; an adapter's test file need not call it itself.
 */
import { describe, expect, test } from 'bun:test'
import { MotiaError, NonRetriableError } from '../../errors.ts'
import { closedAfterEach } from '../../testing/fresh.ts'
import { waitFor } from '../../testing/wait.ts'
import { consumeOptions, deferred, type QueueContractOptions } from './contract-helpers.ts'
import type { DeadLetter } from './types.ts'

export function testQueueFailures({ name, create }: QueueContractOptions): void {
  describe(`QueueAdapter contract: ${name}: bad input and cut-off runs`, () => {
    let topicCount = 0
    const uniqueTopic = () => `contract.f.${Date.now().toString(36)}.${++topicCount}`
    const fresh = closedAfterEach(create)

    test('refuses a delayMs that is not a finite number ≥ 0, naming the field, the value and the fix', async () => {
      const queue = await fresh()
      const topic = uniqueTopic()
      for (const delayMs of ['5000', Number.NaN, -1, Number.POSITIVE_INFINITY, null, {}]) {
        const refused = await queue.publish(topic, ['a'], 1, { traceId: 't', delayMs: delayMs as number }).then(() => undefined, (error: unknown) => error)
        expect(refused).toBeInstanceOf(MotiaError)
        expect(refused).toMatchObject({ status: 400, code: 'INVALID_ENQUEUE' })
        expect((refused as Error).message).toContain(`enqueue to "${topic}": delayMs must be a finite number of milliseconds ≥ 0, got `)
      }
      const stringDelay = await queue.publish(topic, ['a'], 1, { traceId: 't', delayMs: '5000' as never }).catch((error: Error) => error.message)
      expect(stringDelay).toContain('got "5000" (a string): pass a number, e.g. delayMs: 5000')
      expect(await queue.depth(topic, 'a')).toBe(0)
    })

    test('refuses a messageGroupId that is not a string', async () => {
      const queue = await fresh()
      const topic = uniqueTopic()
      const refused = await queue.publish(topic, ['a'], 1, { traceId: 't', messageGroupId: 42 as never }).then(() => undefined, (error: unknown) => error)
      expect(refused).toMatchObject({ status: 400, code: 'INVALID_ENQUEUE' })
      expect((refused as Error).message).toContain(`messageGroupId must be a string, got 42: pass a string, e.g. messageGroupId: '42'`)
      expect(await queue.depth(topic, 'a')).toBe(0)
    })

    test('a refused publish fails alone: the ones published with it are delivered', async () => {
      const queue = await fresh()
      const topic = uniqueTopic()
      const seen = new Set<unknown>()
      await queue.consume(consumeOptions(topic, 'a'), async (message) => void seen.add(message.data))
      const outcomes = await Promise.allSettled(
        Array.from({ length: 50 }, (_, n) => queue.publish(topic, ['a'], n, { traceId: 't', delayMs: n === 25 ? Number.NaN : 0 })),
      )
      expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toHaveLength(1)
      expect(outcomes[25]?.status).toBe('rejected')
      await waitFor(() => seen.size === 49)
      expect(seen.has(25)).toBe(false)
    })

    test('cuts off a handler after timeoutMs: the slot is freed, the copy retried, then dead-lettered as timed out', async () => {
      const queue = await fresh()
      const topic = uniqueTopic()
      const hang = deferred()
      const seen: string[] = []
      await queue.consume(consumeOptions(topic, 'a', { concurrency: 1, timeoutMs: 40, maxRetries: 1 }), async (message) => {
        seen.push(`${message.data}#${message.attempt}`)
        if (message.data === 'hang') await hang.promise
      })
      await queue.publish(topic, ['a'], 'hang', { traceId: 't' })
      await queue.publish(topic, ['a'], 'next', { traceId: 't' })
      await waitFor(async () => (await queue.deadLetters()).length === 1 && seen.includes('next#1'))
      expect(seen.filter((entry) => entry.startsWith('hang'))).toEqual(['hang#1', 'hang#2'])
      expect((await queue.deadLetters())[0]).toMatchObject({ data: 'hang', attempts: 2, error: 'timed out after 40 ms' })
      hang.resolve()
    })

    test('tells the handler through onAbandon when its attempt is cut off', async () => {
      const queue = await fresh()
      const topic = uniqueTopic()
      const hang = deferred()
      const reasons: string[] = []
      await queue.consume(consumeOptions(topic, 'a', { timeoutMs: 30, maxRetries: 0 }), async (_message, attempt) => {
        attempt.onAbandon = (reason) => reasons.push(reason.message)
        await hang.promise
      })
      await queue.publish(topic, ['a'], 1, { traceId: 't' })
      await waitFor(() => reasons.length === 1)
      expect(reasons).toEqual(['timed out after 30 ms'])
      hang.resolve()
    })

    test('ignores the late failure of an attempt that was cut off: a message that succeeded is not dead-lettered', async () => {
      const queue = await fresh()
      const topic = uniqueTopic()
      const first = deferred()
      const runs: number[] = []
      let lateFailed = false
      await queue.consume(consumeOptions(topic, 'a', { timeoutMs: 40, maxRetries: 1 }), async (message) => {
        runs.push(message.attempt)
        if (message.attempt > 1) return
        await first.promise
        lateFailed = true
        throw new NonRetriableError('too late')
      })
      await queue.publish(topic, ['a'], 1, { traceId: 't' })
      await waitFor(async () => runs.length === 2 && (await queue.depth(topic, 'a')) === 0)
      first.resolve()
      await waitFor(() => lateFailed)
      await Bun.sleep(30)
      expect(await queue.deadLetters()).toEqual([])
      expect(await queue.depth(topic, 'a')).toBe(0)
      expect(runs).toEqual([1, 2])
    })

    test('ignores the late success of an attempt that was cut off: its retry still runs and decides', async () => {
      const queue = await fresh()
      const topic = uniqueTopic()
      const first = deferred()
      const second = deferred()
      const runs: number[] = []
      // Long enough that the second attempt is still running when the test looks, on a slow store too.
      await queue.consume(consumeOptions(topic, 'a', { timeoutMs: 400, maxRetries: 1 }), async (message) => {
        runs.push(message.attempt)
        if (message.attempt === 1) return first.promise
        await second.promise
        throw new NonRetriableError('retry refused')
      })
      await queue.publish(topic, ['a'], 1, { traceId: 't' })
      await waitFor(() => runs.length === 2)
      first.resolve()
      await Bun.sleep(20)
      expect(await queue.depth(topic, 'a')).toBe(1)
      second.resolve()
      await waitFor(async () => (await queue.deadLetters()).length === 1)
      expect((await queue.deadLetters())[0]).toMatchObject({ attempts: 2, error: 'retry refused' })
      expect(runs).toEqual([1, 2])
    })

    test('tells onDeadLetter once per dead-lettered copy, after it is stored', async () => {
      const queue = await fresh()
      const topic = uniqueTopic()
      const told: Array<{ letter: DeadLetter; stored: Promise<boolean> }> = []
      const onDeadLetter = (letter: DeadLetter) => {
        told.push({ letter, stored: queue.deadLetters().then((letters) => letters.some((stored) => stored.id === letter.id)) })
      }
      await queue.consume(consumeOptions(topic, 'a', { maxRetries: 1, onDeadLetter }), async () => {
        throw new Error('no luck')
      })
      await queue.publish(topic, ['a'], { n: 1 }, { traceId: 't-dl' })
      await waitFor(() => told.length === 1)
      await Bun.sleep(30)
      expect(told).toHaveLength(1)
      expect(told[0]?.letter).toMatchObject({ topic, step: 'a', data: { n: 1 }, traceId: 't-dl', attempts: 2, error: 'no luck' })
      expect(await told[0]?.stored).toBe(true)
    })

  })
}
