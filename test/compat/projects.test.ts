/**
 * Three small projects written the way Motia users write them (two in Motia 1.0 style, one in
 * 0.x style), each with steps that call each other through topics, state and streams, run
 * unmodified by the real `motia dev` over a real port; a WebSocket client speaking Motia's stream
 * protocol watches the streams' changes.
 */
import { afterEach, describe, expect, test } from 'bun:test'
import { freePort, makeProject, type TempProject } from '../helpers/project.ts'
import { startCli, type CliProcess } from '../helpers/cli.ts'
import { openSocket, type Frame, type TestSocket } from '../helpers/streams.ts'

let project: TempProject | undefined
let cli: CliProcess | undefined
let socket: TestSocket | undefined

afterEach(async () => {
  socket?.close()
  socket = undefined
  await cli?.stop()
  project?.cleanup()
  cli = project = undefined
})

async function dev(files: Record<string, string>): Promise<CliProcess> {
  project = makeProject(files)
  const port = freePort()
  cli = await startCli(['dev', '--port', String(port)], project.root)
  return cli
}

const post = (c: CliProcess, path: string, body: unknown) =>
  c.fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

/** A raw WebSocket on the dev server's port, joined to one stream group, its sync received. */
async function watch(c: CliProcess, streamName: string, groupId: string): Promise<TestSocket> {
  socket = await openSocket(`ws://127.0.0.1:${c.port}/`)
  socket.join(streamName, groupId)
  await socket.next((f) => f.event.type === 'sync')
  return socket
}

/** The create/update/delete frames received, as `type id data` for readable assertions. */
const changes = (s: TestSocket) =>
  s.frames.filter((f: Frame) => ['create', 'update', 'delete'].includes(f.event.type)).map((f) => ({ type: f.event.type, id: f.id, data: f.event.data }))

// Motia 1.0, context style (as in Motia's README): config objects with triggers, Handlers<typeof config>
const contextStyle = {
  'src/orders/create-order.step.ts': `
    import type { Handlers, StepConfig } from 'motia'
    import { z } from 'zod'
    export const config = {
      name: 'CreateOrder',
      description: 'Accepts an order',
      flows: ['orders'],
      triggers: [{ type: 'http', method: 'POST', path: '/orders', bodySchema: z.object({ item: z.string(), qty: z.number() }) }],
      enqueues: ['order.created'],
      virtualEnqueues: ['audit'],
    } as const satisfies StepConfig
    export const handler: Handlers<typeof config> = async (req, { enqueue, logger, streams }) => {
      const id = 'o-' + req.body.item
      logger.info('order received', { id })
      await streams.orderStatus.set('orders', id, { status: 'received', qty: req.body.qty })
      await enqueue({ topic: 'order.created', data: { id, ...req.body } })
      return { status: 201, body: { id } }
    }
  `,
  'src/orders/reserve-stock.step.ts': `
    import type { Handlers, StepConfig } from 'motia'
    import { z } from 'zod'
    export const config = {
      name: 'ReserveStock',
      flows: ['orders'],
      triggers: [{ type: 'queue', topic: 'order.created', input: z.object({ id: z.string(), item: z.string(), qty: z.number() }) }],
      enqueues: ['stock.reserved'],
    } as const satisfies StepConfig
    export const handler: Handlers<typeof config> = async (order, { state, enqueue, streams }) => {
      const { new_value, old_value } = await streams.orderStatus.set('orders', order.id, { status: 'reserved', qty: order.qty })
      await state.set('transitions', order.id, { from: old_value?.status ?? null, to: new_value.status })
      await state.set('orders', order.id, { ...order, status: 'reserved' })
      await enqueue({ topic: 'stock.reserved', data: { id: order.id } })
      return order.id
    }
  `,
  'src/orders/on-order-change.step.ts': `
    import type { Handlers, StepConfig } from 'motia'
    export const config = {
      name: 'OnOrderChange',
      flows: ['orders'],
      triggers: [{ type: 'state', condition: (input) => input.group_id === 'orders' && input.new_value?.status === 'reserved' }],
    } as const satisfies StepConfig
    export const handler: Handlers<typeof config> = async (input, { state }) => {
      await state.set('audit', input.item_id, { from: input.old_value ?? null, to: input.new_value })
    }
  `,
  'src/orders/list-orders.step.ts': `
    import type { Handlers, StepConfig } from 'motia'
    export const config = { name: 'ListOrders', flows: ['orders'], triggers: [{ type: 'http', method: 'GET', path: '/orders' }] } as const satisfies StepConfig
    export const handler: Handlers<typeof config> = async (req, { state }) => {
      const orders = await state.list('orders')
      const audit = await state.getGroup('audit')
      return { status: 200, body: { orders, audited: audit.length, limit: req.queryParams.limit ?? null } }
    }
  `,
  'src/orders/order-status.stream.ts': `
    import { StreamConfig } from 'motia'
    import { z } from 'zod'
    export const config: StreamConfig = {
      name: 'orderStatus',
      schema: z.object({ status: z.string(), qty: z.number() }),
      baseConfig: { storageType: 'default' },
    }
  `,
  'src/orders/on-status-update.step.ts': `
    import type { Handlers, StepConfig } from 'motia'
    export const config = {
      name: 'OnStatusUpdate',
      flows: ['orders'],
      triggers: [{ type: 'stream', streamName: 'orderStatus', groupId: 'orders', condition: (input) => input.event.type === 'update' }],
    } as const satisfies StepConfig
    export const handler: Handlers<typeof config> = async (input, { state }) => {
      const item = input.event.data as { status: string }
      await state.set('status-updates', input.id, { type: input.event.type, status: item.status, stream: input.streamName })
    }
  `,
  'src/orders/order-status.step.ts': `
    import type { Handlers, StepConfig } from 'motia'
    export const config = { name: 'OrderStatus', flows: ['orders'], triggers: [{ type: 'http', method: 'GET', path: '/orders/:id/status' }] } as const satisfies StepConfig
    export const handler: Handlers<typeof config> = async (req, { state, streams }) => {
      const id = req.pathParams.id
      const live = await streams.orderStatus.get('orders', id)
      if (!live) return { status: 404, body: { error: 'no such order' } }
      return { status: 200, body: { live, transition: await state.get('transitions', id), update: await state.get('status-updates', id) } }
    }
  `,
}

