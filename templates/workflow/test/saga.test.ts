// `npm test` runs this with `bun test`. createTestRuntime loads the steps with in-memory queue,
// state and workflow store and no port (docs: testing.md, workflows.md).
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { createTestRuntime, type TestRuntime } from 'motia/testing'

let app: TestRuntime

// A generous limit: starting the runtime on a busy machine can take seconds.
beforeAll(async () => {
  // Orders wait this long for their shipment here (2 days by default).
  process.env.SHIPMENT_TIMEOUT = '500ms'
  app = await createTestRuntime({ root: `${import.meta.dir}/..` })
}, 60_000)

afterAll(() => app.stop())

async function placeOrder(body: { item: string; quantity: number; card: string }): Promise<string> {
  const res = await app.request('POST', '/orders', body)
  expect(res.status).toBe(202)
  return ((await res.json()) as { runId: string }).runId
}

async function orderStatus(id: string, status: string): Promise<Record<string, unknown>> {
  let order: Record<string, unknown> = {}
  await app.waitFor(async () => {
    const res = await app.request('GET', `/orders/${id}`)
    order = res.status === 200 ? ((await res.json()) as Record<string, unknown>) : {}
    return order.status === status
  }, 10_000)
  return order
}

test('every step loads', () => {
  expect(app.logs.filter((entry) => entry.level === 'error')).toEqual([])
})

test('an order is reserved, charged, and shipped once the warehouse confirms it', async () => {
  const id = await placeOrder({ item: 'book', quantity: 2, card: '4242' })
  await orderStatus(id, 'awaiting-shipment')
  expect((await app.request('POST', '/shipments', { orderId: id, carrier: 'ups' })).status).toBe(202)
  expect(await orderStatus(id, 'shipped')).toMatchObject({ item: 'book', quantity: 2, carrier: 'ups' })
  expect(await (await app.request('GET', '/stock')).json()).toMatchObject({ book: 8 })
})

test('a declined card releases the reserved stock', async () => {
  const id = await placeOrder({ item: 'lamp', quantity: 3, card: 'declined' })
  expect(await orderStatus(id, 'cancelled')).toMatchObject({ reason: 'card declined' })
  expect(await (await app.request('GET', '/stock')).json()).toMatchObject({ lamp: 10 })
})

test('an order for more than the stock holds is refused before any charge', async () => {
  const id = await placeOrder({ item: 'desk', quantity: 11, card: '4242' })
  await app.waitFor(async () => (await app.runtime.workflows.store.get(id))?.status === 'failed', 10_000)
  expect((await app.runtime.workflows.store.get(id))?.error).toBe('only 10 desk left')
  expect(await (await app.request('GET', `/orders/${id}`)).json()).toMatchObject({ status: 'placed' })
  expect(await app.runtime.state.get('payments', id)).toBeUndefined()
})

test('an order whose shipment is not confirmed in time is refunded and released', async () => {
  const id = await placeOrder({ item: 'pen', quantity: 1, card: '4242' })
  expect(await orderStatus(id, 'cancelled')).toMatchObject({ reason: 'no shipment confirmed within 500ms' })
  expect(await app.runtime.state.get('payments', id)).toEqual({ amount: 10, refunded: true })
  expect(await (await app.request('GET', '/stock')).json()).toMatchObject({ pen: 10 })
})
