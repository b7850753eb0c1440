/**
 * End to end: the real `motia` CLI on a temporary project, over a real port.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { freePort, makeProject, repoRoot, type TempProject } from '../helpers/project.ts'
import { runCli, startCli, type CliProcess } from '../helpers/cli.ts'

const hello = (version: string) => `
import { greet } from '../../lib/greet.ts'
export const config = { name: 'Hello' }
export const handler = async () => ({ status: 200, body: { message: greet(), version: '${version}' } })
`

describe('motia dev', () => {
  let project: TempProject
  let cli: CliProcess

  beforeAll(async () => {
    project = makeProject({
      'lib/greet.ts': `export const greet = () => 'hi'\n`,
      'steps/http/hello.get.step.ts': hello('v1'),
      'steps/http/jobs.post.step.ts': `
        export const config = { enqueues: ['jobs'] }
        export const handler = async (req, { enqueue, state }) => {
          await state.set('kept', 'k', { value: 1 })
          await enqueue({ topic: 'jobs', data: req.body, delayMs: req.body.delayMs })
          return { status: 202 }
        }
      `,
      'steps/queue/jobs/run.step.ts': `
        export const handler = async (job, { state }) => { await state.set('done', job.id, { by: 'v1' }) }
      `,
      'steps/http/done/[id].get.step.ts': `
        export const handler = async (req, { state }) => {
          const done = await state.get('done', req.params.id)
          return done ? { status: 200, body: done } : { status: 404, body: { error: 'not done yet' } }
        }
      `,
      'steps/http/kept.get.step.ts': `
        export const handler = async (req, { state }) => ({ status: 200, body: { kept: (await state.get('kept', 'k')) ?? null } })
      `,
    })
    cli = await startCli(['dev', '--port', String(freePort())], project.root)
  })

  afterAll(async () => {
    await cli.stop()
    project.cleanup()
  })

  test('prints the registered steps and the URL', () => {
    expect(cli.output()).toContain('GET    /hello')
    expect(cli.output()).toContain('queue  jobs')
    expect(cli.output()).toContain(`http://127.0.0.1:${cli.port}`)
  })

  test('serves a step over a real port', async () => {
    expect(await cli.json('/hello')).toEqual({ message: 'hi', version: 'v1' })
  })

  test('an edited step takes effect without a restart', async () => {
    project.write('steps/http/hello.get.step.ts', hello('v2'))
    await cli.until('/hello', (body) => (body as { version: string }).version === 'v2')
  })

  test('an edited module that a step imports takes effect', async () => {
    project.write('lib/greet.ts', `export const greet = () => 'hello again'\n`)
    await cli.until('/hello', (body) => (body as { message: string }).message === 'hello again')
  })

  test('an added step is served and a deleted one is gone', async () => {
    project.write('steps/http/added.get.step.ts', `export const handler = async () => ({ status: 200, body: 'added' })`)
    await cli.until('/added', (body) => body === 'added')
    project.remove('steps/http/added.get.step.ts')
    await cli.untilStatus('/added', 404)
  })

  test('a syntax error is reported with file and line while the other steps keep serving', async () => {
    const before = cli.output().length
    project.write('steps/http/hello.get.step.ts', 'export const config = {\n  name: "Hello",\n  broken: = 1\n}\n')
    await cli.waitForOutput(/steps\/http\/hello\.get\.step\.ts:3:\d+/, before)
    expect(await cli.json('/kept')).toEqual({ kept: null })
    project.write('steps/http/hello.get.step.ts', hello('v3'))
    await cli.until('/hello', (body) => (body as { version: string }).version === 'v3')
  })

  test('queued messages and state survive a reload; the new code handles them', async () => {
    expect((await cli.fetch('/jobs', { method: 'POST', body: JSON.stringify({ id: 'late', delayMs: 1200 }), headers: { 'content-type': 'application/json' } })).status).toBe(202)
    project.write('steps/queue/jobs/run.step.ts', `export const handler = async (job, { state }) => { await state.set('done', job.id, { by: 'v2' }) }`)
    await cli.until('/done/late', (body) => typeof body === 'object', 8000)
    expect(await cli.json('/done/late')).toEqual({ by: 'v2' })
    expect(await cli.json('/kept')).toEqual({ kept: { value: 1 } })
  })
})

describe('motia start', () => {
  test('serves without a watcher, and finishes an in-flight request on SIGTERM', async () => {
    const project = makeProject({
      'steps/http/slow.get.step.ts': `export const handler = async () => { await Bun.sleep(400); return { status: 200, body: 'v1' } }`,
    })
    const cli = await startCli(['start', '--port', String(freePort())], project.root)
    try {
      project.write('steps/http/slow.get.step.ts', `export const handler = async () => ({ status: 200, body: 'v2' })`)
      await Bun.sleep(300)
      const inFlight = cli.fetch('/slow')
      await Bun.sleep(100)
      cli.signal('SIGTERM')
      const res = await inFlight
      expect(res.status).toBe(200)
      expect(await res.text()).toBe('v1')
      expect(await cli.exited()).toBe(0)
    } finally {
      await cli.stop()
      project.cleanup()
    }
  })

  test('a port in use is one line naming the port and the fix', async () => {
    const project = makeProject({ 'steps/http/ping.get.step.ts': `export const handler = async () => ({ status: 200 })` })
    const busy = Bun.serve({ port: 0, hostname: '0.0.0.0', fetch: () => new Response() })
    try {
      const proc = Bun.spawn([process.execPath, `${repoRoot}/cli/index.ts`, 'start', '--port', String(busy.port)], { cwd: project.root, stdout: 'pipe', stderr: 'pipe' })
      expect(await proc.exited).toBe(1)
      expect(await new Response(proc.stderr).text()).toBe(`[motia] port ${busy.port} is in use: stop the process that holds it, or pass --port <n> (or set PORT)\n`)
    } finally {
      busy.stop(true)
      project.cleanup()
    }
  })

  test('refuses to start when a step is broken, with one clear line', async () => {
    const project = makeProject({ 'steps/queue/x.step.ts': 'export const config = {}' })
    try {
      const proc = Bun.spawn([process.execPath, `${repoRoot}/cli/index.ts`, 'start', '--port', String(freePort())], { cwd: project.root, stdout: 'pipe', stderr: 'pipe' })
      expect(await proc.exited).toBe(1)
      const stderr = await new Response(proc.stderr).text()
      expect(stderr).toContain('steps/queue/x.step.ts does not export a handler')
      expect(stderr).not.toContain('    at ')
    } finally {
      project.cleanup()
    }
  })

  test('a bad PORT or log level is refused with one line naming the variable, before anything starts', async () => {
    const project = makeProject({ 'steps/http/ping.get.step.ts': `export const handler = async () => ({ status: 200 })` })
    try {
      const refusals: Array<[Record<string, string>, string]> = [
        ...['abc', '70000', '-1', '80.5', '65536'].map((port): [Record<string, string>, string] => [
          { PORT: port },
          `[motia] PORT must be a whole number from 0 to 65535, got "${port}": fix or unset PORT, or pass --port <n>`,
        ]),
        [{ MOTIA_LOG_LEVEL: 'verbose' }, '[motia] MOTIA_LOG_LEVEL must be one of debug, info, warn, error; got "verbose"'],
        [{ LOG_LEVEL: 'loud' }, '[motia] LOG_LEVEL must be one of debug, info, warn, error; got "loud"'],
      ]
      for (const [env, line] of refusals) {
        for (const command of ['start', 'dev']) {
          const result = await runCli([command], project.root, env)
          expect({ env, command, code: result.code, stderr: result.stderr }).toEqual({ env, command, code: 1, stderr: `${line}\n` })
        }
      }
    } finally {
      project.cleanup()
    }
  }, 60_000)
})
