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

test('a ticket is opened, then triaged in the background', async () => {
  const opened = await app.request('POST', '/tickets', { title: 'Refund for invoice 42', customer: 'ada@example.com', priority: 'urgent' })
  expect(opened.status).toBe(202)
  const { id } = (await opened.json()) as { id: string }

  await app.waitFor(async () => ((await (await app.request('GET', `/tickets/${id}`)).json()) as { status: string }).status === 'triaged')
  expect(await (await app.request('GET', `/tickets/${id}`)).json()).toMatchObject({ id, status: 'triaged', team: 'billing' })
})
