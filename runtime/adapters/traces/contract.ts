/**
 * The behaviour every TraceStore must show. Each implementation's test file calls this once:
 *
 * @example
 * testTraceStore({ name: 'memory', create: () => createMemoryTraceStore() })
 */
import { describe, expect, test } from 'bun:test'
import { newTraceId } from '../../observability/ids.ts'
import { closedAfterEach } from '../../testing/fresh.ts'
import type { TraceStore } from './types.ts'

export interface TraceStoreContractOptions {
  name: string
  /** A fresh, empty store. Called once per test; the suite closes it afterwards. */
  create: () => TraceStore | Promise<TraceStore>
}

export function testTraceStore({ name, create }: TraceStoreContractOptions): void {
  describe(`TraceStore contract: ${name}`, () => {
    const fresh = closedAfterEach(create)

    test('a trace comes back with its spans in start order, their events, status, error and duration', async () => {
      const store = await fresh()
      const id = newTraceId()
      store.begin(id, 'POST /orders', 'http', 1000)
      const http = store.startSpan(id, 'PlaceOrder', 'http', 1001)
      store.addEvent(http, { type: 'enqueue', topic: 'order-placed', subscribers: 1, at: 1002 })
      store.endSpan(http, 1003)
      const queue = store.startSpan(id, 'RecordOrder', 'queue', 1004, 1)
      store.endSpan(queue, 1010, 'disk full')
      store.startSpan(id, 'Audit', 'queue', 1011)
      const trace = store.get(id)!
      expect(trace).toMatchObject({ id, name: 'POST /orders', entry: 'http', startedAt: 1000 })
      expect(trace.spans.map((s) => [s.step, s.trigger, s.status, s.durationMs])).toEqual([
        ['PlaceOrder', 'http', 'ok', 2],
        ['RecordOrder', 'queue', 'error', 6],
        ['Audit', 'queue', 'running', undefined],
      ])
      expect(trace.spans[0]!.events).toEqual([{ type: 'enqueue', topic: 'order-placed', subscribers: 1, at: 1002 }])
      expect(trace.spans[1]!.error).toBe('disk full')
      expect(trace.spans.every((s) => s.traceId === id)).toBe(true)
      expect(new Set(trace.spans.map((s) => s.id)).size).toBe(3)
    })

    test('list gives the newest traces first, summarised, at most `limit`', async () => {
      const store = await fresh()
      const ids = [0, 1, 2].map((i) => {
        const id = newTraceId()
        store.begin(id, `GET /${i}`, 'http', 1000 + i)
        store.endSpan(store.startSpan(id, `Step${i}`, 'http', 1000 + i), 1005 + i, i === 2 ? 'boom' : undefined)
        return id
      })
      expect(store.list().map((t) => [t.id, t.name, t.status, t.steps] as unknown[])).toEqual([
        [ids[2], 'GET /2', 'error', ['Step2']],
        [ids[1], 'GET /1', 'ok', ['Step1']],
        [ids[0], 'GET /0', 'ok', ['Step0']],
      ])
      expect(store.list({ limit: 1 }).map((t) => t.id)).toEqual([ids[2]!])
      expect(store.list()[1]).toMatchObject({ startedAt: 1001, durationMs: 5, entry: 'http' })
    })

    test('a failed attempt that a retry recovered leaves the trace ok, with the attempt on each span', async () => {
      const store = await fresh()
      const id = newTraceId()
      store.begin(id, 'enqueue jobs', 'enqueue', 1000)
      store.endSpan(store.startSpan(id, 'Job', 'queue', 1001, 1), 1002, 'flaky')
      store.endSpan(store.startSpan(id, 'Job', 'queue', 1003, 2), 1004)
      expect(store.get(id)!.spans.map((s) => s.attempt)).toEqual([1, 2])
      expect(store.list()[0]).toMatchObject({ id, status: 'ok' })
    })

    test('the HTTP status a request was answered with comes back on the trace and its summary, even with no span', async () => {
      const store = await fresh()
      const refused = newTraceId()
      store.begin(refused, 'POST /orders', 'http', 1000)
      store.respond?.(refused, 400)
      const cron = newTraceId()
      store.begin(cron, 'cron Nightly', 'cron', 1001)
      store.endSpan(store.startSpan(cron, 'Nightly', 'cron', 1001), 1002)
      expect(store.respond).toBeFunction()
      expect(store.get(refused)).toMatchObject({ httpStatus: 400, spans: [] })
      expect(store.get(cron)!.httpStatus).toBeUndefined()
      expect(store.list().map((t) => [t.name, t.status, t.httpStatus])).toEqual([
        ['cron Nightly', 'ok', undefined],
        ['POST /orders', 'ok', 400],
      ])
    })

    test('an unknown trace is undefined, and writes to handle 0 (a span not recorded) are ignored', async () => {
      const store = await fresh()
      expect(store.get(newTraceId())).toBeUndefined()
      store.addEvent(0, { type: 'log', level: 'info', msg: 'x', at: 1 })
      store.endSpan(0, 2, 'ignored')
      expect(store.list()).toEqual([])
    })

    test('close resolves, and a second close too', async () => {
      const store = await create()
      await store.close()
      await store.close()
    })
  })
}
