/**
 * A queue step's runs as a handler sees them: its attempt number, its timeout, the trace of a
 * message that recovered, the warning of one that did not, and enqueues refused for bad options.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createTestRuntime, type TestRuntime } from '../testing/index.ts'
import { makeProject, type TempProject } from '../../test/helpers/project.ts'
import { queueTrigger } from './queue.ts'

let project: TempProject
let app: TestRuntime

beforeAll(async () => {
  project = makeProject({
    'steps/http/send.post.step.ts': `
      export const config = { enqueues: ['recover', 'slow'] }
      export const handler = async (req, { enqueue, attempt }) => {
        await enqueue({ topic: req.body.topic, data: req.body.data ?? {}, delayMs: req.body.delayMs, messageGroupId: req.body.group })
        return { status: 202, body: { attempt } }
      }
    `,
    'steps/queue/recover.step.ts': `
      export const config = { triggers: [{ type: 'queue', config: { maxRetries: 3, backoff: { type: 'fixed', delayMs: 5 } } }] }
      export const attempts = []
      export const handler = async (data, { attempt, state }) => {
        await state.update('recover', data.id, [{ type: 'set', path: 'attempt' + attempt, value: true }])
        if (attempt <= data.failures) throw new Error('attempt ' + attempt + ' failed')
      }
    `,
    'steps/queue/slow.step.ts': `
      export const config = { triggers: [{ type: 'queue', config: { timeoutMs: 50, maxRetries: 1, concurrency: 1, backoff: { type: 'fixed', delayMs: 5 } } }] }
      export const handler = async (data, { state, attempt }) => {
        if (data.hang) await new Promise((resolve) => setTimeout(resolve, 1500))
        await state.set('slow', (data.id ?? 'x') + '#' + attempt, true)
      }
    `,
  })
  app = await createTestRuntime({ root: project.root })
})

afterAll(async () => {
  await app.stop()
  project.cleanup()
})

describe('queue runs', () => {
  test('ctx.attempt counts deliveries of a queue message, and is 1 for other triggers', async () => {
    const res = await app.request('POST', '/send', { topic: 'recover', data: { id: 'r1', failures: 2 } })
    expect(await res.json()).toEqual({ attempt: 1 })
    await app.waitFor(async () => (await app.runtime.state.get('recover', 'r1')) !== undefined && Object.keys((await app.runtime.state.get('recover', 'r1')) as object).length === 3)
    expect(await app.runtime.state.get('recover', 'r1')).toEqual({ attempt1: true, attempt2: true, attempt3: true })
  })

  test('a trace whose step recovered after retries ends as succeeded, its failed attempts shown', async () => {
    const res = await app.request('POST', '/send', { topic: 'recover', data: { id: 'r2', failures: 1 } })
    const traceId = res.headers.get('x-trace-id')!
    await app.waitFor(() => app.runtime.traces.get(traceId)?.spans.filter((span) => span.step === 'Recover' && span.status === 'ok').length === 1)
    const spans = app.runtime.traces.get(traceId)!.spans.filter((span) => span.step === 'Recover')
    expect(spans.map((span) => [span.attempt, span.status, span.error])).toEqual([
      [1, 'error', 'attempt 1 failed'],
      [2, 'ok', undefined],
    ])
    expect(app.runtime.traces.list().find((trace) => trace.id === traceId)?.status).toBe('ok')
  })

  test('a trace whose message was dead-lettered ends as failed, with one warning line naming step, topic, attempts and error', async () => {
    const res = await app.request('POST', '/send', { topic: 'recover', data: { id: 'r3', failures: 99 } })
    const traceId = res.headers.get('x-trace-id')!
    await app.waitFor(async () => (await app.runtime.queue.deadLetters({ step: 'Recover' })).length === 1)
    await app.waitFor(() => app.runtime.traces.list().find((trace) => trace.id === traceId)?.status === 'error')
    const warnings = app.logs.filter((entry) => entry.level === 'warn' && entry.msg.includes('dead-lettered'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatchObject({ step: 'Recover', topic: 'recover', attempts: 4, error: 'attempt 4 failed', traceId })
    expect(warnings[0]?.msg).toStartWith('[motia] step "Recover" dead-lettered a message on "recover" after 4 attempt(s): attempt 4 failed (replay it with motia dlq replay ')
  })

  test('each failed attempt logs when the next one runs and how many remain; the last says the message goes to the dead-letter queue', async () => {
    const res = await app.request('POST', '/send', { topic: 'recover', data: { id: 'r4', failures: 99 } })
    const traceId = res.headers.get('x-trace-id')!
    await app.waitFor(async () => (await app.runtime.queue.deadLetters({ step: 'Recover' })).some((letter) => letter.traceId === traceId))
    const failures = app.logs.filter((entry) => entry.traceId === traceId && entry.level === 'error')
    expect(failures.map((entry) => entry.msg.replace(/\(at \d\d:\d\d:\d\d\.\d{3} UTC\)/, '(at <time>)'))).toEqual([
      '[motia] step "Recover" failed on "recover" (attempt 1): attempt 1 failed; next attempt in 5 ms (at <time>), 3 attempts left',
      '[motia] step "Recover" failed on "recover" (attempt 2): attempt 2 failed; next attempt in 5 ms (at <time>), 2 attempts left',
      '[motia] step "Recover" failed on "recover" (attempt 3): attempt 3 failed; next attempt in 5 ms (at <time>), 1 attempt left',
      '[motia] step "Recover" failed on "recover" (attempt 4): attempt 4 failed; no attempts left (maxRetries 3): the message goes to the dead-letter queue',
    ])
    expect(failures.map((entry) => [entry.attemptsLeft, entry.retryInMs])).toEqual([[3, 5], [2, 5], [1, 5], [0, undefined]])
    // An absolute time near the line's own (5 ms later, give or take the time taken to log).
    expect(Math.abs(Date.parse(failures[0]!.nextAttemptAt as string) - failures[0]!.time)).toBeLessThan(60_000)
  })

  test('a handler that outlives config.timeoutMs is cut off, its span failed, the slot freed, then dead-lettered as timed out', async () => {
    const stuck = await app.request('POST', '/send', { topic: 'slow', data: { id: 'stuck', hang: true } })
    const stuckTrace = stuck.headers.get('x-trace-id')!
    const res = await app.request('POST', '/send', { topic: 'slow', data: { id: 'next' } })
    const nextTrace = res.headers.get('x-trace-id')!
    await app.waitFor(async () => (await app.runtime.state.get('slow', 'next#1')) === true)
    // concurrency 1: "next" ran while the first run of "stuck" still hung.
    expect(await app.runtime.state.get('slow', 'stuck#1')).toBeUndefined()
    await app.waitFor(async () => (await app.runtime.queue.deadLetters({ step: 'Slow' })).length === 1)
    expect((await app.runtime.queue.deadLetters({ step: 'Slow' }))[0]).toMatchObject({ attempts: 2, error: 'timed out after 50 ms' })
    expect(app.runtime.traces.get(stuckTrace)?.spans.filter((span) => span.step === 'Slow').map((span) => [span.attempt, span.status, span.error])).toEqual([
      [1, 'error', 'timed out after 50 ms'],
      [2, 'error', 'timed out after 50 ms'],
    ])
    expect(app.runtime.traces.get(nextTrace)?.spans.find((span) => span.step === 'Slow')?.status).toBe('ok')
    // The cut-off runs finish later; what they do is not an outcome.
    await app.waitFor(async () => (await app.runtime.state.get('slow', 'stuck#2')) === true, 5000)
    await Bun.sleep(20)
    expect((await app.runtime.queue.deadLetters({ step: 'Slow' })).length).toBe(1)
    expect(app.logs.filter((entry) => entry.msg.includes('failed on "slow"')).map((entry) => entry.msg)).toEqual([
      expect.stringMatching(/^\[motia\] step "Slow" failed on "slow" \(attempt 1\): timed out after 50 ms; next attempt in 5 ms \(at \d\d:\d\d:\d\d\.\d{3} UTC\), 1 attempt left$/),
      '[motia] step "Slow" failed on "slow" (attempt 2): timed out after 50 ms; no attempts left (maxRetries 1): the message goes to the dead-letter queue',
    ])
  })

  test('an enqueue with a bad delayMs or messageGroupId is a 400 naming the field, the value and the fix', async () => {
    const delay = await app.request('POST', '/send', { topic: 'recover', delayMs: '5000' })
    expect(delay.status).toBe(400)
    expect(((await delay.json()) as { error: string }).error).toBe(
      '[motia] enqueue to "recover": delayMs must be a finite number of milliseconds ≥ 0, got "5000" (a string): pass a number, e.g. delayMs: 5000, or leave it out',
    )
    const group = await app.request('POST', '/send', { topic: 'recover', group: { id: 1 } })
    expect(group.status).toBe(400)
    expect(((await group.json()) as { error: string }).error).toContain('messageGroupId must be a string, got {"id":1} (an object)')
  })

  test('runtime.enqueue refuses bad options and a message that is not an object', async () => {
    await expect(app.runtime.enqueue({ topic: 'recover', data: {}, delayMs: Number.NaN })).rejects.toMatchObject({ status: 400, message: expect.stringContaining('got NaN') })
    await expect(app.runtime.enqueue(null as never)).rejects.toMatchObject({ status: 400, message: expect.stringContaining('enqueue takes one message object, got null') })
  })
})

describe('queue config.timeoutMs', () => {
  const step = { name: 'Slow', relativePath: 'steps/queue/slow.step.ts' } as never
  const check = (config: Record<string, unknown>) => () => queueTrigger.validate!({ type: 'queue', topic: 'slow', config } as never, step)

  test('accepts a positive number of ms up to visibilityTimeoutMs', () => {
    expect(check({ timeoutMs: 5000 })).not.toThrow()
    expect(check({ timeoutMs: 5000, visibilityTimeoutMs: 5000 })).not.toThrow()
  })

  test('refuses a timeout that is not a positive number of ms', () => {
    for (const timeoutMs of [0, -1, '500', Number.NaN, 2 ** 31]) {
      expect(check({ timeoutMs })).toThrow('step "Slow" (steps/queue/slow.step.ts): queue config.timeoutMs must be a positive number of ms')
    }
  })

  test('refuses a timeout longer than the visibility timeout, with the fix', () => {
    expect(check({ timeoutMs: 60_000, visibilityTimeoutMs: 30_000 })).toThrow(
      'queue config.timeoutMs must be at most config.visibilityTimeoutMs (30000), or the message is delivered again while the first run still goes on: raise visibilityTimeoutMs or lower timeoutMs',
    )
  })
})
