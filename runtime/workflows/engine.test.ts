/**
 * The engine in one process, on the memory adapters: runs start from any trigger, checkpoints are
 * recorded once and replayed, sleeps and waits park the run in the store, and every refusal names
 * the checkpoint and the fix. Restarts and kill -9 are covered through the real CLI in
 * test/e2e/workflows.test.ts.
 */
import { describe, expect, test } from 'bun:test'
import { testRuntimeEachTest } from '../../test/helpers/runtime.ts'
import type { WorkflowRun } from '../adapters/workflows/types.ts'
import type { TestRuntime } from '../testing/index.ts'

const { start } = testRuntimeEachTest()

/** Resolves the run once `check` holds for it. */
async function runOf(app: TestRuntime, id: string, check: (run: WorkflowRun) => boolean): Promise<WorkflowRun> {
  let last: WorkflowRun | undefined
  await app.waitFor(async () => {
    last = await app.runtime.workflows.store.get(id)
    return last !== undefined && check(last)
  }, 60_000)
  return last!
}

const saga = `
  export const config = {
    name: 'Saga',
    triggers: [{ type: 'http', method: 'POST', path: '/orders' }],
    workflow: { waitsFor: ['shipment'] },
  }
  export const handler = async (req, ctx) => {
    const reserved = await ctx.run('reserve', async () => {
      await ctx.state.update('count', 'reserve', [{ type: 'increment' }])
      return { sku: req.body.sku, at: new Date(0) }
    })
    await ctx.sleep('cool-off', req.body.sleep ?? 50)
    const shipped = await ctx.waitFor('ship', { topic: 'shipment', match: { orderId: req.body.id }, timeout: req.body.timeout ?? '1m' })
    const charged = await ctx.run('charge', async () => {
      await ctx.state.update('count', 'charge', [{ type: 'increment' }])
      return 42
    })
    return { reserved, shipped, charged, runId: ctx.runId }
  }
`
const shipmentSink = `
  export const config = { triggers: [{ type: 'queue', topic: 'shipment' }] }
  export const handler = async () => {}
`