// Motia 1.0 with builders, multi-trigger helpers and module-level context (≥ 1.0.3)
const builderStyle = {
  'steps/track.step.ts': `
    import { http, queue, step } from 'motia'
    import { z } from 'zod'
    const visit = z.object({ page: z.string() })
    export const { config, handler } = step(
      { name: 'Track', triggers: [http('POST', '/visits', { bodySchema: visit }), queue('visit', { input: visit }, (input) => input.page !== '/health')], enqueues: ['visit.counted'] },
      async (input, ctx) => {
        const { page } = ctx.getData()
        await ctx.state.update('pages', page, [{ type: 'increment', path: 'hits' }])
        await ctx.enqueue({ topic: 'visit.counted', data: { page, via: ctx.trigger.type } })
        return ctx.match({ http: async () => ({ status: 202, body: { page } }), queue: async () => undefined })
      },
    )
  `,
  'steps/counted.step.ts': `
    import { queue, step, stateManager, logger, streams } from 'motia'
    export const { config, handler } = step({ name: 'Counted', triggers: [queue('visit.counted')] }, async (input) => {
      logger.info('counted', { page: input.page })
      await stateManager.set('last', input.page, input.via)
      const id = input.page.slice(1)
      const before = await streams.live.get('pages', id)
      const { new_value, old_value } = await streams.live.set('pages', id, { page: input.page, views: (before?.views ?? 0) + 1, via: input.via })
      logger.info('live view count', { from: old_value?.views ?? 0, to: new_value.views })
    })
  `,
  'steps/live.stream.ts': `
    import type { StreamConfig } from 'motia'
    import { z } from 'zod'
    export const config: StreamConfig = {
      name: 'live',
      schema: z.object({ page: z.string(), views: z.number(), via: z.string() }),
      baseConfig: { storageType: 'default' },
    }
  `,
  'steps/on-live.step.ts': `
    import { step, stream } from 'motia'
    export const { config, handler } = step({ name: 'OnLive', triggers: [stream('live', (input) => input.event.type !== 'delete')] }, async (input, ctx) =>
      ctx.match({
        stream: async (change) => { await ctx.state.set('live-log', change.id + '#' + (change.event.data as { views: number }).views, change.event.type) },
      }),
    )
  `,
  'steps/replay.step.ts': `
    import { enqueue, http, step } from 'motia'
    export const { config, handler } = step({ name: 'Replay', triggers: [http('POST', '/replay/:page')], enqueues: ['visit'] }, async ({ request }) => {
      await enqueue({ topic: 'visit', data: { page: '/' + request.pathParams.page } })
      return { status: 202, body: {} }
    })
  `,
  'steps/page.step.ts': `
    import { api, step } from 'motia'
    export const { config, handler } = step({ name: 'Page', triggers: [api('GET', '/pages/:page')] }, async (req, { state, streams }) => {
      const hits = await state.get('pages', '/' + req.pathParams.page)
      const via = await state.get('last', '/' + req.pathParams.page)
      const live = await streams.live.get('pages', req.pathParams.page)
      const log = await state.entries('live-log')
      return { status: 200, body: { hits: hits ?? null, via: via ?? null, live, log: Object.fromEntries(log.map((e) => [e.key, e.value])) } }
    })
  `,
}

