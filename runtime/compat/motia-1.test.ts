/**
 * Motia 1.0 step files, written in Motia's style, load and behave as Motia documents them:
 * builders, conditions on every trigger, both http handler shapes, the multi-trigger helpers,
 * the state API and state-trigger input, module-level context.
 */
import { describe, expect, test } from 'bun:test'
import type { TestRuntime } from '../testing/index.ts'
import { testRuntimeEachTest } from '../../test/helpers/runtime.ts'
import { moduleContextEnabled } from '../step/module-context.ts'

const { start } = testRuntimeEachTest()

const errorsOf = (t: TestRuntime) => t.logs.filter((l) => l.level === 'error').map((l) => l.msg)

describe('builders', () => {
  test('http/api/queue/state builders with condition: undefined load and run; step() and export default step() both work', async () => {
    const t = await start({
      'steps/create-order.step.ts': `
        import { http, step } from 'motia'
        import { z } from 'zod'
        export const { config, handler } = step(
          { name: 'CreateOrder', triggers: [http('POST', '/orders', { bodySchema: z.object({ sku: z.string() }) })], enqueues: ['order-placed'] },
          async (req, { enqueue }) => {
            await enqueue({ topic: 'order-placed', data: { sku: req.body.sku } })
            return { status: 201, body: { sku: req.body.sku } }
          },
        )
      `,
      'steps/record-order.step.ts': `
        import { queue, step } from 'motia'
        import { z } from 'zod'
        export default step({ name: 'RecordOrder', triggers: [queue('order-placed', { input: z.object({ sku: z.string() }) }, undefined)] })
          .handle(async (input, { state }) => { await state.set('orders', input.sku, input) })
      `,
      'steps/legacy-api.step.ts': `
        import { api, state, step } from 'motia'
        export const { config, handler } = step({ name: 'Ping', triggers: [api('GET', '/ping', undefined, undefined), state(undefined)] }, async () => ({ status: 200, body: 'pong' }))
      `,
    })
    expect(errorsOf(t)).toEqual([])
    expect((await t.request('POST', '/orders', { sku: 'a1' })).status).toBe(201)
    await t.waitFor(async () => (await t.runtime.state.get('orders', 'a1')) !== undefined)
    expect(await t.runtime.state.get('orders', 'a1')).toEqual({ sku: 'a1' })
    expect(await (await t.request('GET', '/ping')).text()).toBe('pong')
  })

  test('a condition that is not a function is refused at load, naming the step and trigger', async () => {
    const t = await start({
      'steps/bad.step.ts': `export const config = { name: 'Bad', triggers: [{ type: 'cron', expression: '0 3 * * *', condition: 'yes' }] }
        export const handler = async () => {}`,
    })
    expect(errorsOf(t).join('\n')).toContain(`step "Bad" (steps/bad.step.ts): the cron trigger's condition must be a function`)
  })
})