describe('workflow runs', () => {
  test('an http trigger answers 202 with the run id; checkpoints run once across sleep and wait', async () => {
    const app = await start({ 'steps/saga.step.ts': saga, 'steps/sink.step.ts': shipmentSink })
    const res = await app.request('POST', '/orders', { id: 'o1', sku: 'book' })
    expect(res.status).toBe(202)
    const { runId, status } = (await res.json()) as { runId: string; status: string }
    expect(status).toBe('queued')
    await runOf(app, runId, (run) => run.status === 'waiting')
    // A message for another order does not wake it; the matching one does.
    await app.runtime.enqueue({ topic: 'shipment', data: { orderId: 'o2', carrier: 'x' } })
    await app.runtime.enqueue({ topic: 'shipment', data: { orderId: 'o1', carrier: 'ups' } })
    const done = await runOf(app, runId, (run) => run.status === 'completed')
    expect(done.output).toEqual({ reserved: { sku: 'book', at: '1970-01-01T00:00:00.000Z' }, shipped: { ok: true, data: { orderId: 'o1', carrier: 'ups' } }, charged: 42, runId })
    // Three executions (start, after the sleep, after the message); each checkpoint's function ran once.
    expect(done.executions).toBe(3)
    expect(await app.runtime.state.get('count', 'reserve')).toBe(1)
    expect(await app.runtime.state.get('count', 'charge')).toBe(1)
    const points = await app.runtime.workflows.store.checkpoints(runId)
    expect(points.map((c) => [c.id, c.kind, c.done])).toEqual([
      ['reserve', 'run', true],
      ['cool-off', 'sleep', true],
      ['ship', 'wait', true],
      ['charge', 'run', true],
    ])
  })

  test('a wait times out with a typed result', async () => {
    const app = await start({ 'steps/saga.step.ts': saga, 'steps/sink.step.ts': shipmentSink })
    const { runId } = (await (await app.request('POST', '/orders', { id: 'o1', sku: 'pen', sleep: 0, timeout: 100 })).json()) as { runId: string }
    const done = await runOf(app, runId, (run) => run.status === 'completed')
    expect((done.output as { shipped: unknown }).shipped).toEqual({ ok: false, timedOut: true })
  })

  test('the trace shows the run: the start, each execution, executed checkpoints as spans, the sleep and the wait', async () => {
    const app = await start({ 'steps/saga.step.ts': saga, 'steps/sink.step.ts': shipmentSink })
    const res = await app.request('POST', '/orders', { id: 'o1', sku: 'pen', sleep: 0, timeout: 100 })
    const { runId } = (await res.json()) as { runId: string }
    await runOf(app, runId, (run) => run.status === 'completed')
    const trace = app.runtime.traces.get(res.headers.get('x-trace-id')!)!
    const spans = trace.spans.map((span) => span.trigger)
    expect(spans).toEqual(['http', 'workflow', 'checkpoint reserve', 'workflow', 'checkpoint charge'])
    const events = trace.spans.flatMap((span) => span.events.filter((e) => e.type === 'workflow').map((e) => `${(e as { op: string }).op}${(e as { id?: string }).id ? ' ' + (e as { id?: string }).id : ''}`))
    expect(events).toEqual(['start', 'wait ship', 'replay reserve', 'completed'])
  })

  test('cancel of a sleeping run: it never wakes', async () => {
    const app = await start({ 'steps/saga.step.ts': saga, 'steps/sink.step.ts': shipmentSink })
    const { runId } = (await (await app.request('POST', '/orders', { id: 'o1', sku: 'pen', sleep: 5000 })).json()) as { runId: string }
    await runOf(app, runId, (run) => run.status === 'sleeping')
    const { cancelRun } = await import('./engine.ts')
    expect(await cancelRun(app.runtime.workflows.store, runId, 'cancelled by test')).toMatchObject({ status: 'cancelled' })
    await Bun.sleep(600)
    expect(await app.runtime.workflows.store.get(runId)).toMatchObject({ status: 'cancelled', error: 'cancelled by test', executions: 1 })
    expect(await app.runtime.state.get('count', 'charge')).toBeUndefined()
  })

  test('a queue trigger starts a run too, and a failed checkpoint is recorded and thrown again on replay', async () => {
    const app = await start({
      'steps/pay.step.ts': `
        export const config = { name: 'Pay', triggers: [{ type: 'queue', topic: 'pay' }], workflow: true }
        export const handler = async (data, ctx) => {
          let refunded = false
          try {
            await ctx.run('charge', async () => {
              await ctx.state.update('count', 'charge', [{ type: 'increment' }])
              throw new Error('card declined')
            }, { retries: 2 })
          } catch (error) {
            refunded = await ctx.run('compensate', () => error.message)
          }
          await ctx.sleep('settle', 10)
          return { refunded }
        }
      `,
      'steps/start.step.ts': `
        export const config = { triggers: [{ type: 'http', method: 'POST', path: '/pay' }], enqueues: ['pay'] }
        export const handler = async (req, { enqueue }) => { await enqueue({ topic: 'pay', data: {} }); return { status: 200 } }
      `,
    })
    await app.request('POST', '/pay', {})
    let run: WorkflowRun | undefined
    await app.waitFor(async () => (run = (await app.runtime.workflows.store.list({ limit: 1 }))[0])?.status === 'completed', 20_000)
    expect(run!.output).toEqual({ refunded: 'card declined' })
    expect(run!.executions).toBe(2)
    // One try and two retries, in the first execution only.
    expect(await app.runtime.state.get('count', 'charge')).toBe(3)
    const points = await app.runtime.workflows.store.checkpoints(run!.id)
    expect(points[0]).toMatchObject({ id: 'charge', error: { message: 'card declined' } })
    // Each failed try is a warning that says whether another follows.
    const tries = app.logs.filter((entry) => entry.level === 'warn' && entry.msg.includes('checkpoint "charge"')).map((entry) => entry.msg.replace(/^.*checkpoint "charge" /, ''))
    expect(tries).toEqual([
      'try 1 of 3 failed: card declined; trying again now, 2 tries left',
      'try 2 of 3 failed: card declined; trying again now, 1 try left',
      'try 3 of 3 failed: card declined; no tries left: the error is recorded and thrown to the handler',
    ])
  })
})

