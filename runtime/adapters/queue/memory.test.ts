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