describe('condition on every trigger type', () => {
  test('queue: a message whose condition is false is acknowledged and skipped, and the trace shows the skip', async () => {
    const t = await start({
      'steps/big-orders.step.ts': `
        import { queue, step } from 'motia'
        export const { config, handler } = step(
          { name: 'BigOrders', triggers: [queue('order', {}, (input) => input.total > 100)] },
          async (input, { state }) => { await state.set('big', String(input.id), input) },
        )
      `,
    })
    await t.runtime.enqueue({ topic: 'order', data: { id: 1, total: 50 } })
    await t.runtime.enqueue({ topic: 'order', data: { id: 2, total: 500 } })
    await t.waitFor(async () => (await t.runtime.state.get('big', '2')) !== undefined)
    await t.waitFor(async () => (await t.runtime.queue.depth('order', 'BigOrders')) === 0)
    expect(await t.runtime.state.get('big', '1')).toBeUndefined()
    const skipped = t.runtime.traces.list().map((s) => t.runtime.traces.get(s.id)!).find((tr) => tr.spans.some((sp) => sp.events.some((e) => e.type === 'log' && e.msg.startsWith('skipped'))))
    expect(skipped?.spans[0]).toMatchObject({ step: 'BigOrders', trigger: 'queue', status: 'ok' })
    expect(await t.runtime.queue.deadLetters({ step: 'BigOrders' })).toEqual([])
  })

  test('cron: a tick whose condition is false is skipped', async () => {
    const t = await start({
      'steps/tick.step.ts': `
        import { cron, step } from 'motia'
        let ticks = 0
        export const { config, handler } = step(
          { name: 'Tick', triggers: [cron('* * * * * *', async (_input, ctx) => { ticks++; await ctx.state.set('ticks', 'seen', ticks); return ticks % 2 === 0 })] },
          async (_input, { state }) => { await state.update('ticks', 'ran', [{ type: 'increment' }]) },
        )
      `,
    })
    await t.waitFor(async () => ((await t.runtime.state.get<number>('ticks', 'seen')) ?? 0) >= 3, 6000)
    const seen = (await t.runtime.state.get<number>('ticks', 'seen'))!
    const ran = (await t.runtime.state.get<number>('ticks', 'ran')) ?? 0
    expect(ran).toBeLessThanOrEqual(Math.ceil(seen / 2))
    expect(ran).toBeGreaterThanOrEqual(1)
  }, 60_000)

  test('http: a request whose condition is false gets 404 and the handler does not run', async () => {
    const t = await start({
      'steps/admin.step.ts': `
        import { http, step } from 'motia'
        export const { config, handler } = step(
          { name: 'Admin', triggers: [http('GET', '/admin', {}, (req) => req.headers['x-role'] === 'admin')] },
          async () => ({ status: 200, body: { secret: 42 } }),
        )
      `,
    })
    const refused = await t.request('GET', '/admin')
    expect(refused.status).toBe(404)
    expect(await refused.json()).toEqual({ error: 'Not Found' })
    const allowed = await t.request('GET', '/admin', undefined, { 'x-role': 'admin' })
    expect(await allowed.json()).toEqual({ secret: 42 })
  })
})

describe('http input', () => {
  test('req.pathParams/queryParams alias params/query; ({ request }) is Motia request object; req.raw is the Fetch request', async () => {
    const t = await start({
      'steps/item.step.ts': `
        import { http, step } from 'motia'
        export const { config, handler } = step({ name: 'Item', triggers: [http('POST', '/items/:id')] }, async (req) => {
          const { request } = req
          return { status: 200, body: {
            pathParams: req.pathParams, queryParams: req.queryParams,
            fromRequest: { body: request.body, id: request.pathParams.id, q: request.queryParams.q, method: request.method, header: request.headers['x-a'] },
            raw: req.raw instanceof Request,
          } }
        })
      `,
    })
    const res = await t.request('POST', '/items/7?q=x', { n: 1 }, { 'x-a': 'b' })
    expect(await res.json()).toEqual({
      pathParams: { id: '7' },
      queryParams: { q: 'x' },
      fromRequest: { body: { n: 1 }, id: '7', q: 'x', method: 'POST', header: 'b' },
      raw: true,
    })
  })

  test('a Motia ≥ 1.0.3 handler answers through response: status, headers, stream.write, close', async () => {
    const t = await start({
      'steps/report.step.ts': `
        import { http, step } from 'motia'
        export const { config, handler } = step({ name: 'Report', triggers: [http('GET', '/report')] }, async ({ request, response }) => {
          response.status(202)
          response.headers({ 'content-type': 'text/plain' })
          response.stream.write('a,')
          setTimeout(() => { response.stream.write('b'); response.close() }, 20)
        })
      `,
    })
    const res = await t.request('GET', '/report')
    expect(res.status).toBe(202)
    expect(res.headers.get('content-type')).toBe('text/plain')
    expect(await res.text()).toBe('a,b')
  })
})