describe('workflow refusals', () => {
  test('a checkpoint id used twice fails the run, naming the id and the fix', async () => {
    const app = await start({
      'steps/twice.step.ts': `
        export const config = { name: 'Twice', triggers: [{ type: 'http', method: 'POST', path: '/twice' }], workflow: true }
        export const handler = async (req, ctx) => {
          for (let i = 0; i < 2; i++) await ctx.run('item', () => i)
        }
      `,
    })
    const { runId } = (await (await app.request('POST', '/twice', {})).json()) as { runId: string }
    const run = await runOf(app, runId, (r) => r.status === 'failed')
    expect(run.error).toContain('uses checkpoint id "item" twice')
    expect(run.error).toContain('`item-${i}`')
  })

  test('limits: checkpoints per run and result size', async () => {
    const app = await start({
      'steps/many.step.ts': `
        export const config = { name: 'Many', triggers: [{ type: 'http', method: 'POST', path: '/many' }], workflow: { maxCheckpoints: 3, maxResultBytes: 100 } }
        export const handler = async (req, ctx) => {
          if (req.body.big) return ctx.run('big', () => 'x'.repeat(200))
          for (let i = 0; i < 5; i++) await ctx.run('n-' + i, () => i)
        }
      `,
    })
    const many = (await (await app.request('POST', '/many', {})).json()) as { runId: string }
    expect((await runOf(app, many.runId, (r) => r.status === 'failed')).error).toMatch(/limit of 3 checkpoints.*workflow\.maxCheckpoints/)
    const big = (await (await app.request('POST', '/many', { big: true })).json()) as { runId: string }
    expect((await runOf(app, big.runId, (r) => r.status === 'failed')).error).toMatch(/checkpoint "big": its result is 202 bytes of JSON, more than workflow.maxResultBytes \(100\)/)
  })

  test('waitFor on a topic the step does not list is refused with the fix', async () => {
    const app = await start({
      'steps/w.step.ts': `
        export const config = { name: 'W', triggers: [{ type: 'http', method: 'POST', path: '/w' }], workflow: true }
        export const handler = async (req, ctx) => ctx.waitFor('x', { topic: 'paid' })
      `,
    })
    const { runId } = (await (await app.request('POST', '/w', {})).json()) as { runId: string }
    expect((await runOf(app, runId, (r) => r.status === 'failed')).error).toContain(`does not list in workflow.waitsFor: add workflow: { waitsFor: ["paid"] }`)
  })

  test('bad durations and ids are refused naming what was given', async () => {
    const app = await start({
      'steps/bad.step.ts': `
        export const config = { name: 'Bad', triggers: [{ type: 'http', method: 'POST', path: '/bad' }], workflow: true }
        export const handler = async (req, ctx) => req.body.id ? ctx.run('a\\nb', () => 1) : ctx.sleep('nap', '5 fortnights')
      `,
    })
    const sleep = (await (await app.request('POST', '/bad', {})).json()) as { runId: string }
    expect((await runOf(app, sleep.runId, (r) => r.status === 'failed')).error).toContain(`"5 fortnights" is not a duration: pass milliseconds`)
    const id = (await (await app.request('POST', '/bad', { id: true })).json()) as { runId: string }
    expect((await runOf(app, id.runId, (r) => r.status === 'failed')).error).toContain('without control characters, got "a\\nb"')
  })

  test('a step that is not a workflow gets a clear error from ctx.sleep', async () => {
    const app = await start({
      'steps/plain.step.ts': `
        export const config = { triggers: [{ type: 'http', method: 'POST', path: '/plain' }] }
        export const handler = async (req, ctx) => {
          try { await ctx.sleep('nap', '1m') } catch (error) { return { status: 200, body: { error: error.message } } }
        }
      `,
    })
    const body = (await (await app.request('POST', '/plain', {})).json()) as { error: string }
    expect(body.error).toContain('calls ctx.sleep("nap") but is not a workflow: add workflow: true to its config')
  })
})

