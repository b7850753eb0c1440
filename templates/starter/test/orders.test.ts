// `npm test` runs this with `bun test`. createTestRuntime loads the project's steps with in-memory
// queue and state and no port, so tests are fast and leave nothing behind (docs: testing.md).
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { createTestRuntime, type TestRuntime } from 'motia/testing'

let app: TestRuntime

// A generous limit: starting the runtime on a busy machine can take seconds.
beforeAll(async () => {
  app = await createTestRuntime({ root: `${import.meta.dir}/..` })
}, 60_000)

afterAll(() => app.stop())

test('every step loads', () => {
  expect(app.logs.filter((entry) => entry.level === 'error')).toEqual([])
})

test('an order is accepted, then recorded by the queue step', async () => {
  const placed = await app.request('POST', '/orders', { item: 'book', quantity: 2 })
  expect(placed.status).toBe(202)
  const { id } = (await placed.json()) as { id: string }

  await app.waitFor(async () => (await app.request('GET', `/orders/${id}`)).status === 200)
  expect(await (await app.request('GET', `/orders/${id}`)).json()).toMatchObject({ id, item: 'book', quantity: 2, status: 'recorded' })
})
