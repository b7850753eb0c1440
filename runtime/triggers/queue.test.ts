import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createTestRuntime, type TestRuntime } from '../testing/index.ts'
import { makeProject, type TempProject } from '../../test/helpers/project.ts'

let project: TempProject
let app: TestRuntime

beforeAll(async () => {
  project = makeProject({
    'steps/http/signup.post.step.ts': `
      export const config = { enqueues: ['user-created'] }
      export const handler = async (req, { enqueue }) => {
        try {
          await enqueue({ topic: 'user-created', data: req.body })
          return { status: 202, body: { ok: true } }
        } catch (error) {
          return { status: 422, body: { error: error.message } }
        }
      }
    `,
    'steps/http/sneaky.post.step.ts': `
      export const handler = async (req, { enqueue }) => { await enqueue({ topic: 'user-created', data: {} }); return { status: 200 } }
    `,
    'steps/queue/user-created/welcome.step.ts': `
      import { z } from 'zod'
      export const config = { triggers: [{ type: 'queue', input: z.object({ email: z.string().email() }) }] }
      export const handler = async (data, { state, traceId }) => { await state.set('welcome', data.email, { traceId }) }
    `,
    'steps/queue/user-created/audit.step.ts': `
      import { z } from 'zod'
      export const config = { triggers: [{ type: 'queue', input: z.object({ email: z.string(), plan: z.enum(['free', 'pro']) }) }] }
      export const handler = async (data, { state }) => { await state.set('audit', data.email, data) }
    `,
    'steps/queue/flaky.step.ts': `
      export const config = { triggers: [{ type: 'queue', config: { maxRetries: 2, backoff: { type: 'fixed', delayMs: 5 } } }] }
      export const handler = async (data, { state }) => {
        const n = await state.update('flaky', data.id, [{ type: 'increment', path: 'attempts' }])
        if (n.attempts <= data.failures) throw new Error('attempt ' + n.attempts + ' failed')
      }
    `,
    'steps/queue/refuse.step.ts': `
      import { NonRetriableError } from 'motia'
      export const config = { triggers: [{ type: 'queue', config: { maxRetries: 5 } }] }
      export const handler = async (data, { state }) => {
        await state.update('refuse', 'calls', [{ type: 'increment' }])
        throw new NonRetriableError('bad input, will never work')
      }
    `,
  })
  app = await createTestRuntime({ root: project.root })
})

afterAll(async () => {
  await app.stop()
  project.cleanup()
})

describe('queue trigger', () => {
  test('every subscriber gets its own copy, in the same trace', async () => {
    const res = await app.request('POST', '/signup', { email: 'a@example.com', plan: 'pro' })
    expect(res.status).toBe(202)
    const traceId = res.headers.get('x-trace-id')
    const { state } = app.runtime
    await app.waitFor(async () => (await state.get('welcome', 'a@example.com')) !== undefined && (await state.get('audit', 'a@example.com')) !== undefined)
    expect(await state.get('welcome', 'a@example.com')).toEqual({ traceId })
    expect(await state.get('audit', 'a@example.com')).toEqual({ email: 'a@example.com', plan: 'pro' })
  })

  test('enqueue checks every subscriber schema and sends nothing when one rejects', async () => {
    const res = await app.request('POST', '/signup', { email: 'b@example.com' })
    expect(res.status).toBe(422)
    const { error } = (await res.json()) as { error: string }
    expect(error).toContain('rejected by the input schema of step "Audit"')
    expect(error).toContain('plan')
    await Bun.sleep(30)
    expect(await app.runtime.state.get('welcome', 'b@example.com')).toBeUndefined()
    expect(await app.runtime.queue.depth('user-created', 'Welcome')).toBe(0)
  })

  test('enqueue of a topic the step does not declare throws with the fix', async () => {
    const res = await app.request('POST', '/sneaky', {})
    expect(res.status).toBe(500)
    expect(app.logs.some((l) => l.msg.includes('enqueues "user-created" but does not list it in config.enqueues'))).toBe(true)
  })

  test('a failing handler is retried until it succeeds', async () => {
    await app.runtime.enqueue({ topic: 'flaky', data: { id: 'twice', failures: 2 } })
    await app.waitFor(async () => ((await app.runtime.state.get<{ attempts: number }>('flaky', 'twice'))?.attempts ?? 0) >= 3)
    await Bun.sleep(30)
    expect(await app.runtime.state.get('flaky', 'twice')).toEqual({ attempts: 3 })
    expect(await app.runtime.queue.deadLetters({ step: 'Flaky' })).toEqual([])
  })

  test('after maxRetries the message is dead-lettered with its error', async () => {
    await app.runtime.enqueue({ topic: 'flaky', data: { id: 'never', failures: 99 } })
    await app.waitFor(async () => (await app.runtime.queue.deadLetters({ step: 'Flaky' })).length === 1)
    const [letter] = await app.runtime.queue.deadLetters({ step: 'Flaky' })
    expect(letter).toMatchObject({ topic: 'flaky', step: 'Flaky', attempts: 3, error: 'attempt 3 failed', data: { id: 'never', failures: 99 } })
  })

  test('NonRetriableError skips the retries', async () => {
    await app.runtime.enqueue({ topic: 'refuse', data: {} })
    await app.waitFor(async () => (await app.runtime.queue.deadLetters({ step: 'Refuse' })).length === 1)
    expect(await app.runtime.state.get('refuse', 'calls')).toBe(1)
    expect((await app.runtime.queue.deadLetters({ step: 'Refuse' }))[0]!.error).toBe('bad input, will never work')
  })

  test('an external enqueue to an unknown topic names the known ones', async () => {
    await expect(app.runtime.enqueue({ topic: 'nope', data: {} })).rejects.toThrow('no step subscribes to topic "nope"')
  })
})