describe('workflow config and reloads', () => {
  test('a wrong workflow option is refused at load, naming the file and the fix', async () => {
    const app = await start({
      'steps/bad.step.ts': `
        export const config = { name: 'Bad', triggers: [{ type: 'http', method: 'POST', path: '/bad' }], workflow: { waitsFor: 'shipment' } }
        export const handler = async () => {}
      `,
    })
    expect(app.logs.map((entry) => entry.msg).join('\n')).toContain(`step "Bad" (steps/bad.step.ts): workflow.waitsFor must list topic names, e.g. waitsFor: ['order.shipped'], got "shipment"`)
  })

  test('a run sleeping across a hot reload resumes with the new code', async () => {
    const app = await start({
      'steps/nap.step.ts': `
        export const config = { name: 'Nap', triggers: [{ type: 'http', method: 'POST', path: '/nap' }], workflow: true }
        export const handler = async (req, ctx) => {
          const first = await ctx.run('first', () => 'old code')
          await ctx.sleep('nap', 2000)
          return { first, version: 1 }
        }
      `,
    })
    const { runId } = (await (await app.request('POST', '/nap', {})).json()) as { runId: string }
    await runOf(app, runId, (run) => run.status === 'sleeping')
    const { writeFileSync } = await import('node:fs')
    writeFileSync(
      `${app.runtime.root}/steps/nap.step.ts`,
      `
        export const config = { name: 'Nap', triggers: [{ type: 'http', method: 'POST', path: '/nap' }], workflow: true }
        export const handler = async (req, ctx) => {
          const first = await ctx.run('first', () => 'new code')
          await ctx.sleep('nap', 2000)
          return { first, version: 2 }
        }
      `,
    )
    await app.runtime.reload()
    expect((await runOf(app, runId, (run) => run.status === 'completed')).output).toEqual({ first: 'old code', version: 2 })
  })
})

