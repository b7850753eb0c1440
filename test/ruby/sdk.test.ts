/**
 * The Ruby SDK as step files use it, run by the real `ruby` worker in a test runtime: values that
 * cross the protocol (ids with separators and control characters, 5 MB payloads, results JSON
 * cannot carry), refusals the runtime answers (undeclared topics, calls after the run ended), a
 * step that writes to the real stdout, configs holding functions where none may be, a Ruby stream
 * whose hooks decide who subscribes over a real WebSocket, and a flood of concurrent runs.
 */
import { afterEach, describe, expect, test } from 'bun:test'
import { beforeAllTests } from '../helpers/prerequisites.ts'
import { createTestRuntime, type TestRuntime } from '../../runtime/testing/index.ts'
import { makeProject, type TempProject } from '../helpers/project.ts'
import { openSocket, serveProject, type ServedProject } from '../helpers/streams.ts'
import { requireRuby } from '../helpers/ruby.ts'

let app: TestRuntime | undefined
let project: TempProject | undefined

beforeAllTests(() => requireRuby())

afterEach(async () => {
  await app?.stop()
  project?.cleanup()
  app = project = undefined
})

async function load(files: Record<string, string>, env: Record<string, string> = {}): Promise<TestRuntime> {
  project = makeProject(files)
  app = await createTestRuntime({ root: project.root, env })
  return app
}

const json = async (res: Response) => (await res.json()) as any

describe('values crossing the protocol', () => {
  test('state keys and groups with separators, control characters and non-ASCII text reach the same store unchanged', async () => {
    await load({
      'steps/keys_step.rb': `
def config = { name: 'Keys', triggers: [http('POST', '/keys')] }

def handler(req, ctx)
  req.body['items'].each { |item| ctx.state.set(item['group'], item['key'], item) }
  { status: 200, body: { back: req.body['items'].map { |i| ctx.state.get(i['group'], i['key']) } } }
end
`,
    })
    const items = [
      { group: 'a/b', key: 'c:d' },
      { group: 'line\nbreak', key: 'nul\u0000byte' },
      { group: 'tab\there', key: '"quoted"\\' },
      { group: 'ünïcödé', key: '日本語 💎' },
      { group: 'sep\u2028line', key: '\u001b[31mred' },
      { group: '#{interp}', key: '%s%n' },
    ]
    const res = await app!.request('POST', '/keys', { items })
    expect(await json(res)).toEqual({ back: items })
    for (const item of items) expect(await app!.runtime.state.get(item.group, item.key)).toEqual(item)
  })

  test('a 5 MB message and a 5 MB result cross the protocol whole', async () => {
    await load({
      'steps/big_step.rb': `
def config = { name: 'Big', triggers: [http('GET', '/big'), queue('big')] }

def handler(input, ctx)
  return ctx.state.set('big', 'length', input['text'].length) if ctx.queue?

  { status: 200, body: { text: 'y' * 5_000_000 } }
end
`,
    })
    await app!.runtime.enqueue({ topic: 'big', data: { text: 'x'.repeat(5_000_000) } })
    await app!.waitFor(async () => (await app!.runtime.state.get('big', 'length')) === 5_000_000, 20_000)
    expect(((await json(await app!.request('GET', '/big'))) as { text: string }).text.length).toBe(5_000_000)
  })

  test('Ruby values become JSON (symbols, times, structs, NaN as null); a result that contains itself fails the run with a message', async () => {
    await load({
      'steps/odd_step.rb': `
Point = Struct.new(:x, :y)

def config = { name: 'Odd', triggers: [http('GET', '/odd/:what')] }

def handler(req, _ctx)
  if req.path_params['what'] == 'loop'
    looped = {}
    looped['self'] = looped
    return { status: 200, body: looped }
  end

  { status: 200, body: { sym: :done, at: Time.at(0).utc, point: Point.new(1, 2), nan: Float::NAN, big: 2**40, range: (1..3).to_a, bad: "\\xff".dup.force_encoding('UTF-8') } }
end
`,
    })
    expect(await json(await app!.request('GET', '/odd/values'))).toEqual({ sym: 'done', at: '1970-01-01T00:00:00.000Z', point: { x: 1, y: 2 }, nan: null, big: 2 ** 40, range: [1, 2, 3], bad: '\ufffd' })
    const bad = await app!.request('GET', '/odd/loop')
    expect(bad.status).toBe(500)
    expect(app!.logs.find((entry) => entry.level === 'error')?.msg).toContain('(or one that contains itself) cannot be sent as JSON')
  })

  test('enqueueing a topic the step does not declare raises Motia::Error in Ruby with the fix', async () => {
    await load({
      'steps/undeclared_step.rb': `
def config = { name: 'Undeclared', triggers: [http('GET', '/u')], enqueues: [] }

def handler(_req, ctx)
  ctx.enqueue(topic: 'nowhere', data: {})
rescue Motia::Error => e
  { status: 200, body: { code: e.code, message: e.message } }
end
`,
    })
    expect(await json(await app!.request('GET', '/u'))).toEqual({
      code: 'UNDECLARED_TOPIC',
      message: expect.stringContaining('enqueues "nowhere" but does not list it in config.enqueues'),
    })
  })

  test('a context call from a thread that outlives its run is refused, and the refusal is logged', async () => {
    await load({
      'steps/late_step.rb': `
def config = { name: 'Late', triggers: [http('GET', '/late')] }

def handler(_req, ctx)
  Thread.new do
    sleep 0.05
    begin
      ctx.state.set('late', 'k', 1)
    rescue Motia::Error => e
      STDERR.puts("refused: #{e.code}")
    end
  end
  { status: 200, body: {} }
end
`,
    })
    await app!.request('GET', '/late')
    // The run is over: the line is the worker's (its stderr), no longer the step's.
    await app!.waitFor(() => app!.logs.some((entry) => entry.msg === '[ruby] refused: RUN_ENDED'), 20_000)
    expect(await app!.runtime.state.get('late', 'k')).toBeUndefined()
  })
})

