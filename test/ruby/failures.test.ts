/**
 * When Ruby steps fail, through the real `motia dev`: an exception is retried then dead-lettered
 * with the Ruby backtrace in the log and the trace, `NonRetriableError` skips retries, a hung
 * handler is cut off by its timeout (Ruby kills the run's thread, the worker keeps serving), a
 * worker that stops answering is killed and replaced, a worker killed with SIGKILL fails its
 * in-flight runs into the queue's retries and is restarted with nothing lost, and a missing or
 * too old `ruby` is one line while the other steps keep serving.
 */
import { afterAll, describe, expect, test } from 'bun:test'
import { beforeAllTests } from '../helpers/prerequisites.ts'
import { freePort, makeProject, type TempProject } from '../helpers/project.ts'
import { startCli, type CliProcess } from '../helpers/cli.ts'
import { isAlive, logLines, peekPath, peekStep, requireRuby, rubyWorkerPids, untilLog, untilPeek } from '../helpers/ruby.ts'

const files = {
  ...peekStep,
  'steps/http/send.post.step.ts': `
    export const config = { name: 'Send', enqueues: ['flaky', 'refuse', 'slow', 'spin', 'stop', 'long'] } as const
    export const handler = async (req: any, { enqueue }: any) => {
      for (const message of req.body.messages) await enqueue(message)
      return { status: 202, body: {} }
    }
  `,
  'steps/http/ping.get_step.rb': `
def config = { name: 'Ping' }
def handler(_req, _ctx) = { status: 200, body: { pid: Process.pid } }
`,
  'steps/http/boom.get_step.rb': `
def config = { name: 'Boom' }
def handler(_req, _ctx) = raise(KeyError, 'no such order')
`,
  'steps/flaky_step.rb': `
def config = { name: 'Flaky', triggers: [queue('flaky', config: { max_retries: 2, backoff: { type: 'fixed', delay_ms: 10 } })] }

def explode(attempt)
  raise ArgumentError, "boom on attempt #{attempt}"
end

def handler(_data, ctx)
  ctx.state.update('flaky', 'attempts', [{ type: 'increment', path: 'n', by: 1 }])
  explode(ctx.attempt)
end
`,
  'steps/refuse_step.rb': `
def config = { name: 'Refuse', triggers: [queue('refuse', config: { maxRetries: 5 })] }

def handler(_data, ctx)
  ctx.state.update('refuse', 'attempts', [{ type: 'increment', path: 'n', by: 1 }])
  raise NonRetriableError, 'order 42 does not exist'
end
`,
  'steps/slow_step.rb': `
def config = { name: 'Slow', triggers: [queue('slow', config: { timeout_ms: 300, max_retries: 0 })] }

def handler(_data, ctx)
  ctx.state.set('slow', 'started', true)
  sleep 3600
ensure
  # Ruby unwinds a killed thread: its ensure runs, its calls are refused.
  ctx.state.set('slow', 'after-cancel', true) rescue $stderr.puts("slow step: #{$!.class}: #{$!.message}")
end
`,
  'steps/spin_step.rb': `
def config = { name: 'Spin', triggers: [queue('spin', config: { timeout_ms: 300, max_retries: 0 })] }

# A busy loop that never waits on anything: Ruby still kills the thread.
def handler(_data, _ctx)
  n = 0
  loop { n += 1 }
end
`,
  'steps/stop_step.rb': `
def config = { name: 'Stop', triggers: [queue('stop', config: { timeout_ms: 300, max_retries: 0 })] }

# Freezes the whole worker (as a stuck C extension would): only a new worker helps. The signal
# may land a moment after kill returns: the sleep keeps the run from answering meanwhile.
def handler(_data, _ctx)
  Process.kill('STOP', Process.pid)
  sleep 3600
end
`,
  'steps/long_step.rb': `
def config = { name: 'Long', triggers: [queue('long', config: { max_retries: 3, backoff: { type: 'fixed', delay_ms: 50 } })] }

def handler(data, ctx)
  if ctx.attempt == 1
    ctx.state.set('long-started', data['id'], true)
    sleep 3600
  end
  ctx.state.set('long-done', data['id'], { attempt: ctx.attempt })
end
`,
}

