import { describe, expect, test } from 'bun:test'
import { EVENT_BYTES, eventBytes } from '../../observability/clip.ts'
import { newTraceId } from '../../observability/ids.ts'
import { createMemoryTraceStore } from './memory.ts'
import type { TraceStore } from './types.ts'
import { testTraceStore } from './contract.ts'

testTraceStore({ name: 'memory', create: () => createMemoryTraceStore() })

test('a trace comes back with its spans in start order, their events, status and duration', () => {
  const store = createMemoryTraceStore()
  const id = newTraceId()
  store.begin(id, 'POST /orders', 'http', 1000)
  const http = store.startSpan(id, 'PlaceOrder', 'http', 1000)
  store.addEvent(http, { type: 'enqueue', topic: 'order-placed', subscribers: 1, at: 1002 })
  store.endSpan(http, 1003)
  const queue = store.startSpan(id, 'RecordOrder', 'queue', 1004)
  store.endSpan(queue, 1010, 'disk full')
  const running = store.startSpan(id, 'Audit', 'queue', 1011)

  const trace = store.get(id)!
  expect(trace).toMatchObject({ id, name: 'POST /orders', entry: 'http', startedAt: 1000 })
  expect(trace.spans.map((s) => [s.step, s.status, s.durationMs])).toEqual([
    ['PlaceOrder', 'ok', 3],
    ['RecordOrder', 'error', 6],
    ['Audit', 'running', undefined],
  ])
  expect(trace.spans[0]!.events).toEqual([{ type: 'enqueue', topic: 'order-placed', subscribers: 1, at: 1002 }])
  expect(trace.spans[1]!.error).toBe('disk full')
  expect(trace.spans.every((s) => s.traceId === id && /^[0-9a-f]{16}$/.test(s.id))).toBe(true)
  expect(new Set(trace.spans.map((s) => s.id)).size).toBe(3)
  expect(store.list()[0]).toMatchObject({ id, status: 'running', steps: ['PlaceOrder', 'RecordOrder', 'Audit'] })

  store.endSpan(running, 1020)
  expect(store.list()[0]).toMatchObject({ status: 'error', durationMs: 20 })
})

test('the newest traces are kept; the oldest are dropped along with their spans', () => {
  const store = createMemoryTraceStore({ capacity: 10 })
  const ids = Array.from({ length: 25 }, (_, i) => {
    const id = newTraceId()
    store.begin(id, `GET /${i}`, 'http', i)
    store.endSpan(store.startSpan(id, `Step${i}`, 'http', i), i + 1)
    return id
  })
  expect(store.get(ids[14]!)).toBeUndefined()
  expect(store.get(ids[15]!)!.spans.map((s) => s.step)).toEqual(['Step15'])
  const listed = store.list({ limit: 100 })
  expect(listed.map((t) => t.name)).toEqual(Array.from({ length: 10 }, (_, i) => `GET /${24 - i}`))
  expect(store.list({ limit: 3 }).map((t) => t.id)).toEqual(ids.slice(22).reverse())
  // A span for a dropped trace is not recorded, and its handle is inert.
  const late = store.startSpan(ids[0]!, 'Late', 'queue', 99)
  expect(late).toBe(0)
  store.addEvent(late, { type: 'log', level: 'info', msg: 'x', at: 99 })
  store.endSpan(late, 100)
})

test('a trace holds at most maxSpans spans, a span at most maxEvents events', () => {
  const store = createMemoryTraceStore({ maxSpans: 3, maxEvents: 2 })
  const id = newTraceId()
  store.begin(id, 'cron Sweep', 'cron', 0)
  const handles = Array.from({ length: 5 }, (_, i) => store.startSpan(id, `S${i}`, 'queue', i))
  expect(handles.filter((h) => h !== 0)).toHaveLength(3)
  for (let i = 0; i < 5; i++) store.addEvent(handles[0]!, { type: 'log', level: 'info', msg: `line ${i}`, at: i })
  const trace = store.get(id)!
  expect(trace.spans).toHaveLength(3)
  expect(trace.spans[0]!.events.map((e) => (e as { msg: string }).msg)).toEqual(['line 0', 'line 1'])
})

