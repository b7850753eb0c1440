/**
 * The runtime's behaviour at its edges: hooks that throw, bad enqueues inside handlers, shutdown
 * with a stream that never ends, trace names, and files it cannot load.
 */
import { afterEach, expect, test } from 'bun:test'
import { createRuntime, type Runtime } from './runtime.ts'
import { createTestRuntime, type TestRuntime } from './testing/index.ts'
import { freePort, makeProject, type TempProject } from '../test/helpers/project.ts'
import type { LogEntry } from './observability/logger.ts'

let project: TempProject | undefined
let app: TestRuntime | undefined

afterEach(async () => {
  await app?.stop()
  app = undefined
  project?.cleanup()
})

test('an onStepRun hook that throws is logged and does not fail the run', async () => {
  project = makeProject({
    'motia.config.ts': `export default { plugins: [{ name: 'noisy', hooks: { onStepRun() { throw new Error('observer broke') } } }] }`,
    'steps/http/ping.get.step.ts': `export const handler = async () => ({ status: 200, body: 'pong' })`,
  })
  app = await createTestRuntime({ root: project.root })
  const res = await app.request('GET', '/ping')
  expect(res.status).toBe(200)
  expect(app.logs.find((entry) => entry.level === 'error')?.msg).toBe('[motia] onStepRun hook failed: observer broke')
})

test('data a handler enqueues that a subscriber rejects answers the documented 400 with the issues', async () => {
  project = makeProject({
    'steps/http/send.post.step.ts': `
      export const config = { enqueues: ['jobs'] }
      export const handler = async (req, { enqueue }) => { await enqueue({ topic: 'jobs', data: { n: 'not a number' } }); return { status: 202 } }
    `,
    'steps/queue/jobs/run.step.ts': `
      import { z } from 'zod'
      export const config = { triggers: [{ type: 'queue', input: z.object({ n: z.number() }) }] }
      export const handler = async () => {}
    `,
  })
  app = await createTestRuntime({ root: project.root })
  const res = await app.request('POST', '/send', {})
  expect(res.status).toBe(400)
  const body = (await res.json()) as { error: string; issues: Array<{ path: string[] }> }
  expect(body.error).toContain('enqueue to "jobs" rejected by the input schema of step "Run"')
  expect(body.issues.map((i) => i.path)).toEqual([['n']])
  expect(app.logs.filter((entry) => entry.level === 'error')).toEqual([])
})

test('runtime.run names a new trace after traceName', async () => {
  project = makeProject({ 'steps/http/ping.get.step.ts': `export const handler = async () => ({ status: 200 })` })
  app = await createTestRuntime({ root: project.root })
  const step = app.runtime.steps()[0]!
  await app.runtime.run(step, step.triggers[0]!, {}, { traceName: 'webhook github' })
  expect(app.runtime.traces.list({ limit: 1 })[0]?.name).toBe('webhook github')
})

test('shutdown is bounded even while an event stream stays open', async () => {
  project = makeProject({
    'motia.config.ts': `export default { shutdownTimeoutMs: 300 }`,
    'steps/http/events.get.step.ts': `
      export const handler = async () => ({ status: 200, body: (async function* () { yield { data: 'hi' }; await new Promise(() => {}) })() })
    `,
  })
  const runtime: Runtime = await createRuntime({ root: project.root, mode: 'test', logSink: () => {}, env: { PORT: String(freePort()) } })
  await runtime.load()
  const url = await runtime.listen()
  const res = await fetch(new URL('/events', url.replace('0.0.0.0', '127.0.0.1')))
  const reader = res.body!.getReader()
  expect(new TextDecoder().decode((await reader.read()).value)).toContain('data: hi')
  const started = performance.now()
  await runtime.stop()
  // shutdownTimeoutMs is 300 ms; the default (10 s) or a stream that holds the stop would be over.
  expect(performance.now() - started).toBeLessThan(8000)
})

test('a Python step file with neither triggers nor a folder that implies one is reported, not silently skipped', async () => {
  project = makeProject({
    'steps/http/ping.get.step.ts': `export const handler = async () => ({ status: 200 })`,
    'steps/send_mail_step.py': 'def handler(data, ctx): pass\n',
  })
  const logs: LogEntry[] = []
  app = await createTestRuntime({ root: project.root })
  logs.push(...app.logs)
  expect(logs.find((entry) => entry.level === 'error')?.msg).toStartWith('[motia] step "SendMail" (steps/send_mail_step.py) has no triggers')
})

test('cron nicknames like @hourly are accepted', async () => {
  project = makeProject({ 'steps/cron/tidy.step.ts': `export const config = { triggers: [{ type: 'cron', expression: '@hourly' }] }\nexport const handler = async () => {}` })
  app = await createTestRuntime({ root: project.root })
  expect(app.logs.filter((entry) => entry.level === 'error')).toEqual([])
  expect(app.runtime.steps().map((step) => step.name)).toEqual(['Tidy'])
})
