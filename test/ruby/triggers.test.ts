/**
 * Ruby steps through the real `motia dev` over a real port, with the system `ruby`: every trigger
 * type (http, queue, cron, state, stream), a Ruby stream definition, the 1.0 config (symbol keys,
 * trigger helpers, conditions, middleware, multi-trigger `ctx.match`) and the 0.x config (string
 * keys, type/emits/subscribes, `req['body']`, `ctx.emit`), the whole context API (state ops,
 * streams, logger fields, `puts`), handlers running side by side in threads, and the runtime's
 * schema checks (400s, enqueue refusals) on Ruby schemas.
 */
import { afterAll, describe, expect, test } from 'bun:test'
import { beforeAllTests } from '../helpers/prerequisites.ts'
import { freePort, makeProject, type TempProject } from '../helpers/project.ts'
import { startCli, type CliProcess } from '../helpers/cli.ts'
import { logLines, peekPath, peekStep, requireRuby, untilPeek } from '../helpers/ruby.ts'

const motia1 = {
  ...peekStep,
  'steps/orders/create_order_step.rb': `
def config
  {
    name: 'CreateOrder',
    description: 'Accepts an order',
    flows: ['orders'],
    triggers: [
      http(:post, '/orders',
           body_schema: { type: 'object', properties: { item: { type: 'string' }, quantity: { type: 'integer' } }, required: %w[item quantity] },
           response_schema: { 201 => { type: 'object', properties: { id: { type: 'string' } } } })
    ],
    enqueues: ['order.created']
  }
end

def handler(req, ctx)
  order_id = "o-#{req.body[:item]}"
  ctx.logger.info('order received', id: order_id)
  ctx.streams.orderStatus.set('orders', order_id, { status: 'received' })
  ctx.enqueue(topic: 'order.created', data: req.body.merge('id' => order_id))
  ApiResponse.new(status: 201, body: { id: order_id }, headers: { 'x-step' => 'ruby' })
end
`,
  'steps/orders/reserve_stock_step.rb': `
def config
  {
    name: 'ReserveStock',
    flows: ['orders'],
    triggers: [queue('order.created', input: { type: 'object', properties: { id: { type: 'string' }, item: { type: 'string' }, quantity: { type: 'integer' } }, required: %w[id item quantity] })]
  }
end

def handler(order, ctx)
  ctx.state.set('reservations', order.id, { item: order[:item], quantity: order['quantity'], attempt: ctx.attempt })
end
`,
  'steps/watchers/on_reservation_step.rb': `
def config
  { name: 'OnReservation', triggers: [state(condition: ->(change, _ctx) { change.group == 'reservations' })], enqueues: ['reserved'] }
end

def handler(change, ctx)
  ctx.logger.info('reservation changed', key: change.key, event: change.event)
  ctx.enqueue(topic: 'reserved', data: { id: change.key, quantity: change.new_value['quantity'] })
end
`,
  'steps/queue/reserved/mark_reserved_step.rb': `
def config = { name: 'MarkReserved' }

def handler(data, ctx)
  result = ctx.streams[:orderStatus].set('orders', data.id, { status: 'reserved' })
  ctx.state.set('set-results', data.id, result)
end
`,
  'steps/watchers/on_status_step.rb': `
def config = { name: 'OnStatus', triggers: [stream('orderStatus')] }

def handler(change, ctx)
  ctx.state.update('status-log', change.id, [{ type: 'merge', value: { change.event.data['status'] => change.event.type } }])
end
`,
  'steps/order_status_stream.rb': `
def config
  { name: 'orderStatus', schema: { type: 'object', properties: { status: { type: 'string' } }, required: ['status'] } }
end
`,
  'steps/cron/heartbeat_step.rb': `
def config = { name: 'Heartbeat', triggers: [cron('* * * * * *')] }

def handler(input, ctx)
  raise 'a cron run gets no input' unless input.nil? && ctx.cron?
  ctx.state.update('beats', 'count', [{ type: 'increment', path: 'n', by: 1 }])
end
`,
  'steps/http/ping.get_step.rb': `
def config = { name: 'Ping' }

def handler(req, ctx)
  puts "ping printed #{req.query_params['q']}"
  { status: 200, body: { pong: req.query_params[:q], trigger: ctx.trigger.type, path: ctx.trigger.path, trace: ctx.trace_id == ctx.traceId } }
end
`,
  'steps/http/items/[id].put_step.rb': `
def config = { name: 'PutItem', enqueues: ['item.saved'] }

def handler(req, ctx)
  ctx.enqueue(topic: 'item.saved', data: { id: req.path_params['id'], price: req.body['price'] })
  { status_code: 202, body: { id: req.pathParams[:id] } }
end
`,
  // String keys throughout, the trigger as a plain hash.
  'steps/items/save_item_step.rb': `
def config
  {
    'name' => 'SaveItem',
    'triggers' => [{ 'type' => 'queue', 'topic' => 'item.saved', 'input' => { 'type' => 'object', 'properties' => { 'id' => { 'type' => 'string' }, 'price' => { 'type' => 'number' } }, 'required' => %w[id price] } }]
  }
end

def handler(item, ctx)
  ctx.state.set('items', item['id'], item)
end
`,
  'steps/multi_step.rb': `
def config
  {
    name: 'Multi',
    triggers: [http('POST', '/multi'), queue('multi.q')],
    enqueues: ['multi.q']
  }
end

def handler(input, ctx)
  ctx.match(
    http: lambda do |req|
      ctx.enqueue(topic: 'multi.q', data: { from: 'http', n: req.body['n'] })
      { status: 200, body: { data: ctx.get_data, http: ctx.http? } }
    end,
    queue: ->(data) { ctx.state.set('multi', 'queued', { data: data, queue: ctx.queue?, trigger: ctx.trigger.topic }) }
  )
end
`,
  'steps/http/guarded.get_step.rb': `
AUTH = lambda do |req, _ctx, nxt|
  next { status: 401, body: { error: 'no token' } } unless req.headers['x-token'] == 'secret'

  response = nxt.call
  response.merge(headers: { 'x-middleware' => 'ran' })
end

def config = { name: 'Guarded', triggers: [http('GET', '/guarded', middleware: [AUTH])] }

def handler(_req, _ctx) = { status: 200, body: { inside: true } }
`,
  'steps/http/state-ops.post_step.rb': `
def config = { name: 'StateOps' }

def handler(req, ctx)
  group = "ops-#{req.body['run']}"
  s = ctx.state
  s.set(group, 'a', { n: 1, tags: ['x'], gone: true })
  updated = s.update(group, 'a', [
    { type: 'increment', path: 'n', by: 5 },
    { type: 'decrement', path: 'n', by: 2 },
    { type: 'merge', value: { extra: 'yes' } },
    { type: 'set', path: 'deep.value', value: 7 },
    { type: 'remove', path: 'gone' }
  ])
  s.set(group, 'b', 2)
  out = {
    updated: updated,
    get: s.get(group, 'a'),
    missing: s.get(group, 'nope'),
    list: s.list(group).length,
    get_group: s.get_group(group).length,
    entries: s.entries(group).map { |e| e['key'] }.sort,
    has_group: s.list_groups.include?(group),
    deleted: s.delete(group, 'b')
  }
  s.clear(group)
  out[:after_clear] = s.list(group)
  { status: 200, body: out }
end
`,
  'steps/http/stream-ops.post_step.rb': `
def config = { name: 'StreamOps' }

def handler(req, ctx)
  todo = ctx.streams.orderStatus
  group = "g-#{req.body['run']}"
  first = todo.set(group, 'i1', { status: 'new' })
  second = todo.set(group, 'i1', { status: 'old' })
  updated = todo.update(group, 'i1', [{ type: 'set', path: 'status', value: 'done' }])
  todo.set(group, 'i2', { status: 'x' })
  todo.send({ group_id: group }, { type: 'ping', data: { n: 1 } })
  {
    status: 200,
    body: {
      first: first, second: second, updated: updated,
      get: todo.get(group, 'i1'), group: todo.get_group(group).length,
      groups: todo.list_groups.include?(group), deleted: todo.delete(group, 'i2'), after: todo.list(group).length
    }
  }
end
`,
  'steps/http/wait.get_step.rb': `
def config = { name: 'Wait' }

# A plain blocking handler: it holds its thread, never the other runs.
def handler(_req, ctx)
  sleep 0.02 until ctx.state.get('gate', 'open')
  { status: 200, body: { waited: true } }
end
`,
  'steps/http/open.post_step.rb': `
def config = { name: 'Open' }

def handler(_req, ctx)
  ctx.state.set('gate', 'open', true)
  { status: 200, body: {} }
end
`,
}