test('spans share one ring: when it wraps, the oldest spans go first and a reused slot belongs to its new span', () => {
  const store = createMemoryTraceStore({ capacity: 100, spanCapacity: 4 })
  const first = newTraceId()
  const second = newTraceId()
  store.begin(first, 'a', 'http', 0)
  store.begin(second, 'b', 'http', 0)
  const old = store.startSpan(first, 'Old', 'http', 0)
  for (let i = 0; i < 4; i++) store.endSpan(store.startSpan(second, `New${i}`, 'queue', i + 1), i + 2)
  // `old`'s slot now holds New3: ending `old` must not touch it.
  store.endSpan(old, 50, 'late failure')
  expect(store.get(first)!.spans).toEqual([])
  expect(store.get(second)!.spans.map((s) => [s.step, s.status])).toEqual([
    ['New0', 'ok'],
    ['New1', 'ok'],
    ['New2', 'ok'],
    ['New3', 'ok'],
  ])
})

test('ids from elsewhere are not traces of this store; close forgets everything', async () => {
  const store = createMemoryTraceStore()
  const foreign = '4bf92f3577b34da6a3ce929d0e0e4736'
  store.begin(foreign, 'x', 'http', 0)
  expect(store.get(foreign)).toBeUndefined()
  expect(store.startSpan(foreign, 'S', 'queue', 0)).toBe(0)
  expect(store.get('nope')).toBeUndefined()
  const id = newTraceId()
  store.begin(id, 'y', 'http', 0)
  await store.close()
  expect(store.get(id)).toBeUndefined()
  expect(store.list()).toEqual([])
})