describe('output', () => {
  test('writing to the real stdout (STDOUT, its file descriptor, a child process) never breaks a frame', async () => {
    await load({
      'steps/noisy_step.rb': `
def config = { name: 'Noisy', triggers: [http('GET', '/noisy')] }

def handler(_req, ctx)
  STDOUT.write("{\\"type\\":\\"result\\",\\"id\\":1,\\"ok\\":true}\\n")
  IO.new(1, autoclose: false).syswrite("raw fd one\\n")
  system('echo from a child process')
  $stdout.print('partial ')
  puts 'line'
  warn 'a warning'
  ctx.logger.warn('with fields', order: 'o1', nested: { n: 1 })
  { status: 200, body: { ok: true } }
end
`,
    })
    const res = await app!.request('GET', '/noisy')
    expect(await json(res)).toEqual({ ok: true })
    await app!.waitFor(() => app!.logs.some((entry) => entry.msg === '[ruby] from a child process'), 20_000)
    const messages = app!.logs.map((entry) => entry.msg)
    expect(messages).toEqual(expect.arrayContaining(['[ruby] raw fd one', 'partial line', 'a warning', 'with fields']))
    expect(app!.logs.find((entry) => entry.msg === 'partial line')).toMatchObject({ level: 'info', step: 'Noisy' })
    expect(app!.logs.find((entry) => entry.msg === 'a warning')).toMatchObject({ level: 'error', step: 'Noisy' })
    expect(app!.logs.find((entry) => entry.msg === 'with fields')).toMatchObject({ level: 'warn', order: 'o1', nested: { n: 1 } })
  })
})

