// `npm test` runs this with `bun test`. createTestRuntime loads the project's steps with in-memory
// adapters (streams included) and no port (docs: testing.md).
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

test('a todo is added to the stream, toggled, and the stream trigger counts both changes', async () => {
  const added = await app.request('POST', '/todos', { text: 'buy milk' })
  expect(added.status).toBe(201)
  const { id } = (await added.json()) as { id: string }
  expect((await app.request('PATCH', `/todos/${id}`, { done: true })).status).toBe(200)
  await app.waitFor(async () => ((await (await app.request('GET', '/stats')).json()) as { inbox?: { update?: number } }).inbox?.update === 1)
  expect(await (await app.request('GET', '/stats')).json()).toEqual({ inbox: { create: 1, update: 1 } })
})

test('only the lists in steps/lists.ts exist: a made-up list is refused, so nothing is stored for it', async () => {
  const refused = await app.request('POST', '/todos', { text: 'x', list: 'made-up' })
  expect(refused.status).toBe(400)
  expect((await app.request('DELETE', '/todos/any?list=made-up')).status).toBe(400)
  expect((await app.request('POST', '/todos', { text: 'call mum', list: 'home' })).status).toBe(201)
})