describe('workflow operators and floods', () => {
  const napper = `
    export const config = { name: 'Napper', triggers: [{ type: 'http', method: 'POST', path: '/nap' }], workflow: { waitsFor: ['go'] } }
    export const handler = async (req, ctx) => {
      if (req.body.wait) return ctx.waitFor('go', { topic: 'go', match: req.body.match })
      await ctx.sleep('nap', '1h')
      await ctx.run('after', () => ctx.state.update('count', 'after', [{ type: 'increment' }]))
      return 'woke'
    }
  `

  test('concurrent cancels of one run: exactly one cancels it; a wake racing a cancel never runs a cancelled run on', async () => {
    const app = await start({ 'steps/napper.step.ts': napper })
    const { cancelRun, wakeRun } = await import('./engine.ts')
    const store = app.runtime.workflows.store
    const { runId } = (await (await app.request('POST', '/nap', {})).json()) as { runId: string }
    await runOf(app, runId, (run) => run.status === 'sleeping')
    const results = await Promise.all(Array.from({ length: 20 }, () => cancelRun(store, runId)))
    expect(results.filter(Boolean)).toHaveLength(1)

    const raced = (await (await app.request('POST', '/nap', {})).json()) as { runId: string }
    await runOf(app, raced.runId, (run) => run.status === 'sleeping')
    await Promise.all([wakeRun(store, app.runtime.queue, raced.runId), cancelRun(store, raced.runId)])
    await Bun.sleep(300)
    const after = (await store.get(raced.runId))!
    // Either the cancel came first (the run never resumes) or the wake's execution ran to the end.
    expect(['cancelled', 'completed']).toContain(after.status)
    expect(await app.runtime.state.get('count', 'after')).toBe(after.status === 'completed' ? 1 : undefined)
  })

  test('cancel of a running run: its next checkpoint is refused, and nothing after it runs', async () => {
    const app = await start({
      'steps/long.step.ts': `
        export const config = { name: 'Long', triggers: [{ type: 'http', method: 'POST', path: '/long' }], workflow: true }
        export const handler = async (req, ctx) => {
          await ctx.run('slow', async () => {
            await ctx.state.set('progress', 'slow', 'started')
            while ((await ctx.state.get('progress', 'gate')) !== 'open') await Bun.sleep(10)
          })
          await ctx.run('next', () => ctx.state.set('progress', 'next', 'ran'))
        }
      `,
    })
    const { cancelRun } = await import('./engine.ts')
    const { runId } = (await (await app.request('POST', '/long', {})).json()) as { runId: string }
    await app.waitFor(async () => (await app.runtime.state.get('progress', 'slow')) === 'started', 20_000)
    expect(await cancelRun(app.runtime.workflows.store, runId, 'stop it')).toMatchObject({ status: 'cancelled' })
    await app.runtime.state.set('progress', 'gate', 'open')
    // The execution ends once the refused checkpoint failed it; its span shows the refusal.
    await app.waitFor(() => app.runtime.traces.list({ limit: 5 }).some((t) => t.status === 'error'), 20_000)
    expect(await app.runtime.workflows.store.get(runId)).toMatchObject({ status: 'cancelled', error: 'stop it' })
    expect(await app.runtime.workflows.store.checkpoints(runId)).toEqual([])
    expect(await app.runtime.state.get('progress', 'next')).toBeUndefined()
  })

  test('one message resumes every run whose wait it matches, and none other', async () => {
    const app = await start({ 'steps/napper.step.ts': napper })
    const ids = await Promise.all(Array.from({ length: 200 }, async (_, i) => ((await (await app.request('POST', '/nap', { wait: true, match: { batch: i % 2 ? 'odd' : 'even' } })).json()) as { runId: string }).runId))
    await app.waitFor(async () => (await app.runtime.workflows.store.list({ status: 'waiting', limit: 1000 })).length === 200, 20_000)
    await app.runtime.enqueue({ topic: 'go', data: { batch: 'even', n: 1 } })
    await app.waitFor(async () => (await app.runtime.workflows.store.list({ status: 'completed', limit: 1000 })).length === 100, 20_000)
    const runs = await Promise.all(ids.map((id) => app.runtime.workflows.store.get(id)))
    expect(runs.filter((run) => run!.status === 'completed').every((run) => (run!.input as { body: { match: { batch: string } } }).body.match.batch === 'even')).toBe(true)
    expect(runs.filter((run) => run!.status === 'waiting')).toHaveLength(100)
  })

  test('the control routes refuse bad input with a clear 4xx', async () => {
    const app = await start({ 'steps/napper.step.ts': napper })
    const bad = async (method: string, path: string, body?: string) => {
      const res = await app.request(method, path, method === 'POST' ? (body ?? '{}') : undefined, method === 'POST' ? { 'content-type': 'application/json' } : {})
      return [res.status, ((await res.json()) as { error: string }).error]
    }
    expect(await bad('GET', '/__motia/runs?limit=0')).toEqual([400, 'limit must be a whole number from 1 to 1000'])
    expect(await bad('GET', '/__motia/runs?status=asleep')).toEqual([400, 'status must be one of queued, running, sleeping, waiting, completed, failed, cancelled'])
    expect(await bad('GET', '/__motia/runs/run_%0Anope')).toEqual([404, 'no workflow run with id run_\nnope'])
    expect(await bad('POST', '/__motia/runs/run_x/cancel')).toEqual([404, 'no workflow run with id run_x'])
    expect(await bad('POST', '/__motia/runs/run_x/replay', '{"from": 3}')).toEqual([400, '"from" must be a checkpoint id (a string)'])
    expect(await bad('POST', '/__motia/replay', 'not json')).toEqual([400, 'body must be JSON'])
    expect(await bad('POST', '/__motia/replay', '{}')).toEqual([400, 'body must be { "traceId": "...", "step"?: "..." }'])
    // Replay repeats side effects: only motia dev serves it.
    expect(await bad('POST', '/__motia/replay', '{"traceId":"abc"}')).toEqual([403, '[motia] replay runs handlers again with their side effects: it is served by motia dev only'])
  })
})