describe('configs as the runtime reads them', () => {
  test('queue options in snake_case and camelCase, a CONFIG constant, a HANDLER lambda and folder conventions', async () => {
    await load({
      'steps/queue/jobs/work_step.rb': `
CONFIG = { triggers: [{ 'type' => 'queue', 'topic' => 'jobs', 'config' => { 'maxRetries' => 1, visibility_timeout_ms: 60_000, backoff: { type: 'fixed', delay_ms: 5 } } }] }
HANDLER = ->(data, ctx) { ctx.state.set('jobs', data['id'], { step: ctx.step, attempt: ctx.attempt }) }
`,
      'steps/http/echo/[id].post_step.rb': `def handler(req) = { status: 200, body: { id: req.path_params['id'], body: req.body } }\n`,
    })
    const steps = Object.fromEntries(app!.runtime.steps().map((step) => [step.name, step]))
    expect(steps.Work!.triggers).toEqual([{ type: 'queue', topic: 'jobs', index: 0, config: { maxRetries: 1, visibilityTimeoutMs: 60_000, backoff: { type: 'fixed', delayMs: 5 } } }])
    expect(steps.Work!.language).toBe('ruby')
    await app!.runtime.enqueue({ topic: 'jobs', data: { id: 'j1' } })
    await app!.waitFor(async () => (await app!.runtime.state.get('jobs', 'j1')) !== undefined, 20_000)
    expect(await app!.runtime.state.get('jobs', 'j1')).toEqual({ step: 'Work', attempt: 1 })
    expect(await json(await app!.request('POST', '/echo/e1', { a: 1 }))).toEqual({ id: 'e1', body: { a: 1 } })
  })

  test('a function where the runtime cannot call one is refused with where it is and what may be a function', async () => {
    await load({ 'steps/fn_step.rb': `def config = { name: 'Fn', triggers: [queue('t', config: { max_retries: -> { 3 } })] }\ndef handler(_d, _c) = nil\n` })
    const error = app!.logs.find((entry) => entry.level === 'error')?.msg
    expect(error).toContain('steps/fn_step.rb: triggers[0]: config.maxRetries is a function')
    expect(error).toContain("only a trigger's condition, http middleware and a stream's can_access/on_join/on_leave may be")
  })
})

describe('many runs at once', () => {
  test('500 concurrent http runs each get their own answer, and each run its own context', async () => {
    await load({
      'steps/http/echo.post_step.rb': `
def config = { name: 'Echo' }

def handler(req, ctx)
  ctx.state.set('echo', req.body['n'].to_s, ctx.trace_id)
  { status: 200, body: { n: req.body['n'], trace: ctx.trace_id } }
end
`,
    })
    const answers = await Promise.all(Array.from({ length: 500 }, (_, n) => app!.request('POST', '/echo', { n }).then(async (res) => ({ trace: res.headers.get('x-trace-id'), body: await json(res) }))))
    for (const [n, answer] of answers.entries()) expect(answer.body).toEqual({ n, trace: answer.trace })
    expect(new Set(answers.map((answer) => answer.trace)).size).toBe(500)
    expect(await app!.runtime.state.get('echo', '499')).toBe(answers[499]!.trace)
  })
})

describe('a Ruby stream definition', () => {
  let served: ServedProject | undefined
  afterEach(async () => {
    await served?.stop()
    served = undefined
  })

  test('its schema checks writes, and its can_access and on_join hooks decide who may subscribe', async () => {
    served = await serveProject({
      'steps/room_stream.rb': `
def config
  {
    name: 'room',
    schema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
    can_access: ->(subscription, _auth) { subscription.groupId != 'vault' },
    on_join: lambda do |subscription, ctx, _auth|
      ctx.state.set('joins', subscription.groupId, true)
      { unauthorized: true, reason: 'room closed' } if subscription.groupId == 'closed'
    end
  }
end
`,
      'steps/say_step.rb': `
def config = { name: 'Say', triggers: [http('POST', '/say/:group')] }

def handler(req, ctx)
  written = ctx.streams.room.set(req.path_params['group'], 'm1', req.body)
  { status: 200, body: written['new_value'] }
rescue Motia::ValidationError => e
  { status: 400, body: { error: e.message } }
end
`,
    })
    const say = (group: string, body: unknown) => fetch(`${served!.url}/say/${group}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    const ok = await openSocket(served.wsUrl)
    ok.join('room', 'lobby')
    await ok.next((frame) => frame.event.type === 'sync')
    expect(await (await say('lobby', { text: 'hi' })).json()).toEqual({ text: 'hi', id: 'm1' })
    expect((await ok.next((frame) => frame.event.type === 'create')).event.data).toEqual({ text: 'hi', id: 'm1' })
    const refused = await say('lobby', { text: 3 })
    expect(refused.status).toBe(400)
    expect(((await refused.json()) as { error: string }).error).toContain('does not match the schema')
    ok.join('room', 'vault')
    expect((await ok.next((frame) => frame.event.type === 'error')).event.data).toEqual({ code: 'unauthorized', message: 'canAccess of stream "room" refused this subscription' })
    ok.join('room', 'closed')
    expect((await ok.next((frame) => frame.event.type === 'error', 2)).event.data).toEqual({ code: 'unauthorized', message: 'room closed' })
    expect(await served.runtime.state.get('joins', 'lobby')).toBe(true)
    ok.close()
  })
})
