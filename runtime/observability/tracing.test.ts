import { afterAll, beforeAll, expect, test } from 'bun:test'
import { createTestRuntime, type TestRuntime } from '../testing/index.ts'
import { makeProject, type TempProject } from '../../test/helpers/project.ts'
import type { Trace } from '../adapters/traces/types.ts'

let project: TempProject
let app: TestRuntime

beforeAll(async () => {
  project = makeProject({
    'steps/http/orders.post.step.ts': `
      export const config = { enqueues: ['order-placed'] }
      export const handler = async (req, { enqueue, logger }) => {
        logger.info('accepting order', { item: req.body.item })
        await enqueue({ topic: 'order-placed', data: req.body })
        return { status: 202, body: {} }
      }
    `,
    'steps/queue/order-placed.step.ts': `
      export const handler = async (order, { state, logger }) => {
        await state.set('orders', order.item, order)
        logger.warn('stored')
      }
    `,
  })
  app = await createTestRuntime({ root: project.root })
})

afterAll(async () => {
  await app.stop()
  project.cleanup()
})

async function traceOf(id: string): Promise<Trace> {
  const res = await app.request('GET', `/__motia/traces/${id}`)
  expect(res.status).toBe(200)
  return (await res.json()) as Trace
}

test('one trace follows a request through the queue, with a span per step run', async () => {
  const res = await app.request('POST', '/orders', { item: 'book' })
  const traceId = res.headers.get('x-trace-id')!
  await app.waitFor(async () => (await traceOf(traceId)).spans.every((s) => s.status !== 'running') && (await traceOf(traceId)).spans.length === 2)
  const trace = await traceOf(traceId)
  expect(trace.name).toBe('POST /orders')
  const [http, queue] = trace.spans
  expect(http).toMatchObject({ step: 'PostOrders', trigger: 'http', status: 'ok' })
  expect(http!.events.map((e) => e.type)).toEqual(['log', 'enqueue'])
  expect(http!.events[1]).toMatchObject({ type: 'enqueue', topic: 'order-placed', subscribers: 1 })
  expect(queue).toMatchObject({ step: 'OrderPlaced', trigger: 'queue', status: 'ok' })
  expect(queue!.events.map((e) => e.type)).toEqual(['state', 'log'])
  expect(queue!.durationMs).toBeGreaterThanOrEqual(0)
})

test('log lines carry the trace id, step and flows', () => {
  const line = app.logs.find((l) => l.msg === 'accepting order')!
  expect(line).toMatchObject({ level: 'info', step: 'PostOrders', flows: [], item: 'book' })
  expect(line.traceId).toMatch(/^[0-9a-f]{32}$/)
})

test('GET /__motia/traces lists the newest first', async () => {
  await app.request('POST', '/orders', { item: 'pen' })
  const res = await app.request('GET', '/__motia/traces?limit=1')
  const { traces } = (await res.json()) as { traces: Array<{ name: string; steps: string[] }> }
  expect(traces).toHaveLength(1)
  expect(traces[0]!.name).toBe('POST /orders')
})

test('an unknown trace id answers 404', async () => {
  expect((await app.request('GET', '/__motia/traces/nope')).status).toBe(404)
})
