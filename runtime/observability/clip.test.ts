import { describe, expect, test } from 'bun:test'
import { boundedCopy, clipEvent, clipText } from './clip.ts'
import type { SpanEvent } from '../adapters/traces/types.ts'

describe('clipText', () => {
  test('keeps a short string as it is', () => {
    const text = 'order accepted'
    expect(clipText(text, 100)).toBe(text)
  })

  test('cuts a long string and says how much was cut', () => {
    expect(clipText('abcdefghij', 4)).toBe('abcd… [truncated 6 chars]')
  })

  test('never splits a surrogate pair', () => {
    expect(clipText('ab😀cd', 3)).toBe('ab… [truncated 4 chars]')
  })

  test('the cut string does not keep the original alive', () => {
    const rss = () => {
      Bun.gc(true)
      return process.memoryUsage().rss
    }
    const before = rss()
    const kept: string[] = []
    // 200 distinct 1 MB strings: kept whole (a slice in Bun holds its parent) they would take 200 MB.
    for (let i = 0; i < 200; i++) kept.push(clipText(`${i} ${'x'.repeat(1_000_000)}`, 100))
    expect(kept[199]!.startsWith('199 xx')).toBe(true)
    expect(rss() - before).toBeLessThan(100 * 1024 * 1024)
  })
})

describe('clipEvent', () => {
  test('returns a short event itself, so recording it allocates nothing', () => {
    const events: SpanEvent[] = [
      { type: 'log', level: 'info', msg: 'hi', at: 1 },
      { type: 'state', op: 'set', group: 'g', key: 'k', at: 1 },
      { type: 'enqueue', topic: 't', subscribers: 1, at: 1 },
    ]
    for (const event of events) expect(clipEvent(event, 10)).toBe(event)
  })

  test('cuts every long string of an event', () => {
    const long = 'y'.repeat(50)
    expect(clipEvent({ type: 'log', level: 'info', msg: long, at: 1 }, 10)).toMatchObject({ msg: 'yyyyyyyyyy… [truncated 40 chars]' })
    expect(clipEvent({ type: 'state', op: 'get', group: long, key: long, at: 1 }, 10)).toMatchObject({ group: expect.stringMatching(/truncated 40/), key: expect.stringMatching(/truncated 40/) })
    expect(clipEvent({ type: 'enqueue', topic: long, subscribers: 0, at: 1 }, 10)).toMatchObject({ topic: expect.stringMatching(/truncated 40/) })
  })

  test('a log event that is not a string becomes one', () => {
    expect(clipEvent({ type: 'log', level: 'info', msg: { a: 1 } as never, at: 1 }, 100)).toMatchObject({ msg: '[object Object]' })
  })
})

describe('boundedCopy', () => {
  test('copies small data unchanged', () => {
    const fields = { id: 'u1', n: 2, ok: true, none: null, tags: ['a', 'b'], at: new Date(0) }
    expect(boundedCopy(fields, 1000)).toEqual({ ...fields, at: '1970-01-01T00:00:00.000Z' })
  })

  test('stays within its budget however big the input', () => {
    const input = { body: 'z'.repeat(1_000_000), items: Array.from({ length: 100_000 }, (_, i) => ({ i })), more: { deep: 'w'.repeat(10_000) } }
    const copy = boundedCopy(input, 4096)
    expect(JSON.stringify(copy).length).toBeLessThan(8192)
    expect((copy as { body: string }).body).toMatch(/… \[truncated 99\d{4} chars\]$/)
  })

  test('an own __proto__ key stays plain data', () => {
    const copy = boundedCopy(JSON.parse('{"__proto__":{"polluted":true}}'), 100) as Record<string, unknown>
    expect(Object.hasOwn(copy, '__proto__')).toBe(true)
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  test('stops at a depth and names what it left out', () => {
    let nested: Record<string, unknown> = { end: true }
    for (let i = 0; i < 20; i++) nested = { nested }
    expect(JSON.stringify(boundedCopy(nested, 10_000))).toContain('[nested too deep]')
    expect(boundedCopy({ a: 'x'.repeat(20), b: 1, c: 2 }, 10)).toEqual({ a: 'xxxx… [truncated 16 chars]', '…': '2 more fields' })
  })
})
