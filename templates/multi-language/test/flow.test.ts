// `npm test` runs this with `bun test`: the TypeScript → Python → TypeScript flow, in memory,
// with the system python3 running the Python step (docs: testing.md, python.md).
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { createTestRuntime, type TestRuntime } from 'motia/testing'

let app: TestRuntime

// A generous limit: starting the runtime on a busy machine can take seconds.
beforeAll(async () => {
  app = await createTestRuntime({ root: `${import.meta.dir}/..` })
}, 60_000)

afterAll(() => app.stop())

test('every step loads, in both languages', () => {
  expect(app.logs.filter((entry) => entry.level === 'error' || entry.level === 'warn')).toEqual([])
  expect(app.runtime.steps().map((step) => `${step.name}:${step.language}`).sort()).toEqual(['GetOrder:typescript', 'NotifyOrder:typescript', 'PlaceOrder:typescript', 'ScoreOrder:python'])
})

test('an order goes TypeScript → Python → TypeScript, sharing state, under one trace', async () => {
  const placed = await app.request('POST', '/orders', { item: 'piano', amount: 5000 })
  expect(placed.status).toBe(202)
  const { id } = (await placed.json()) as { id: string }
  const traceId = placed.headers.get('x-trace-id')

  await app.waitFor(async () => ((await (await app.request('GET', `/orders/${id}`)).json()) as { status: string }).status === 'held for review', 20_000)
  const order = await (await app.request('GET', `/orders/${id}`)).json()
  expect(order).toMatchObject({ id, item: 'piano', amount: 5000, risk: 'high', status: 'held for review', traces: [traceId, traceId, traceId] })
  expect(app.runtime.traces.get(traceId!)!.spans.map((span) => span.step)).toEqual(['PlaceOrder', 'ScoreOrder', 'NotifyOrder'])
})
