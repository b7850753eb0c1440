// `npm test` runs this with `bun test`. createTestRuntime loads the project's steps with in-memory
// queue and state and no port, so tests are fast and leave nothing behind (docs: testing.md).
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { createTestRuntime } from 'motia/testing'

/** @type {import('motia/testing').TestRuntime} */
let app

beforeAll(async () => {
  app = await createTestRuntime({ root: `${import.meta.dir}/..` })
})

afterAll(() => app.stop())

test('every step loads', () => {
  expect(app.logs.filter((entry) => entry.level === 'error')).toEqual([])
})

test('an order is accepted, then recorded by the queue step', async () => {
  const placed = await app.request('POST', '/orders', { item: 'book', quantity: 2 })
  expect(placed.status).toBe(202)
  const { id } = /** @type {{ id: string }} */ (await placed.json())

  await app.waitFor(async () => (await app.request('GET', `/orders/${id}`)).status === 200)
  expect(await (await app.request('GET', `/orders/${id}`)).json()).toMatchObject({ id, item: 'book', quantity: 2, status: 'recorded' })
})
