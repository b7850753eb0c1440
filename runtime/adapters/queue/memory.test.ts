import { describe, expect, test } from 'bun:test'
import { testQueueAdapter } from './contract.ts'
import { Deque } from './deque.ts'
import { createMemoryQueue } from './memory.ts'
import { backoffDelay } from './types.ts'

testQueueAdapter({ name: 'memory', create: (settings) => createMemoryQueue(settings) })

describe('memory queue', () => {
  test('refuses to publish after close', async () => {
    const queue = createMemoryQueue()
    await queue.close()
    await expect(queue.publish('t', ['a'], 1, { traceId: 't' })).rejects.toThrow('closed')
  })
})

describe('memory queue copies', () => {
  /** Publishes `data` to one subscriber and resolves the data it receives. */
  async function delivered(data: unknown): Promise<unknown> {
    const queue = createMemoryQueue()
    const got = Promise.withResolvers<unknown>()
    await queue.consume({ topic: 't', step: 's', concurrency: 1, maxRetries: 0, backoff: { type: 'fixed', delayMs: 1 }, visibilityTimeoutMs: 5000, fifo: false }, async (message) => got.resolve(message.data))
    await queue.publish('t', ['s'], data, { traceId: 'x' })
    const value = await got.promise
    await queue.close()
    return value
  }

  test('a plain message is delivered as an equal copy, never the published object', async () => {
    const data = { item: 'book', quantity: 2, tags: ['a', 'b'], nested: { ok: true, none: null, gone: undefined } }
    const value = (await delivered(data)) as typeof data
    expect(value).toEqual(structuredClone(data))
    expect(value).not.toBe(data)
    expect(value.nested).not.toBe(data.nested)
    expect(value.tags).not.toBe(data.tags)
    data.nested.ok = false
    expect(value.nested.ok).toBe(true)
  })

  test('what is not plain data is copied as structuredClone copies it', async () => {
    const at = new Date('2026-12-07T00:00:00Z')
    const cyclic: Record<string, unknown> = { name: 'loop' }
    cyclic.self = cyclic
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 })
    const value = (await delivered({ at, map: new Map([['k', 1]]), cyclic, bare, holes: [1, , 3], big: 10n })) as Record<string, any>
    expect(value.at).toBeInstanceOf(Date)
    expect(value.at.getTime()).toBe(at.getTime())
    expect(value.map).toBeInstanceOf(Map)
    expect(value.map.get('k')).toBe(1)
    expect(value.cyclic.self).toBe(value.cyclic)
    expect(Object.getPrototypeOf(value.bare)).toBe(Object.prototype)
    expect(1 in value.holes).toBe(false)
    expect(value.big).toBe(10n)
  })

  test('an own __proto__ key stays a key and never becomes the prototype', async () => {
    const data = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>
    const value = (await delivered(data)) as Record<string, unknown>
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype)
    expect((value as { polluted?: unknown }).polluted).toBeUndefined()
    expect(value.a).toBe(1)
  })

  test('data holding a function is refused as structuredClone refuses it', async () => {
    const queue = createMemoryQueue()
    await expect(queue.publish('t', ['s'], { run: () => 1 }, { traceId: 'x' })).rejects.toThrow()
    await queue.close()
  })
})

describe('backoffDelay', () => {
  test('doubles per attempt for exponential backoff', () => {
    const backoff = { type: 'exponential', delayMs: 100 } as const
    expect([1, 2, 3, 4].map((attempt) => backoffDelay(backoff, attempt))).toEqual([100, 200, 400, 800])
  })

  test('stays put for fixed backoff', () => {
    expect(backoffDelay({ type: 'fixed', delayMs: 50 }, 5)).toBe(50)
  })
})

describe('Deque', () => {
  test('keeps order through growth and pushes at both ends', () => {
    const deque = new Deque<number>()
    for (let i = 0; i < 40; i++) deque.push(i)
    for (let i = 0; i < 30; i++) deque.shift()
    for (let i = 40; i < 70; i++) deque.push(i)
    deque.unshift(29)
    expect([...deque]).toEqual(Array.from({ length: 41 }, (_, i) => i + 29))
    expect(deque.length).toBe(41)
  })
})