// Motia 0.x: type: 'api' | 'event' | 'cron' | 'noop', emits/subscribes, ctx.emit, 0.x cron handler
const legacyStyle = {
  'steps/signup.step.ts': `
    import { z } from 'zod'
    export const config = {
      type: 'api', name: 'Signup', path: '/signups', method: 'POST', flows: ['users'],
      bodySchema: z.object({ email: z.string() }), emits: ['user.signed-up'],
    }
    export const handler = async (req, { emit, streams }) => {
      const signup = await streams.signups.set('all', req.body.email, { email: req.body.email, status: 'pending' })
      await emit({ topic: 'user.signed-up', data: { email: req.body.email } })
      return { status: 200, body: { ok: true, signup } }
    }
  `,
  'steps/welcome.step.ts': `
    import { z } from 'zod'
    export const config = {
      type: 'event', name: 'Welcome', subscribes: ['user.signed-up'], emits: [{ topic: 'user.welcomed', label: 'welcomed' }],
      input: z.object({ email: z.string() }), flows: ['users'],
    }
    export const handler = async (input, { emit, state, streams }) => {
      const item = await streams.signups.set('all', input.email, { email: input.email, status: 'welcomed' })
      await state.set('users', input.email, { email: input.email, welcomed: true, signup: item.id + ':' + item.status })
      await emit({ topic: 'user.welcomed', data: { email: input.email } })
    }
  `,
  'steps/count.step.ts': `
    export const config = { type: 'event', name: 'Count', subscribes: ['user.welcomed'], emits: [], flows: ['users'] }
    export const handler = async (input, { state }) => {
      const users = await state.getGroup('users')
      await state.set('stats', 'users', users.length)
    }
  `,
  'steps/users.step.ts': `
    export const config = { type: 'api', name: 'Users', path: '/users/:email', method: 'GET', emits: [], flows: ['users'] }
    export const handler = async (req, { state, streams }) => {
      const user = await state.get('users', req.pathParams.email)
      const signup = await streams.signups.get('all', req.pathParams.email)
      return user ? { status: 200, body: { user, count: await state.get('stats', 'users'), signup } } : { status: 404, body: {} }
    }
  `,
  'steps/heartbeat.step.ts': `
    export const config = { type: 'cron', name: 'Heartbeat', cron: '* * * * * *', emits: [], flows: ['users'] }
    export const handler = async ({ state }) => { await state.set('heartbeat', 'beat', true) }
  `,
  'steps/signups.stream.ts': `
    import { StreamConfig } from 'motia'
    import { z } from 'zod'
    export const config: StreamConfig = {
      name: 'signups',
      schema: z.object({ email: z.string(), status: z.enum(['pending', 'welcomed']) }),
      baseConfig: { storageType: 'default' },
    }
  `,
  'steps/manual.step.ts': `
    export const config = { type: 'noop', name: 'ManualApproval', virtualEmits: ['user.approved'], virtualSubscribes: ['user.welcomed'], flows: ['users'] }
  `,
}