const motia0 = {
  ...peekStep,
  'steps/legacy/greet_api_step.rb': `
def config
  {
    'type' => 'api',
    'name' => 'LegacyGreet',
    'path' => '/legacy/greet',
    'method' => 'POST',
    'emits' => ['legacy.greeted'],
    'bodySchema' => { 'type' => 'object', 'properties' => { 'name' => { 'type' => 'string' } }, 'required' => ['name'] },
    'flows' => ['legacy']
  }
end

def handler(req, context)
  body = req['body']
  context.emit({ 'topic' => 'legacy.greeted', 'data' => { 'name' => body['name'] } })
  { 'status' => 200, 'body' => { 'traceId' => context.traceId, 'echo' => req[:body][:name] } }
end
`,
  'steps/legacy/store_greeting.step.rb': `
def config
  {
    type: 'event',
    name: 'LegacyStore',
    subscribes: ['legacy.greeted'],
    emits: [],
    input: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] }
  }
end

def handler(input, context)
  context.state.set('greetings', input['name'], { trace: context.trace_id })
  context.logger.info('stored greeting', input)
end
`,
  'steps/legacy/nightly.cron_step.rb': `
def config = { 'type' => 'cron', 'name' => 'LegacyNightly', 'cron' => '* * * * * *', 'emits' => [] }

def handler(context)
  context.state.set('legacy-cron', 'ran', { trace: context.trace_id })
end
`,
  'steps/legacy/doc_noop_step.rb': `
def config = { type: 'noop', name: 'LegacyDoc', virtual_subscribes: ['legacy.greeted'], virtual_emits: ['human.review'] }
`,
}