describe('memory bounds', () => {
  /** The estimated bytes the store holds, recomputed from what it returns. */
  const heldBytes = (store: TraceStore) =>
    store
      .list({ limit: 100_000 })
      .flatMap((summary) => store.get(summary.id)!.spans)
      .reduce((sum, span) => sum + span.events.reduce((n, event) => n + eventBytes(event), 0) + (span.error ? EVENT_BYTES + 2 * span.error.length : 0), 0)

  test('a long log message is cut in the trace and says how much was cut', () => {
    const store = createMemoryTraceStore({ maxStringLength: 100 })
    const id = newTraceId()
    store.begin(id, 'POST /big', 'http', 0)
    const span = store.startSpan(id, 'Big', 'http', 0)
    store.addEvent(span, { type: 'log', level: 'info', msg: `input ${'x'.repeat(1_000_000)}`, at: 1 })
    store.addEvent(span, { type: 'state', op: 'set', group: 'g', key: 'k'.repeat(500), at: 2 })
    store.endSpan(span, 3, 'e'.repeat(10_000))
    const [recorded] = store.get(id)!.spans
    expect((recorded!.events[0] as { msg: string }).msg).toBe(`input ${'x'.repeat(94)}… [truncated 999906 chars]`)
    expect((recorded!.events[1] as { key: string }).key).toMatch(/^k{100}… \[truncated 400 chars\]$/)
    expect(recorded!.error).toMatch(/^e{100}… \[truncated 9900 chars\]$/)
  })

  test("a run's 1 MB input and its output are kept as bounded copies that count against maxBytes", () => {
    const maxBytes = 100_000
    const store = createMemoryTraceStore({ maxBytes, maxStringLength: 1000 })
    const input = { headers: { host: 'x' }, body: { text: 'i'.repeat(1_000_000), items: Array.from({ length: 100_000 }, (_, i) => i) } }
    let last = ''
    for (let i = 0; i < 200; i++) {
      last = newTraceId()
      store.begin(last, 'POST /big', 'http', i)
      const span = store.startSpan(last, 'Big', 'http', i)
      store.addEvent(span, { type: 'input', value: input, at: i })
      store.addEvent(span, { type: 'output', value: { status: 200, body: { ok: true } }, at: i })
      store.endSpan(span, i + 1)
      expect(heldBytes(store)).toBeLessThanOrEqual(maxBytes)
    }
    const [inEvent, outEvent] = store.get(last)!.spans[0]!.events as Array<{ type: string; value: any }>
    expect(inEvent!.type).toBe('input')
    expect(JSON.stringify(inEvent!.value).length).toBeLessThan(2000)
    expect(inEvent!.value.body.text).toMatch(/… \[truncated 99\d{4} chars\]$/)
    // A copy: the store does not hold (or follow changes to) the run's own object.
    input.headers.host = 'changed'
    expect((store.get(last)!.spans[0]!.events[0] as { value: any }).value.headers.host).toBe('x')
    expect(outEvent).toMatchObject({ type: 'output', value: { status: 200, body: { ok: true } } })
  })

  test('the events held never add up to more than maxBytes; the oldest spans lose theirs first', () => {
    const maxBytes = 200_000
    const store = createMemoryTraceStore({ maxBytes, maxStringLength: 1000 })
    const ids: string[] = []
    for (let i = 0; i < 300; i++) {
      const id = newTraceId()
      ids.push(id)
      store.begin(id, `GET /${i}`, 'http', i)
      const span = store.startSpan(id, 'Chatty', 'http', i)
      for (let line = 0; line < 5; line++) store.addEvent(span, { type: 'log', level: 'info', msg: `${i}:${line} ${'m'.repeat(2000)}`, at: i })
      store.endSpan(span, i + 1)
      expect(heldBytes(store)).toBeLessThanOrEqual(maxBytes)
    }
    const newest = store.get(ids[299]!)!.spans[0]!
    expect(newest.events).toHaveLength(5)
    expect(newest.eventsDropped).toBeUndefined()
    const oldest = store.get(ids[0]!)!.spans[0]!
    expect(oldest).toMatchObject({ status: 'ok', events: [], eventsDropped: 5 })
    // Every trace is still listed with its spans: only their events went.
    expect(store.list({ limit: 1000 })).toHaveLength(300)
  })

  test('one span keeps at most half the budget; what it could not keep is counted', () => {
    const store = createMemoryTraceStore({ maxBytes: 10_000, maxStringLength: 1000 })
    const id = newTraceId()
    store.begin(id, 'cron Loop', 'cron', 0)
    const span = store.startSpan(id, 'Loop', 'cron', 0)
    for (let i = 0; i < 100; i++) store.addEvent(span, { type: 'log', level: 'info', msg: 'l'.repeat(500), at: i })
    const recorded = store.get(id)!.spans[0]!
    expect(heldBytes(store)).toBeLessThanOrEqual(5_000)
    expect(recorded.events.length).toBeGreaterThan(0)
    expect(recorded.events.length + recorded.eventsDropped!).toBe(100)
  })

  test('a failed span whose events were dropped still reads as failed', () => {
    const store = createMemoryTraceStore({ maxBytes: 4_000, maxStringLength: 1000 })
    const first = newTraceId()
    store.begin(first, 'a', 'http', 0)
    store.endSpan(store.startSpan(first, 'Fails', 'http', 0), 1, 'boom')
    for (let i = 0; i < 5; i++) {
      const id = newTraceId()
      store.begin(id, 'b', 'http', 0)
      store.addEvent(store.startSpan(id, 'Logs', 'http', 0), { type: 'log', level: 'info', msg: 'z'.repeat(900), at: 0 })
    }
    expect(store.get(first)!.spans[0]).toMatchObject({ status: 'error', error: expect.stringContaining('maxBytes') })
  })

  test('300,000 short events stay within the budget too', () => {
    const maxBytes = 1024 * 1024
    const store = createMemoryTraceStore({ capacity: 1000, maxBytes })
    for (let i = 0; i < 3000; i++) {
      const id = newTraceId()
      store.begin(id, 'GET /x', 'http', i)
      const span = store.startSpan(id, 'S', 'http', i)
      for (let e = 0; e < 100; e++) store.addEvent(span, { type: 'state', op: 'get', group: 'g', key: `k${e}`, at: i })
      store.endSpan(span, i)
    }
    expect(heldBytes(store)).toBeLessThanOrEqual(maxBytes)
  })
})
