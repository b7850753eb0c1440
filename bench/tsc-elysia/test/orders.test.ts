import { expect, test } from 'bun:test'
import { app } from '../src/app.ts'

const request = (method: string, path: string, body?: unknown) =>
  app.handle(new Request(`http://localhost${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) }))

test('an order is accepted, then recorded by the consumer', async () => {
  const placed = await request('POST', '/orders', { item: 'book', quantity: 2 })
  expect(placed.status).toBe(202)
  const { id } = (await placed.json()) as { id: string }
  while ((await request('GET', `/orders/${id}`)).status !== 200) await Bun.sleep(1)
  expect(await (await request('GET', `/orders/${id}`)).json()).toMatchObject({ id, item: 'book', quantity: 2, status: 'recorded' })
})