let project: TempProject
let cli: CliProcess

const send = (...messages: Array<{ topic: string; data: unknown }>) =>
  cli.fetch('/send', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages }) })
const pingPid = async () => ((await (await cli.fetch('/ping')).json()) as { pid: number }).pid

describe('failing Ruby steps under motia dev', () => {
  beforeAllTests(async () => {
    requireRuby()
    project = makeProject(files)
    cli = await startCli(['dev', '--port', String(freePort())], project.root)
  })
  afterAll(async () => {
    await cli?.stop()
    project?.cleanup()
  })

  test('an exception is retried, then dead-lettered; the log carries the Ruby backtrace', async () => {
    const from = cli.output().length
    await send({ topic: 'flaky', data: {} })
    await untilLog(cli, /dead-lettered a message on "flaky" after 3 attempt\(s\): boom on attempt 3/, from)
    await untilPeek(cli, 'flaky', 'attempts', (v) => v?.n === 3)
    const failure = logLines(cli, from).find((line) => line.msg?.includes('step "Flaky" failed on "flaky" (attempt 1)'))
    expect(failure?.error?.name).toBe('ArgumentError')
    expect(failure?.error?.stack).toMatch(/steps\/flaky_step\.rb:5:in `explode': boom on attempt 1 \(ArgumentError\)/)
    expect(failure?.error?.stack).toMatch(/from \S+steps\/flaky_step\.rb:10:in `handler'/)
    expect(failure?.error?.stack).not.toContain('motia/invoke.rb')
  })

  test('an http handler that raises answers 500 with a generic body; the trace holds the Ruby error and its backtrace', async () => {
    const res = await cli.fetch('/boom')
    expect(res.status).toBe(500)
    const body = JSON.stringify(await res.json())
    expect(body).not.toContain('no such order')
    const traceId = res.headers.get('x-trace-id')!
    await cli.until(`/__motia/traces/${traceId}`, (trace) => (trace as { spans: unknown[] }).spans.length >= 1, 20_000)
    const trace = (await cli.json(`/__motia/traces/${traceId}`)) as { spans: Array<{ step: string; error?: unknown; events: Array<{ type: string; name?: string; stack?: string }> }> }
    const span = trace.spans.find((span) => span.step === 'Boom')
    expect(JSON.stringify(span?.error)).toContain('no such order')
    // The Ruby backtrace, beside the message.
    const exception = span?.events.find((event) => event.type === 'exception')
    expect(exception?.name).toBe('KeyError')
    expect(exception?.stack).toMatch(/steps\/http\/boom\.get_step\.rb:3:in `handler'/)
  })

  test('NonRetriableError goes straight to the dead-letter queue', async () => {
    const from = cli.output().length
    await send({ topic: 'refuse', data: {} })
    await untilLog(cli, /dead-lettered a message on "refuse" after 1 attempt\(s\): order 42 does not exist/, from)
    expect((await cli.json(peekPath('refuse', 'attempts'))) as unknown).toEqual({ value: { n: 1 } })
  })

  test('a hung handler (sleep) is cut off by its timeout: its thread is killed, its later calls refused, the worker keeps serving', async () => {
    const pid = await pingPid()
    const from = cli.output().length
    await send({ topic: 'slow', data: {} })
    await untilLog(cli, /dead-lettered a message on "slow" after 1 attempt\(s\): timed out after 300 ms/, from)
    await untilLog(cli, /slow step: Motia::RunEnded: the run was cancelled/, from)
    expect(await pingPid()).toBe(pid)
    expect((await cli.json(peekPath('slow', 'after-cancel'))) as unknown).toEqual({ value: null })
  })

  test('a busy loop is cut off too, and the worker keeps serving', async () => {
    const pid = await pingPid()
    const from = cli.output().length
    await send({ topic: 'spin', data: {} })
    await untilLog(cli, /dead-lettered a message on "spin" after 1 attempt\(s\): timed out after 300 ms/, from)
    expect(await pingPid()).toBe(pid)
    expect(logLines(cli, from).some((line) => /did not cancel a run/.test(line.msg))).toBe(false)
  })

  test('a worker that stops answering is killed after the cancel grace and replaced', async () => {
    const before = await pingPid()
    const from = cli.output().length
    const sent = await send({ topic: "stop", data: {} })
    expect(sent.status).toBe(202)
    await untilLog(cli, /dead-lettered a message on "stop" after 1 attempt\(s\): timed out after 300 ms/, from)
    await untilLog(cli, /the ruby worker \(pid \d+\) did not cancel a run within 5000 ms/, from)
    await cli.until('/ping', (body) => (body as { pid: number }).pid !== before, 30_000)
    expect(isAlive(before)).toBe(false)
  })

  test('a worker killed with SIGKILL is restarted; its in-flight messages are retried and none is lost', async () => {
    const ids = ['a', 'b', 'c', 'd', 'e']
    await send(...ids.map((id) => ({ topic: 'long', data: { id } })))
    for (const id of ids) await untilPeek(cli, 'long-started', id, (v) => v === true)
    const [pid] = rubyWorkerPids(cli)
    expect(pid).toBeNumber()
    const from = cli.output().length
    process.kill(pid!, 'SIGKILL')
    await untilLog(cli, /the ruby worker \(pid \d+\) was killed \(SIGKILL\); its runs in flight failed/, from)
    for (const id of ids) await untilPeek(cli, 'long-done', id, (v) => v?.attempt === 2)
    const [after] = rubyWorkerPids(cli)
    expect(after).not.toBe(pid)
    expect((await cli.fetch('/ping')).status).toBe(200)
  })
})

describe('without a usable Ruby', () => {
  const projectFiles = {
    'steps/http/hello.get.step.ts': `export const config = { name: 'Hello' }\nexport const handler = async () => ({ status: 200, body: { ok: true } })`,
    'steps/http/rb.get_step.rb': `def config = { name: 'Rb' }\ndef handler(_req, _ctx) = { status: 200 }\n`,
    'steps/other_step.rb': `def config = { name: 'Other', triggers: [queue('x')] }\ndef handler(_data, _ctx) = nil\n`,
    // Loaded with -r before the worker: makes the interpreter look like Ruby 2.7.
    'old-ruby.rb': `Object.send(:remove_const, :RUBY_VERSION)\nRUBY_VERSION = '2.7.8'\n`,
  }
  // One project each: two servers in one folder would share its embedded stores.
  const dirs: TempProject[] = []
  const servers: CliProcess[] = []
  const serve = async (env: (dir: TempProject) => Record<string, string>) => {
    const dir = makeProject(projectFiles)
    dirs.push(dir)
    const server = await startCli(['start', '--port', String(freePort())], dir.root, env(dir))
    servers.push(server)
    return server
  }
  beforeAllTests(() => requireRuby())
  afterAll(async () => {
    for (const server of servers) await server.stop()
    for (const dir of dirs) dir.cleanup()
  })

  test('a missing interpreter: one line names what to install; TypeScript steps keep serving', async () => {
    const server = await serve(() => ({ MOTIA_RUBY: '/nonexistent/ruby' }))
    const lines = logLines(server).filter((line) => line.msg.includes('Ruby steps are not loaded')).map((line) => line.msg)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain('"/nonexistent/ruby" could not be started')
    expect(lines[0]).toContain('Install Ruby 3.1 or newer')
    expect(lines[0]).toContain('not loaded: steps/http/rb.get_step.rb, steps/other_step.rb')
    expect(await (await server.fetch('/hello')).json()).toEqual({ ok: true })
    expect((await server.fetch('/rb')).status).toBe(404)
  })

  test('a Ruby older than 3.1: one line says so', async () => {
    const server = await serve((dir) => ({ MOTIA_RUBY: `ruby -r${dir.root}/old-ruby.rb` }))
    const lines = logLines(server).filter((line) => line.msg.includes('Ruby steps are not loaded')).map((line) => line.msg)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain('Ruby 2.7.8 is too old for Motia')
    expect(await (await server.fetch('/hello')).json()).toEqual({ ok: true })
  })
})
