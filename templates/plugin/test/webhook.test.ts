import { afterEach, expect, test } from 'bun:test'
import { createTestRuntime, type TestRuntime } from 'motia/testing'
import { webhookOptionsSchema, type WebhookOptions } from '../src/index.ts'
import projectConfig from '../motia.config.ts'

// The package folder is a Motia project too: motia.config.ts registers this plugin and steps/
// holds an example step that uses its trigger type.
const root = `${import.meta.dir}/..`
// The token the example project's config was made with (WEBHOOK_TOKEN, or its placeholder).
const { token } = projectConfig.plugins![0]!.options as WebhookOptions
let app: TestRuntime | undefined

afterEach(async () => {
  await app?.stop()
  app = undefined
})

const post = (path: string, body: unknown, headers: Record<string, string> = { 'x-webhook-token': token }) => app!.request('POST', path, body, headers)

test('a webhook call with the token runs the step with the body', async () => {
  app = await createTestRuntime({ root })
  const res = await post('/webhooks/github', { ref: 'refs/heads/main' })
  expect(res.status).toBe(202)
  await app.waitFor(async () => (await app!.runtime.state.get('pushes', 'refs/heads/main')) !== undefined)
  expect(await app.runtime.state.get('pushes', 'refs/heads/main')).toMatchObject({ ref: 'refs/heads/main' })
})

test('a call without the right token is refused', async () => {
  app = await createTestRuntime({ root })
  expect((await post('/webhooks/github', { ref: 'x' }, { 'x-webhook-token': 'wrong' })).status).toBe(401)
  expect((await post('/webhooks/github', { ref: 'x' }, {})).status).toBe(401)
})

test('the options schema refuses a short token', () => {
  const result = webhookOptionsSchema.safeParse({ token: 'short' })
  expect(result.success).toBe(false)
  expect(result.error?.issues[0]?.message).toBe('use a token of 16 characters or more')
})

test("a body that does not match the trigger's input schema is refused with its issues", async () => {
  app = await createTestRuntime({ root })
  const res = await post('/webhooks/github', { branch: 'main' })
  expect(res.status).toBe(400)
  expect(await res.json()).toMatchObject({ error: 'the body does not match the input schema', issues: [expect.objectContaining({ path: ['ref'] })] })
})
