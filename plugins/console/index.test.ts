import { afterEach, describe, expect, test } from 'bun:test'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { createRuntime, type Runtime } from 'motia'
import { createMemoryQueue, createMemoryState } from 'motia/adapters'
import { consolePlugin } from './index.ts'

const steps = {
  'steps/create-order.step.ts': `import { z } from 'zod'
export const config = { name: 'CreateOrder', flows: ['orders'], triggers: [{ type: 'http', method: 'POST', path: '/orders', bodySchema: z.object({ item: z.string(), quantity: z.number().int().min(1) }), queryParams: [{ name: 'dry', required: false }] }], enqueues: ['order-created'], virtualEnqueues: [{ topic: 'audit', label: 'audited' }] }
export const handler = async (req, ctx) => {
  ctx.logger.info('order for ' + req.body.item)
  await ctx.state.set('orders', req.body.item, req.body)
  await ctx.enqueue({ topic: 'order-created', data: req.body })
  return { status: 201, body: { ok: true } }
}`,
  'steps/ship.step.ts': `export const config = { name: 'Ship', flows: ['orders'], triggers: [{ type: 'queue', topic: 'order-created', config: { maxRetries: 0 } }] }
export const handler = async (data, ctx) => { ctx.logger.warn('shipping ' + data.item); if (data.item === 'broken') throw new Error('cannot ship broken') }`,
  'steps/auditor.step.ts': `export const config = { name: 'Auditor', flows: ['orders'], triggers: [{ type: 'cron', expression: '0 0 1 1 *' }], virtualSubscribes: ['audit'] }
export const handler = async () => {}`,
  'steps/todo.stream.ts': `import { z } from 'zod'
export const config = { name: 'todo', schema: z.object({ text: z.string() }) }`,
}

let runtime: Runtime | undefined
let root: string | undefined

afterEach(async () => {
  await runtime?.stop()
  if (root) rmSync(root, { recursive: true, force: true })
  runtime = root = undefined
})

async function boot(mode: 'test' | 'start' = 'test') {
  root = join(import.meta.dir, '../../.tmp', `console-${crypto.randomUUID().slice(0, 8)}`)
  for (const [path, text] of Object.entries(steps)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), text)
  }
  runtime = await createRuntime({ root, mode: mode as 'test', env: {}, logSink: () => {}, flags: { port: 0, host: '127.0.0.1' }, adapters: mode === 'test' ? { queue: createMemoryQueue, state: createMemoryState } : undefined, defaultPlugins: [consolePlugin()] })
  await runtime.load()
  const base = (await runtime.listen()).replace(/\/$/, '')
  // State-changing requests need content-type: application/json (see runtime/http/control-guard.ts).
  const api = async (path: string, init?: RequestInit) => {
    const res = await fetch(`${base}/__motia/api${path}`, init?.method ? { ...init, headers: { 'content-type': 'application/json', ...init.headers } } : init)
    return { status: res.status, body: (await res.json()) as any }
  }
  const order = (item: string) => fetch(`${base}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ item, quantity: 1 }) })
  return { base, api, order, runtime: runtime! }
}

async function until(check: () => Promise<boolean>, what: string) {
  const deadline = Date.now() + 10_000
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`)
    await Bun.sleep(20)
  }
}

