// `npm test` runs this with `bun test`. createTestRuntime loads the project's steps (the Python
// ones with the system python3) with in-memory queue and state and no port (docs: testing.md).
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { createTestRuntime, type TestRuntime } from 'motia/testing'

let app: TestRuntime

// A generous limit: starting the runtime on a busy machine can take seconds.
beforeAll(async () => {
  app = await createTestRuntime({ root: `${import.meta.dir}/..` })
}, 60_000)

afterAll(() => app.stop())

test('every step loads', () => {
  expect(app.logs.filter((entry) => entry.level === 'error' || entry.level === 'warn')).toEqual([])
  expect(app.runtime.steps().map((step) => step.language)).toEqual(['python', 'python', 'python', 'python', 'python'])
})

test('an order is accepted, then recorded by the Python queue step', async () => {
  const placed = await app.request('POST', '/orders', { item: 'book', quantity: 2 })
  expect(placed.status).toBe(202)
  const { id } = (await placed.json()) as { id: string }

  await app.waitFor(async () => (await app.request('GET', `/orders/${id}`)).status === 200, 20_000)
  expect(await (await app.request('GET', `/orders/${id}`)).json()).toMatchObject({ id, item: 'book', quantity: 2, status: 'recorded' })
})

test('a body that does not match the schema is refused before Python runs', async () => {
  const refused = await app.request('POST', '/orders', { item: 'book', quantity: 0 })
  expect(refused.status).toBe(400)
})