describe('multi-trigger helpers', () => {
  test('ctx.match, ctx.getData and ctx.is pick by the trigger that fired; an http request a match leaves unanswered gets a 500 and the log says why', async () => {
    const t = await start({
      'steps/process.step.ts': `
        import { http, queue, step } from 'motia'
        import { z } from 'zod'
        const job = z.object({ job: z.string() })
        export const { config, handler } = step(
          { name: 'Process', triggers: [http('POST', '/jobs', { bodySchema: job }), queue('jobs', { input: job })] },
          async (input, ctx) => {
            const data = ctx.getData()
            await ctx.state.set('seen', ctx.trigger.type, { data, isHttp: ctx.is.http(input), isQueue: ctx.is.queue(input) })
            return ctx.match({
              http: async (req) => ({ status: 200, body: { via: 'http', job: req.body.job } }),
              queue: async (input) => { await ctx.state.set('jobs', input.job, true) },
            })
          },
        )
      `,
      'steps/only-http.step.ts': `
        import { cron, http, step } from 'motia'
        export const { config, handler } = step({ name: 'OnlyHttp', triggers: [http('GET', '/only')] }, async (_req, ctx) => ctx.match({ cron: async () => {} }))
      `,
    })
    expect(await (await t.request('POST', '/jobs', { job: 'j1' })).json()).toEqual({ via: 'http', job: 'j1' })
    await t.runtime.enqueue({ topic: 'jobs', data: { job: 'j2' } })
    await t.waitFor(async () => (await t.runtime.state.get('jobs', 'j2')) === true)
    expect(await t.runtime.state.get('seen', 'http')).toEqual({ data: { job: 'j1' }, isHttp: true, isQueue: false })
    expect(await t.runtime.state.get('seen', 'queue')).toEqual({ data: { job: 'j2' }, isHttp: false, isQueue: true })
    expect((await t.request('GET', '/only')).status).toBe(500)
    expect(errorsOf(t).join('\n')).toContain('ctx.match() has no "http" handler and no default')
  })

  test('ctx.match with no handler for the trigger and no default resolves undefined, as in Motia, with one warning per step', async () => {
    const t = await start({
      'steps/half.step.ts': `
        import { http, queue, step } from 'motia'
        export const { config, handler } = step({ name: 'Half', triggers: [http('POST', '/half'), queue('half')] }, async (_input, ctx) => {
          const result = await ctx.match({ http: async () => ({ status: 200, body: { ok: true } }) })
          await ctx.state.update('half', ctx.trigger.type, [{ type: 'increment', path: 'runs' }])
          await ctx.state.set('half-result', ctx.trigger.type, { undefinedResult: result === undefined })
          return result
        })
      `,
    })
    await t.runtime.enqueue({ topic: 'half', data: { n: 1 } })
    await t.runtime.enqueue({ topic: 'half', data: { n: 2 } })
    await t.waitFor(async () => (await t.runtime.state.get<{ runs: number }>('half', 'queue'))?.runs === 2)
    expect(await t.runtime.state.get('half-result', 'queue')).toEqual({ undefinedResult: true })
    const warnings = t.logs.filter((l) => l.level === 'warn' && l.msg.includes('ctx.match() has no "queue" handler'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]!.msg).toContain('step "Half"')
    expect(warnings[0]!.msg).toContain('resolved undefined: add queue: async (input) => { ... } or default')
    // Neither run failed: no retry, nothing dead-lettered, no error logged.
    expect(errorsOf(t)).toEqual([])
    expect(await (await t.request('POST', '/half', {})).json()).toEqual({ ok: true })
  })

  test('ctx.match runs the handler of the trigger that fired and nothing else; default only for triggers without one', async () => {
    const t = await start({
      'steps/matched.step.ts': `
        import { http, queue, step } from 'motia'
        export const { config, handler } = step({ name: 'Matched', triggers: [http('POST', '/matched'), queue('matched')] }, async (_input, ctx) => {
          const ran = (name) => ctx.state.update('ran', name, [{ type: 'increment' }])
          return ctx.match({
            http: async (req) => {
              await ran('http')
              return { status: 200, body: { via: 'http', got: req.body } }
            },
            default: async (input) => {
              await ran('default')
              await ctx.state.set('default-input', ctx.trigger.type, input)
              return { status: 299, body: { via: 'default' } }
            },
          })
        })
      `,
    })
    const res = await t.request('POST', '/matched', { n: 1 })
    expect([res.status, await res.json()]).toEqual([200, { via: 'http', got: { n: 1 } }])
    expect(await t.runtime.state.get('ran', 'default')).toBeUndefined()
    await t.runtime.enqueue({ topic: 'matched', data: { n: 2 } })
    await t.waitFor(async () => (await t.runtime.state.get('default-input', 'queue')) !== undefined)
    expect(await t.runtime.state.get('default-input', 'queue')).toEqual({ n: 2 })
    expect([await t.runtime.state.get('ran', 'http'), await t.runtime.state.get('ran', 'default')]).toEqual([1, 1])
  })
})