let project: TempProject
let cli: CliProcess

const post = (path: string, body: unknown) => cli.fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
const state = async (group: string, key: string) => ((await (await cli.fetch(peekPath(group, key))).json()) as { value: unknown }).value
const untilState = (group: string, key: string, check: (value: any) => boolean) => untilPeek(cli, group, key, check)

describe('Motia 1.0 Ruby steps (symbol keys, trigger helpers)', () => {
  beforeAllTests(async () => {
    requireRuby()
    project = makeProject(motia1)
    cli = await startCli(['dev', '--port', String(freePort())], project.root)
  })
  afterAll(async () => {
    await cli?.stop()
    project?.cleanup()
  })

  test('every Ruby step and the Ruby stream load with no error or warning', () => {
    expect(cli.output()).toContain('16 step(s)')
    expect(cli.output()).toContain('stream orderStatus')
    expect(cli.output()).not.toMatch(/"level":"(error|warn)"/)
  })

  test('http → queue → state (condition) → queue → stream → stream trigger, all in Ruby, one trace', async () => {
    const res = await post('/orders', { item: 'book', quantity: 2 })
    expect(res.status).toBe(201)
    expect(res.headers.get('x-step')).toBe('ruby')
    expect(await res.json()).toEqual({ id: 'o-book' })
    const traceId = res.headers.get('x-trace-id')!
    await untilState('status-log', 'o-book', (value) => value?.reserved === 'update')
    expect(await state('status-log', 'o-book')).toEqual({ received: 'create', reserved: 'update' })
    expect(await state('reservations', 'o-book')).toEqual({ item: 'book', quantity: 2, attempt: 1 })
    // MarkReserved records what its stream write returned after the write, so OnStatus may finish first.
    await untilState('set-results', 'o-book', (value) => value !== null && value !== undefined)
    expect(await state('set-results', 'o-book')).toEqual({ new_value: { id: 'o-book', status: 'reserved' }, old_value: { id: 'o-book', status: 'received' } })
    await cli.until(`/__motia/traces/${traceId}`, (trace) => (trace as { spans: unknown[] }).spans.length >= 5, 20_000)
    const trace = (await cli.json(`/__motia/traces/${traceId}`)) as { spans: Array<{ step: string; error?: string }> }
    expect(trace.spans.map((span) => span.step)).toEqual(expect.arrayContaining(['CreateOrder', 'ReserveStock', 'OnReservation', 'MarkReserved', 'OnStatus']))
    expect(trace.spans.filter((span) => span.error)).toEqual([])
    const logged = logLines(cli).find((line) => line.msg === 'order received' && line.traceId === traceId)
    expect(logged).toMatchObject({ step: 'CreateOrder', id: 'o-book', flows: ['orders'] })
  })

  test('a body that breaks the Ruby JSON Schema is refused with 400 and the issues, before Ruby runs', async () => {
    const res = await post('/orders', { item: 'book', quantity: 'two' })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: 'Invalid request body', issues: [{ path: ['quantity'] }] })
  })

  test("an enqueue the subscriber's string-key schema refuses answers 400 from the Ruby handler, and nothing is sent", async () => {
    const res = await cli.fetch('/items/i1', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ price: 'cheap' }) })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: string }).error).toContain('rejected by the input schema of step "SaveItem"')
    const ok = await cli.fetch('/items/i2', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ price: 3 }) })
    expect(ok.status).toBe(202)
    expect(await ok.json()).toEqual({ id: 'i2' })
    await untilState('items', 'i2', (value) => value !== null)
    expect(await state('items', 'i2')).toEqual({ id: 'i2', price: 3 })
    expect(await state('items', 'i1')).toBeNull()
  })

  test('folder conventions apply to Ruby files, ctx.trigger is the fired trigger, and puts becomes a log line of the run', async () => {
    const res = await cli.fetch('/ping?q=hi')
    expect(await res.json()).toEqual({ pong: 'hi', trigger: 'http', path: '/ping', trace: true })
    const traceId = res.headers.get('x-trace-id')
    await cli.waitForOutput(/ping printed hi/)
    expect(logLines(cli).find((line) => line.msg === 'ping printed hi')).toMatchObject({ level: 'info', step: 'Ping', traceId })
  })

  test('one handler, two triggers: ctx.match calls the branch of the trigger that fired', async () => {
    const res = await post('/multi', { n: 4 })
    expect(await res.json()).toEqual({ data: { n: 4 }, http: true })
    await untilState('multi', 'queued', (value) => value !== null)
    expect(await state('multi', 'queued')).toEqual({ data: { from: 'http', n: 4 }, queue: true, trigger: 'multi.q' })
  })

  test('http middleware runs in Ruby in front of the handler, and may answer alone', async () => {
    const refused = await cli.fetch('/guarded')
    expect(refused.status).toBe(401)
    expect(await refused.json()).toEqual({ error: 'no token' })
    const ok = await cli.fetch('/guarded', { headers: { 'x-token': 'secret' } })
    expect(ok.status).toBe(200)
    expect(ok.headers.get('x-middleware')).toBe('ran')
    expect(await ok.json()).toEqual({ inside: true })
  })

  test('ctx.state: get, set, every atomic update op, list/get_group, entries, list_groups, delete, clear', async () => {
    const res = await post('/state-ops', { run: 1 })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      updated: { n: 4, tags: ['x'], extra: 'yes', deep: { value: 7 } },
      get: { n: 4, tags: ['x'], extra: 'yes', deep: { value: 7 } },
      missing: null,
      list: 2,
      get_group: 2,
      entries: ['a', 'b'],
      has_group: true,
      deleted: 2,
      after_clear: [],
    })
  })

  test('ctx.streams: set answers new and old values, update, get, get_group, list_groups, send, delete', async () => {
    const res = await post('/stream-ops', { run: 1 })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      first: { new_value: { id: 'i1', status: 'new' }, old_value: null },
      second: { new_value: { id: 'i1', status: 'old' }, old_value: { id: 'i1', status: 'new' } },
      updated: { new_value: { id: 'i1', status: 'done' }, old_value: { id: 'i1', status: 'old' } },
      get: { id: 'i1', status: 'done' },
      group: 2,
      groups: true,
      deleted: { id: 'i2', status: 'x' },
      after: 1,
    })
  })

  test('handlers run side by side in threads: a blocking handler waits while another Ruby run answers', async () => {
    const waiting = cli.fetch('/wait')
    // If runs were served one after another, /open could not answer while /wait holds the worker.
    expect((await post('/open', {})).status).toBe(200)
    const res = await waiting
    expect(await res.json()).toEqual({ waited: true })
  })

  test('a Ruby cron step ticks', async () => {
    await untilState('beats', 'count', (value) => value?.n >= 2)
  })
})

