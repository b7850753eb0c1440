import { describe, expect, test } from 'bun:test'
import type { LogEntry } from 'motia'
import { createLogBuffer, logFilterOf, logsJson } from './log-buffer.ts'

const line = (msg: string, extra: Partial<LogEntry> = {}): LogEntry => ({ time: 1, level: 'info', msg, ...extra })

describe('the log buffer', () => {
  test('holds at most maxBytes, the oldest lines going first, however long the lines', () => {
    const logs = createLogBuffer({ capacity: 10_000, maxBytes: 256 * 1024 })
    const huge = 'x'.repeat(1_000_000)
    for (let i = 0; i < 500; i++) logs.push(line(`line ${i} ${huge}`, { body: { blob: huge, n: i } }))
    expect(logs.bytes()).toBeLessThanOrEqual(256 * 1024)
    const kept = logs.list({}, 10_000)
    // Each line was clipped to a few KB, so a few dozen fit; the newest is last.
    expect(kept.length).toBeGreaterThan(10)
    expect(JSON.parse(kept.at(-1)!.json)).toMatchObject({ body: { n: 499 } })
    expect(Math.max(...kept.map((l) => l.json.length))).toBeLessThan(12_000)
    expect(JSON.parse(kept[0]!.json).msg).toMatch(/^line \d+ x+… \[truncated \d+ chars\]$/)
  })

  test('holds at most capacity lines', () => {
    const logs = createLogBuffer({ capacity: 3, maxBytes: 1 << 20 })
    for (const msg of ['a', 'b', 'c', 'd', 'e']) logs.push(line(msg))
    expect(logs.list({}, 10).map((l) => JSON.parse(l.json).msg)).toEqual(['c', 'd', 'e'])
  })

  test('filters by level, step, trace and text; the newest `limit`, oldest first', () => {
    const logs = createLogBuffer({ capacity: 100, maxBytes: 1 << 20 })
    logs.push(line('one', { step: 'A', traceId: 't1' }))
    logs.push(line('two', { step: 'B', traceId: 't1', level: 'warn' }))
    logs.push(line('three', { step: 'A', traceId: 't2', level: 'error', order: 'Lamp' }))
    const msgs = (query: string, limit = 10) => logs.list(logFilterOf(new URLSearchParams(query)) as never, limit).map((l) => JSON.parse(l.json).msg)
    expect(msgs('level=warn')).toEqual(['two', 'three'])
    expect(msgs('step=A')).toEqual(['one', 'three'])
    expect(msgs('traceId=t1')).toEqual(['one', 'two'])
    expect(msgs('q=lamp')).toEqual(['three'])
    expect(msgs('', 2)).toEqual(['two', 'three'])
    expect(logFilterOf(new URLSearchParams('level=loud'))).toBe('level must be one of debug, info, warn, error; got "loud"')
  })

  test('a line keeps its own time, level and message whatever its fields are called; odd values do not break it', () => {
    const logs = createLogBuffer({ capacity: 10, maxBytes: 1 << 20 })
    const circular: Record<string, unknown> = { name: 'loop' }
    circular.self = circular
    const kept = logs.push({ time: 5, level: 'warn', msg: 'odd', big: 10n, circular } as LogEntry)
    expect(JSON.parse(kept.json)).toMatchObject({ time: 5, level: 'warn', msg: 'odd', big: '10', circular: { name: 'loop' } })
    expect(JSON.parse(logsJson([kept, kept])).logs).toHaveLength(2)
  })

  test('an object with toJSON (a logged req) is kept as its JSON, credentials masked there', () => {
    const logs = createLogBuffer({ capacity: 10, maxBytes: 1 << 20 })
    const req = { secret: 'raw', toJSON: () => ({ headers: { authorization: '[masked]' } }) }
    expect(JSON.parse(logs.push(line('req', { req })).json).req).toEqual({ headers: { authorization: '[masked]' } })
  })
})