describe('state', () => {
  test('state.list returns the values, getGroup the same, entries the pairs', async () => {
    const t = await start({
      'steps/lists.step.ts': `
        import { http, step } from 'motia'
        export const { config, handler } = step({ name: 'Lists', triggers: [http('GET', '/lists')] }, async (_req, { state }) => {
          await state.set('users', 'a', { name: 'Ann' })
          await state.set('users', 'b', { name: 'Bob' })
          const byName = (x) => x.sort((p, q) => JSON.stringify(p).localeCompare(JSON.stringify(q)))
          return { status: 200, body: { list: byName(await state.list('users')), group: byName(await state.getGroup('users')), entries: byName(await state.entries('users')) } }
        })
      `,
    })
    expect(await (await t.request('GET', '/lists')).json()).toEqual({
      list: [{ name: 'Ann' }, { name: 'Bob' }],
      group: [{ name: 'Ann' }, { name: 'Bob' }],
      entries: [
        { key: 'a', value: { name: 'Ann' } },
        { key: 'b', value: { name: 'Bob' } },
      ],
    })
  })

  test('state-trigger input carries Motia names (type, group_id, item_id, old_value, new_value) alongside ours', async () => {
    const t = await start({
      'steps/pay.step.ts': `
        import { http, step } from 'motia'
        export const { config, handler } = step({ name: 'Pay', triggers: [http('POST', '/pay/:id')] }, async (req, { state }) => {
          await state.set('orders', req.pathParams.id, { status: 'new' })
          await state.set('orders', req.pathParams.id, { status: 'paid' })
          return { status: 204 }
        })
      `,
      'steps/on-paid.step.ts': `
        import { state, step } from 'motia'
        export const { config, handler } = step(
          { name: 'OnPaid', triggers: [state((input) => input.group_id === 'orders' && input.new_value?.status === 'paid')] },
          async (input, { state }) => { await state.set('seen', input.item_id, { type: input.type, old: input.old_value, new: input.new_value, ours: input.newValue, key: input.key }) },
        )
      `,
    })
    expect((await t.request('POST', '/pay/o1')).status).toBe(204)
    await t.waitFor(async () => (await t.runtime.state.get('seen', 'o1')) !== undefined)
    expect(await t.runtime.state.get('seen', 'o1')).toEqual({ type: 'state', old: { status: 'new' }, new: { status: 'paid' }, ours: { status: 'paid' }, key: 'o1' })
    expect(await t.runtime.state.list('seen')).toHaveLength(1)
  })
})

describe('module-level context', () => {
  test("import { logger, enqueue, stateManager } from 'motia' act for the running step, across awaits and concurrent runs", async () => {
    const t = await start({
      'steps/mod.step.ts': `
        import { enqueue, http, logger, stateManager, step } from 'motia'
        export const { config, handler } = step({ name: 'Mod', triggers: [http('POST', '/mod')], enqueues: ['done'] }, async (req) => {
          await Bun.sleep(Math.random() * 20)
          logger.info('working', { n: req.body.n })
          await stateManager.set('mod', String(req.body.n), req.body.n)
          await enqueue({ topic: 'done', data: { n: req.body.n } })
          return { status: 200, body: { n: req.body.n } }
        })
      `,
      'steps/done.step.ts': `
        import { queue, stateManager, step } from 'motia'
        export const { config, handler } = step({ name: 'Done', triggers: [queue('done')] }, async (input) => { await stateManager.set('done', String(input.n), true) })
      `,
    })
    expect(moduleContextEnabled()).toBe(true)
    const answers = await Promise.all([1, 2, 3, 4, 5].map(async (n) => (await t.request('POST', '/mod', { n })).json()))
    expect(answers).toEqual([1, 2, 3, 4, 5].map((n) => ({ n })))
    await t.waitFor(async () => (await t.runtime.state.list('done')).length === 5)
    const logs = t.logs.filter((l) => l.msg === 'working')
    expect(logs.every((l) => l.step === 'Mod' && typeof l.traceId === 'string')).toBe(true)
    expect(new Set(logs.map((l) => l.traceId)).size).toBe(5)
  })
})