describe('Motia projects under motia dev', () => {
  test('Motia 1.0 context style: http → queue → state trigger → http, with Motia state API and ctx.streams', async () => {
    const c = await dev(contextStyle)
    expect(c.output()).not.toContain('"level":"error"')
    const ws = await watch(c, 'orderStatus', 'orders')
    expect((await post(c, '/orders', { item: 'lamp', qty: 2 })).status).toBe(201)
    await c.until('/orders?limit=5', (b) => (b as { audited: number }).audited === 1, 10000)
    expect(await c.json('/orders?limit=5')).toEqual({ orders: [{ id: 'o-lamp', item: 'lamp', qty: 2, status: 'reserved' }], audited: 1, limit: '5' })
    // the stream item, set's { new_value, old_value } as the queue step read it, and the stream trigger's run
    await c.until('/orders/o-lamp/status', (b) => (b as { update: unknown }).update !== null, 10000)
    expect(await c.json('/orders/o-lamp/status')).toEqual({
      live: { status: 'reserved', qty: 2, id: 'o-lamp' },
      transition: { from: 'received', to: 'reserved' },
      update: { type: 'update', status: 'reserved', stream: 'orderStatus' },
    })
    expect((await c.fetch('/orders/o-nothing/status')).status).toBe(404)
    await ws.next((f) => f.event.type === 'update')
    expect(changes(ws)).toEqual([
      { type: 'create', id: 'o-lamp', data: { status: 'received', qty: 2, id: 'o-lamp' } },
      { type: 'update', id: 'o-lamp', data: { status: 'reserved', qty: 2, id: 'o-lamp' } },
    ])
    expect(ws.frames.every((f) => f.streamName === 'orderStatus' && f.groupId === 'orders')).toBe(true)
    expect(c.output()).not.toContain('"level":"error"')
  }, 60_000)

  test('Motia 1.0 builders, ctx.getData/match, condition, module-level context and streams, stream() trigger', async () => {
    const c = await dev(builderStyle)
    expect(c.output()).not.toContain('"level":"error"')
    const ws = await watch(c, 'live', 'pages')
    expect(await (await post(c, '/visits', { page: '/home' })).json()).toEqual({ page: '/home' })
    await c.until('/pages/home', (b) => (b as { via: unknown }).via === 'http', 10000)
    expect((await post(c, '/replay/home', {})).status).toBe(202)
    await c.until('/pages/home', (b) => Object.keys((b as { log: object }).log).length === 2, 10000)
    expect(await c.json('/pages/home')).toEqual({
      hits: { hits: 2 },
      via: 'queue',
      live: { page: '/home', views: 2, via: 'queue', id: 'home' },
      log: { 'home#1': 'create', 'home#2': 'update' },
    })
    await ws.next((f) => f.event.type === 'update')
    expect(changes(ws)).toEqual([
      { type: 'create', id: 'home', data: { page: '/home', views: 1, via: 'http', id: 'home' } },
      { type: 'update', id: 'home', data: { page: '/home', views: 2, via: 'queue', id: 'home' } },
    ])
    // module-level streams read set's { new_value, old_value }
    const counts = c.output().split('\n').filter((line) => line.includes('"msg":"live view count"')).map((line) => JSON.parse(line))
    expect(counts.map((entry) => [entry.from, entry.to])).toEqual([[0, 1], [1, 2]])
    // the queue trigger's condition skips /health: acknowledged, never counted
    expect((await post(c, '/replay/health', {})).status).toBe(202)
    const skipped = async () => {
      const { traces } = (await c.json('/__motia/traces')) as { traces: Array<{ id: string; name: string }> }
      const found = await Promise.all(traces.map(async (t) => JSON.stringify(await c.json('/__motia/traces/' + t.id))))
      return found.some((t) => t.includes("skipped: the queue trigger's condition is false"))
    }
    for (const deadline = Date.now() + 10000; !(await skipped()) && Date.now() < deadline; ) await Bun.sleep(100)
    expect(await skipped()).toBe(true)
    expect(await c.json('/pages/health')).toMatchObject({ hits: null, via: null, live: null })
    expect(changes(ws).map((change) => change.id)).toEqual(['home', 'home'])
    expect(c.output()).not.toContain('"level":"error"')
  }, 60_000)

  test('Motia 0.x: api → event → event chain through emit, state and streams, cron and noop, one warning per file', async () => {
    const c = await dev(legacyStyle)
    const ws = await watch(c, 'signups', 'all')
    // 0.x's streams.<name>.set answers the stored item
    const signedUp = await post(c, '/signups', { email: 'a@b.c' })
    expect(signedUp.status).toBe(200)
    expect(await signedUp.json()).toEqual({ ok: true, signup: { email: 'a@b.c', status: 'pending', id: 'a@b.c' } })
    await c.until('/users/a@b.c', (b) => (b as { count?: number }).count === 1, 10000)
    expect(await c.json('/users/a@b.c')).toEqual({
      user: { email: 'a@b.c', welcomed: true, signup: 'a@b.c:welcomed' },
      count: 1,
      signup: { email: 'a@b.c', status: 'welcomed', id: 'a@b.c' },
    })
    await ws.next((f) => f.event.type === 'update')
    expect(changes(ws)).toEqual([
      { type: 'create', id: 'a@b.c', data: { email: 'a@b.c', status: 'pending', id: 'a@b.c' } },
      { type: 'update', id: 'a@b.c', data: { email: 'a@b.c', status: 'welcomed', id: 'a@b.c' } },
    ])
    expect((await post(c, '/signups', { email: 42 })).status).toBe(400)
    const warnings = c.output().split('\n').filter((l) => l.includes('uses the Motia 0.x config'))
    expect(warnings).toHaveLength(6)
    expect(c.output()).not.toContain('"level":"error"')
  }, 60_000)
})