describe('console API', () => {
  test('flows: steps and topics as a graph, virtual edges marked, run counts per step', async () => {
    const { api, order } = await boot()
    await order('book')
    await until(async () => (await api('/flows')).body.nodes.find((n: any) => n.name === 'Ship')?.stats.runs === 1, 'Ship ran')
    const { body } = await api('/flows')
    expect(body.flows).toEqual(['orders'])
    expect(body.nodes.filter((n: any) => n.kind === 'topic').map((n: any) => n.name).sort()).toEqual(['audit', 'order-created'])
    const edges = body.edges.map((e: any) => `${e.source} ${e.target} ${e.kind}${e.virtual ? ' virtual' : ''}${e.label ? ` ${e.label}` : ''}`).sort()
    expect(edges).toEqual([
      'step:CreateOrder topic:audit enqueue virtual audited',
      'step:CreateOrder topic:order-created enqueue',
      'topic:audit step:Auditor subscribe virtual',
      'topic:order-created step:Ship subscribe',
    ])
    const create = body.nodes.find((n: any) => n.name === 'CreateOrder')
    expect(create).toMatchObject({ file: 'steps/create-order.step.ts', types: ['http'], triggers: ['POST /orders'], stats: { runs: 1, errors: 0, last: { ok: true } } })
    expect(create.config.triggers[0].bodySchema.properties.quantity.type).toBe('integer')
  })

  test('endpoints: method, path, body schema as JSON Schema, documented query', async () => {
    const { api } = await boot()
    const { body } = await api('/endpoints')
    expect(body.endpoints).toHaveLength(1)
    expect(body.endpoints[0]).toMatchObject({ step: 'CreateOrder', method: 'POST', path: '/orders', query: [{ name: 'dry', required: false }] })
    expect(body.endpoints[0].bodySchema).toMatchObject({ type: 'object', required: ['item', 'quantity'] })
  })

  test('traces: newest first, filtered by step, status, duration and text; one trace with queue waits', async () => {
    const { api, order } = await boot()
    await order('book')
    await order('broken')
    await until(async () => (await api('/traces?status=error')).body.traces.length === 1, 'the broken order failed')
    const all = (await api('/traces')).body.traces
    expect(all.map((t: any) => t.status)).toEqual(['error', 'ok'])
    expect((await api('/traces?step=Ship')).body.traces).toHaveLength(2)
    expect((await api('/traces?step=Auditor')).body.traces).toHaveLength(0)
    expect((await api('/traces?minMs=600000')).body.traces).toHaveLength(0)
    expect((await api(`/traces?q=${all[0].id.slice(-6)}`)).body.traces.map((t: any) => t.id)).toEqual([all[0].id])
    expect((await api('/traces?status=bad')).status).toBe(400)
    const trace = (await api(`/traces/${all[0].id}`)).body
    const ship = trace.spans.find((s: any) => s.step === 'Ship')
    expect(ship.error).toBe('cannot ship broken')
    expect(ship.queuedAt).toBeLessThanOrEqual(ship.startedAt)
    expect((await api('/traces/nope')).status).toBe(404)
  })

  test('traces: an http trace carries the status it was answered with; 4xx and 5xx filter, and ok leaves them out', async () => {
    const { base, api, order } = await boot()
    await order('book')
    const refused = await fetch(`${base}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ item: 1 }) })
    expect(refused.status).toBe(400)
    const id = refused.headers.get('x-trace-id')
    expect((await api(`/traces/${id}`)).body).toMatchObject({ httpStatus: 400, spans: [] })
    expect((await api('/traces?status=4xx')).body.traces.map((t: any) => [t.id, t.status, t.httpStatus])).toEqual([[id, 'ok', 400]])
    expect((await api('/traces?status=5xx')).body.traces).toEqual([])
    expect((await api('/traces?status=ok')).body.traces.map((t: any) => t.httpStatus)).toEqual([201])
    expect((await api('/traces?status=3xx')).body.error).toBe('status must be one of running, ok, error, 4xx, 5xx; got "3xx"')
  })

  test('flows: a stream is a node, with an edge from each step that uses it', async () => {
    const { api } = await boot()
    const { body } = await api('/flows')
    expect(body.nodes.filter((n: any) => n.kind === 'stream')).toEqual([{ id: 'stream:todo', kind: 'stream', name: 'todo', flows: [] }])
  })

  test("a trace's spans carry their input and output; a 1 MB input is clipped; credentials are masked", async () => {
    const { base, api } = await boot()
    const big = 'b'.repeat(1_000_000)
    const res = await fetch(`${base}/orders?dry=no&access_token=tok-123`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer secret', 'x-api-key': 'k-456' }, body: JSON.stringify({ item: big, quantity: 2 }) })
    expect(res.status).toBe(201)
    const traceId = res.headers.get('x-trace-id')!
    await until(async () => (await api(`/traces/${traceId}`)).body.spans?.find((s: any) => s.step === 'Ship')?.status === 'ok', 'Ship ran')
    const { body: trace } = await api(`/traces/${traceId}`)
    const [create, ship] = ['CreateOrder', 'Ship'].map((step) => trace.spans.find((s: any) => s.step === step))
    const input = create.events.find((e: any) => e.type === 'input').value
    expect(input).toMatchObject({ method: 'POST', path: '/orders', body: { quantity: 2 } })
    expect(input.headers.authorization).toBe('[masked]')
    expect(input.headers['x-api-key']).toBe('[masked]')
    expect(input.query).toEqual({ dry: 'no', access_token: '[masked]' })
    expect(JSON.stringify(trace)).not.toMatch(/Bearer secret|tok-123|k-456/)
    expect(input.body.item).toMatch(/^b+… \[truncated \d+ chars\]$/)
    expect(JSON.stringify(input).length).toBeLessThan(10_000)
    expect(create.events.find((e: any) => e.type === 'output').value).toEqual({ status: 201, body: { ok: true } })
    // A queue run's input is its message; a run that returned nothing has no output.
    expect(ship.events.find((e: any) => e.type === 'input').value.item).toMatch(/… \[truncated/)
    expect(ship.events.some((e: any) => e.type === 'output')).toBe(false)
  })

  test('logs: recent lines filtered by level, step, trace and text; the live feed sends new ones', async () => {
    const { base, api, order } = await boot()
    const res = await fetch(`${base}/__motia/api/live?events=log&step=Ship`)
    expect(res.headers.get('content-type')).toBe('text/event-stream')
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
    await order('lamp')
    let text = ''
    while (!text.includes('shipping lamp')) text += (await reader.read()).value ?? ''
    expect(text).toContain('event: log')
    expect(text).not.toContain('order for lamp')
    await reader.cancel()
    const warn = (await api('/logs?level=warn')).body.logs
    expect(warn.map((l: any) => l.msg)).toContain('shipping lamp')
    expect(warn.map((l: any) => l.msg)).not.toContain('order for lamp')
    const traceId = warn.find((l: any) => l.msg === 'shipping lamp').traceId
    expect((await api(`/logs?traceId=${traceId}`)).body.logs.map((l: any) => l.msg)).toEqual(['order for lamp', 'shipping lamp'])
    expect((await api('/logs?q=LAMP&step=CreateOrder')).body.logs).toHaveLength(1)
    expect((await api('/logs?level=loud')).status).toBe(400)
  })

  test('state: groups, keys, put with JSON checked, get and delete', async () => {
    const { api } = await boot()
    const put = await api('/state/settings/theme', { method: 'PUT', body: '{"mode":"dark"}' })
    expect(put).toEqual({ status: 200, body: { group: 'settings', key: 'theme', oldValue: null, value: { mode: 'dark' } } })
    expect((await api('/state')).body.groups).toEqual([{ name: 'settings', count: 1 }])
    expect((await api('/state/settings')).body.items).toEqual([{ key: 'theme', value: { mode: 'dark' } }])
    expect((await api('/state/settings/theme')).body.value).toEqual({ mode: 'dark' })
    const bad = await api('/state/settings/theme', { method: 'PUT', body: '{mode: dark}' })
    expect(bad.status).toBe(400)
    expect(bad.body.error).toContain('not valid JSON')
    // A page of another site can send text/plain without asking first: refused before it is read.
    const plain = await api('/state/settings/theme', { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: '"light"' })
    expect(plain).toMatchObject({ status: 415, body: { code: 'JSON_REQUIRED' } })
    expect((await api('/state/settings/theme', { method: 'DELETE' })).body.oldValue).toEqual({ mode: 'dark' })
    expect((await api('/state/settings/theme')).status).toBe(404)
  })

  test('queues: counts per topic and step, dead letters replayed and purged', async () => {
    const { api, order } = await boot()
    await order('broken')
    await until(async () => (await api('/queues')).body.queues[0]?.deadLettered === 1, 'dead-lettered')
    expect((await api('/queues')).body.queues).toEqual([{ topic: 'order-created', step: 'Ship', waiting: 0, inFlight: 0, delayed: 0, depth: 0, deadLettered: 1 }])
    const page = (await api('/queues/dead-letters')).body
    expect(page.total).toBe(1)
    expect(page.next).toBeUndefined()
    const [letter] = page.deadLetters
    expect(letter).toMatchObject({ step: 'Ship', error: 'cannot ship broken', attempts: 1, data: { item: 'broken', quantity: 1 }, size: 30 })
    expect((await api('/queues/dead-letters?cursor=garbage')).status).toBe(400)
    expect((await api('/queues/dead-letters?limit=0')).status).toBe(400)
    expect((await api('/queues/replay', { method: 'POST', body: JSON.stringify({ ids: Array(501).fill('x') }) })).body.error).toContain('at most 500 ids')
    expect((await api('/queues/replay', { method: 'POST', body: '{"ids":"x"}' })).status).toBe(400)
    expect((await api('/queues/replay', { method: 'POST', body: JSON.stringify({ ids: [letter.id] }) })).body).toEqual({ replayed: 1 })
    await until(async () => (await api('/queues/dead-letters')).body.deadLetters.length === 1 && (await api('/flows')).body.nodes.find((n: any) => n.name === 'Ship').stats.runs === 2, 'replayed and failed again')
    expect((await api('/queues/purge', { method: 'POST', body: '{nope' })).status).toBe(400)
    expect((await api('/queues/purge', { method: 'POST' })).body).toEqual({ purged: 1 })
  })
})

describe('console API: streams', () => {
  test('streams with their groups, a group\'s items, 404 naming the known streams; the live feed sends changes of the stream asked for', async () => {
    const { base, api, runtime } = await boot()
    expect((await api('/streams')).body).toEqual({ streams: [{ name: 'todo', groups: [] }] })
    const res = await fetch(`${base}/__motia/api/live?events=stream&stream=todo&group=inbox`)
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
    expect((await reader.read()).value).toContain(': open')
    await runtime.streams!.write('todo', 'elsewhere', 'a', () => ({ text: 'not for this feed' }))
    await runtime.streams!.write('todo', 'inbox', 't1', () => ({ text: 'buy milk' }))
    let text = ''
    while (!text.includes('buy milk')) text += (await reader.read()).value ?? ''
    await reader.cancel()
    expect(text).not.toContain('not for this feed')
    const change = JSON.parse(/^data: (.*)$/m.exec(text.slice(text.indexOf('event: stream')))![1]!)
    expect(change).toMatchObject({ streamName: 'todo', groupId: 'inbox', id: 't1', event: { type: 'create', data: { id: 't1', text: 'buy milk' } } })
    expect((await api('/streams')).body.streams).toEqual([{ name: 'todo', groups: [{ id: 'elsewhere', count: 1 }, { id: 'inbox', count: 1 }] }])
    expect((await api('/streams/todo/inbox')).body).toEqual({ stream: 'todo', group: 'inbox', items: [{ id: 't1', text: 'buy milk' }] })
    expect((await api('/streams/todo/none')).body.items).toEqual([])
    const missing = await api('/streams/nope/inbox')
    expect(missing.status).toBe(404)
    expect(missing.body.error).toContain('known streams: todo')
    // The default feed (the Logs and Traces pages) carries no stream changes.
    const plain = await fetch(`${base}/__motia/api/live`)
    const plainReader = plain.body!.pipeThrough(new TextDecoderStream()).getReader()
    await plainReader.read()
    await runtime.streams!.write('todo', 'inbox', 't2', () => ({ text: 'quiet' }))
    const next = await Promise.race([plainReader.read().then((r) => r.value ?? ''), Bun.sleep(200).then(() => '')])
    expect(next).not.toContain('event: stream')
    await plainReader.cancel()
  })
})

describe('console pages and tokens', () => {
  test('the page is served at /__motia/ (gzip, etag) and / redirects there while no step answers GET /', async () => {
    const { base } = await boot()
    const page = await fetch(`${base}/__motia/`, { headers: { 'accept-encoding': 'gzip' } })
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toContain('text/html')
    expect(await page.text()).toContain('<div id="root">')
    const again = await fetch(`${base}/__motia/`, { headers: { 'if-none-match': page.headers.get('etag')! } })
    expect(again.status).toBe(304)
    const root = await fetch(`${base}/`, { redirect: 'manual' })
    expect(root.status).toBe(302)
    expect(root.headers.get('location')).toBe('/__motia/')
  })

  test('bounds that are not whole numbers above 0 are refused with one line', () => {
    expect(() => consolePlugin({ logBytes: 0 })).toThrow('[motia] consolePlugin: logBytes must be a whole number above 0, got 0; leave it out for the default')
    expect(() => consolePlugin({ liveClientBytes: '4mb' as never })).toThrow('liveClientBytes must be a whole number above 0, got "4mb"')
    expect(() => consolePlugin({ logCapacity: 1.5 })).toThrow('logCapacity must be')
  })

  test('a disabled console serves nothing', async () => {
    root = join(import.meta.dir, '../../.tmp', `console-${crypto.randomUUID().slice(0, 8)}`)
    mkdirSync(root, { recursive: true })
    runtime = await createRuntime({ root, mode: 'test', env: {}, logSink: () => {}, flags: { port: 0 }, adapters: { queue: createMemoryQueue, state: createMemoryState }, defaultPlugins: [consolePlugin({ enabled: false })] })
    await runtime.load()
    const base = (await runtime.listen()).replace(/\/$/, '')
    expect((await fetch(`${base}/__motia/api/flows`)).status).toBe(404)
    expect((await fetch(`${base}/__motia/`)).status).toBe(404)
  })

  test('beyond a loopback dev server the API needs the control token; the page does not', async () => {
    const { base } = await boot('start')
    expect((await fetch(`${base}/__motia/`)).status).toBe(200)
    const refused = await fetch(`${base}/__motia/api/flows`)
    expect(refused.status).toBe(403)
    expect(((await refused.json()) as { error: string }).error).toContain('x-motia-token')
    const { token } = JSON.parse(readFileSync(join(root!, '.motia/server.lock'), 'utf8')) as { token: string }
    expect((await fetch(`${base}/__motia/api/flows`, { headers: { 'x-motia-token': token } })).status).toBe(200)
  })
})