describe('Motia 0.x Ruby steps (string keys, type/emits/subscribes)', () => {
  beforeAllTests(async () => {
    requireRuby()
    project = makeProject(motia0)
    cli = await startCli(['dev', '--port', String(freePort())], project.root)
  })
  afterAll(async () => {
    await cli?.stop()
    project?.cleanup()
  })

  test('load with one deprecation warning per file', () => {
    const output = cli.output()
    expect(output).toContain('5 step(s)')
    for (const file of ['greet_api_step.rb', 'store_greeting.step.rb', 'nightly.cron_step.rb']) expect(output).toContain(`steps/legacy/${file} uses the Motia 0.x config`)
  })

  test("api (req['body'], ctx.emit, ctx.traceId) → event (JSON Schema input) under one trace", async () => {
    const res = await post('/legacy/greet', { name: 'ada' })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { traceId: string; echo: string }
    expect(body).toEqual({ traceId: res.headers.get('x-trace-id')!, echo: 'ada' })
    await untilState('greetings', 'ada', (value) => value !== null)
    expect(await state('greetings', 'ada')).toEqual({ trace: body.traceId })
    await cli.waitForOutput(/stored greeting/)
    expect(logLines(cli).find((line) => line.msg === 'stored greeting')).toMatchObject({ step: 'LegacyStore', name: 'ada', traceId: body.traceId })
  })

  test('the JSON Schema of a 0.x bodySchema refuses a bad body with 400', async () => {
    expect((await post('/legacy/greet', { nom: 'ada' })).status).toBe(400)
  })

  test('a 0.x cron handler gets the context first', async () => {
    await untilState('legacy-cron', 'ran', (value) => typeof value?.trace === 'string')
  })
})