describe('new Stream(config) (Motia ≥ 1.0.3)', () => {
  const streamFile = `
    import { Stream } from 'motia'
    import { z } from 'zod'
    export const config = { name: 'note', schema: z.object({ text: z.string() }) }
    export const note = new Stream(config)
  `

  test('a step writes through the object: validated, traced in its span, and readable outside any run', async () => {
    const t = await start({
      'steps/note.stream.ts': streamFile,
      'steps/write.step.ts': `
        import { http, step } from 'motia'
        import { note } from './note.stream'
        export const { config, handler } = step({ name: 'Write', triggers: [http('POST', '/notes/:id')] }, async (req) => {
          await new Promise((resolve) => setTimeout(resolve, 1))
          const { new_value } = await note.set('all', req.pathParams.id, { text: String(req.body.text) })
          return { status: 201, body: { item: new_value, count: (await note.list('all')).length } }
        })
      `,
      'steps/bad.step.ts': `
        import { http, step } from 'motia'
        import { note } from './note.stream'
        export const { config, handler } = step({ name: 'Bad', triggers: [http('POST', '/bad')] }, async () => {
          await note.set('all', 'x', { text: 42 })
          return { status: 200, body: {} }
        })
      `,
    })
    const res = await t.request('POST', '/notes/n1', { text: 'hi' })
    expect(res.status).toBe(201)
    expect(await res.json()).toEqual({ item: { id: 'n1', text: 'hi' }, count: 1 })
    const trace = t.runtime.traces.get(res.headers.get('x-trace-id')!)!
    const ops = trace.spans.flatMap((span) => span.events).filter((event) => event.type === 'stream')
    expect(ops.map((event) => (event as { op: string }).op)).toEqual(['set', 'getGroup'])
    // An item that fails the schema is refused as through ctx.streams.note.
    const bad = await t.request('POST', '/bad', {})
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error: string }).error).toContain('stream "note" (steps/note.stream.ts): item all/x does not match the schema')
    // Outside a run (module top level, a timer, a stream hook): the project's streams.
    const { note } = (await import(`${t.runtime.root}/steps/note.stream.ts`)) as { note: { get(g: string, id: string): Promise<unknown> } }
    expect(await note.get('all', 'n1')).toEqual({ id: 'n1', text: 'hi' })
  })

  test('a stream file exporting only the object defines the stream; an object of an undefined stream says which file to add', async () => {
    const t = await start({
      'steps/only.stream.ts': `
        import { Stream } from 'motia'
        import { z } from 'zod'
        export const only = new Stream({ name: 'only', schema: z.object({ n: z.number() }) })
      `,
      'steps/use.step.ts': `
        import { http, step, Stream } from 'motia'
        import { z } from 'zod'
        import { only } from './only.stream'
        const ghost = new Stream({ name: 'ghost', schema: z.object({}) })
        export const { config, handler } = step({ name: 'Use', triggers: [http('POST', '/use')] }, async (req) => {
          if (req.body.ghost) await ghost.set('g', 'x', {})
          return { status: 200, body: (await only.set('g', 'a', { n: 1 })).new_value }
        })
      `,
    })
    expect(await (await t.request('POST', '/use', {})).json()).toEqual({ id: 'a', n: 1 })
    expect((await t.request('POST', '/use', { ghost: true })).status).toBe(500)
    expect(errorsOf(t).join('\n')).toContain('stream "ghost" is not defined in this project: export its config from a *.stream.ts file')
  })

  test('multiTriggerStep runs the handler of the trigger that fired; a trigger without one fails its run naming the handlers', async () => {
    const t = await start({
      'steps/multi.step.ts': `
        import { http, multiTriggerStep, queue } from 'motia'
        export const { config, handler } = multiTriggerStep({ name: 'Multi', triggers: [http('POST', '/multi'), queue('multi')] })
          .onHttp(async (req, ctx) => {
            await ctx.state.set('multi', 'http', req.body)
            return { status: 200, body: { via: ctx.trigger.type } }
          })
          .handlers()
      `,
    })
    expect(await (await t.request('POST', '/multi', { a: 1 })).json()).toEqual({ via: 'http' })
    expect(await t.runtime.state.get('multi', 'http')).toEqual({ a: 1 })
    await t.runtime.enqueue({ topic: 'multi', data: {} })
    await t.waitFor(() => errorsOf(t).some((e) => e.includes('no handler for the queue trigger (handlers: http): add .onQueue(handler)')))
  })
})
