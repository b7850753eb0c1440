/**
 * Three small projects written the way Motia users write them (two in Motia 1.0 style, one in
 * 0.x style), each with steps that call each other through topics and state, run unmodified by
 * the real `motia dev` over a real port. (Streams join once the streams issue lands.)
 */
import { afterEach, describe, expect, test } from 'bun:test'
import { freePort, makeProject, type TempProject } from '../helpers/project.ts'
import { startCli, type CliProcess } from '../helpers/cli.ts'

let project: TempProject | undefined
let cli: CliProcess | undefined

afterEach(async () => {
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
    export const handler: Handlers<typeof config> = async (req, { enqueue, logger }) => {
      const id = 'o-' + req.body.item
      logger.info('order received', { id })
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
    export const handler: Handlers<typeof config> = async (order, { state, enqueue }) => {
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
        return ctx.match({ http: async () => ({ status: 202, body: { page } }) })
      },
    )
  `,
  'steps/counted.step.ts': `
    import { queue, step, stateManager, logger } from 'motia'
    export const { config, handler } = step({ name: 'Counted', triggers: [queue('visit.counted')] }, async (input) => {
      logger.info('counted', { page: input.page })
      await stateManager.set('last', input.page, input.via)
    })
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
    export const { config, handler } = step({ name: 'Page', triggers: [api('GET', '/pages/:page')] }, async (req, { state }) => {
      const hits = await state.get('pages', '/' + req.pathParams.page)
      const via = await state.get('last', '/' + req.pathParams.page)
      return { status: 200, body: { hits: hits ?? null, via: via ?? null } }
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
    export const handler = async (req, { emit }) => {
      await emit({ topic: 'user.signed-up', data: { email: req.body.email } })
      return { status: 200, body: { ok: true } }
    }
  `,
  'steps/welcome.step.ts': `
    import { z } from 'zod'
    export const config = {
      type: 'event', name: 'Welcome', subscribes: ['user.signed-up'], emits: [{ topic: 'user.welcomed', label: 'welcomed' }],
      input: z.object({ email: z.string() }), flows: ['users'],
    }
    export const handler = async (input, { emit, state }) => {
      await state.set('users', input.email, { email: input.email, welcomed: true })
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
    export const handler = async (req, { state }) => {
      const user = await state.get('users', req.pathParams.email)
      return user ? { status: 200, body: { user, count: await state.get('stats', 'users') } } : { status: 404, body: {} }
    }
  `,
  'steps/heartbeat.step.ts': `
    export const config = { type: 'cron', name: 'Heartbeat', cron: '* * * * * *', emits: [], flows: ['users'] }
    export const handler = async ({ state }) => { await state.set('heartbeat', 'beat', true) }
  `,
  'steps/manual.step.ts': `
    export const config = { type: 'noop', name: 'ManualApproval', virtualEmits: ['user.approved'], virtualSubscribes: ['user.welcomed'], flows: ['users'] }
  `,
}

describe('Motia projects under motia dev', () => {
  test('Motia 1.0 context style: http → queue → state trigger → http, with Motia state API', async () => {
    const c = await dev(contextStyle)
    expect(c.output()).not.toContain('"level":"error"')
    expect((await post(c, '/orders', { item: 'lamp', qty: 2 })).status).toBe(201)
    await c.until('/orders?limit=5', (b) => (b as { audited: number }).audited === 1, 10000)
    expect(await c.json('/orders?limit=5')).toEqual({ orders: [{ id: 'o-lamp', item: 'lamp', qty: 2, status: 'reserved' }], audited: 1, limit: '5' })
  }, 30000)

  test('Motia 1.0 builders, ctx.getData/match, condition, module-level context', async () => {
    const c = await dev(builderStyle)
    expect(c.output()).not.toContain('"level":"error"')
    expect(await (await post(c, '/visits', { page: '/home' })).json()).toEqual({ page: '/home' })
    await c.until('/pages/home', (b) => (b as { via: unknown }).via === 'http', 10000)
    expect((await post(c, '/replay/home', {})).status).toBe(202)
    await c.until('/pages/home', (b) => (b as { via: unknown }).via === 'queue', 10000)
    expect(await c.json('/pages/home')).toEqual({ hits: { hits: 2 }, via: 'queue' })
    // the queue trigger's condition skips /health: acknowledged, never counted
    expect((await post(c, '/replay/health', {})).status).toBe(202)
    const skipped = async () => {
      const { traces } = (await c.json('/__motia/traces')) as { traces: Array<{ id: string; name: string }> }
      const found = await Promise.all(traces.map(async (t) => JSON.stringify(await c.json('/__motia/traces/' + t.id))))
      return found.some((t) => t.includes("skipped: the queue trigger's condition is false"))
    }
    for (const deadline = Date.now() + 10000; !(await skipped()) && Date.now() < deadline; ) await Bun.sleep(100)
    expect(await skipped()).toBe(true)
    expect(await c.json('/pages/health')).toEqual({ hits: null, via: null })
  }, 30000)

  test('Motia 0.x: api → event → event chain through emit and state, cron and noop, one warning per file', async () => {
    const c = await dev(legacyStyle)
    expect((await post(c, '/signups', { email: 'a@b.c' })).status).toBe(200)
    await c.until('/users/a@b.c', (b) => (b as { count?: number }).count === 1, 10000)
    expect(await c.json('/users/a@b.c')).toEqual({ user: { email: 'a@b.c', welcomed: true }, count: 1 })
    expect((await post(c, '/signups', { email: 42 })).status).toBe(400)
    const warnings = c.output().split('\n').filter((l) => l.includes('uses the Motia 0.x config'))
    expect(warnings).toHaveLength(6)
    expect(c.output()).not.toContain('"level":"error"')
  }, 30000)
})
