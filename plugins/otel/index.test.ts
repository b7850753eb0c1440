/**
 * Against a local OTLP/HTTP receiver (a Bun.serve that decodes the JSON the exporters send).
 */
import { afterEach, expect, test } from 'bun:test'
import { createTestRuntime, waitFor, type TestRuntime } from 'motia/testing'
import { makeProject, type TempProject } from '../../test/helpers/project.ts'

interface OtlpSpan {
  traceId: string
  spanId: string
  parentSpanId?: string
  name: string
  attributes: Array<{ key: string; value: Record<string, unknown> }>
  events?: Array<{ name: string; attributes: Array<{ key: string; value: Record<string, unknown> }> }>
  status?: { code?: number; message?: string }
}
interface OtlpLog {
  body: { stringValue?: string }
  traceId?: string
  spanId?: string
  severityText?: string
}

let project: TempProject | undefined
let app: TestRuntime | undefined
let receiver: ReturnType<typeof Bun.serve> | undefined

afterEach(async () => {
  await app?.stop()
  app = undefined
  await receiver?.stop(true)
  project?.cleanup()
})

function startReceiver() {
  const spans: OtlpSpan[] = []
  const logs: OtlpLog[] = []
  const headers: string[] = []
  receiver = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    async fetch(request) {
      const body = (await request.json()) as Record<string, Array<Record<string, Array<Record<string, unknown[]>>>>>
      headers.push(request.headers.get('x-api-key') ?? '')
      const path = new URL(request.url).pathname
      if (path === '/v1/traces') for (const r of body.resourceSpans ?? []) for (const s of r.scopeSpans ?? []) spans.push(...(s.spans as OtlpSpan[]))
      if (path === '/v1/logs') for (const r of body.resourceLogs ?? []) for (const s of r.scopeLogs ?? []) logs.push(...(s.logRecords as OtlpLog[]))
      return Response.json({})
    },
  })
  return { spans, logs, headers, endpoint: `http://127.0.0.1:${receiver.port}` }
}

const attr = (span: { attributes: OtlpSpan['attributes'] }, key: string) => {
  const value = span.attributes.find((a) => a.key === key)?.value
  return value && (value.stringValue ?? (value.intValue === undefined ? undefined : Number(value.intValue)))
}

const steps = {
  'steps/create-order.step.ts': `
    export const config = { triggers: [{ type: 'http', method: 'POST', path: '/orders' }], enqueues: ['order.placed'] }
    export const handler = async (req, { enqueue, state, traceId }) => {
      await state.set('orders', req.body.id, req.body)
      await enqueue({ topic: 'order.placed', data: req.body })
      return { status: 201, body: { traceId } }
    }
  `,
  'steps/ship-order.step.ts': `
    export const config = { triggers: [{ type: 'queue', topic: 'order.placed' }] }
    export const handler = async (order, { logger, state }) => {
      logger.info('shipping', { orderId: order.id })
      await state.set('shipped', order.id, true)
      if (order.id === 'bad') throw new Error('no address')
    }
  `,
}

test('a trace that crossed an enqueue is exported as a parent span and its child, with logs', async () => {
  const otlp = startReceiver()
  project = makeProject({
    ...steps,
    'motia.config.ts': `
      import { otelPlugin } from 'motia/plugins/otel'
      export default { plugins: [otelPlugin({ endpoint: '${otlp.endpoint}', serviceName: 'orders', headers: { 'x-api-key': 'k1' }, exportIntervalMs: 50 })] }
    `,
  })
  app = await createTestRuntime({ root: project.root })
  const res = await app.request('POST', '/orders', { id: 'o1' })
  expect(res.status).toBe(201)
  const { traceId } = (await res.json()) as { traceId: string }
  await waitFor(() => otlp.spans.length >= 2 && otlp.logs.some((l) => l.body.stringValue === 'shipping'), 10_000)

  const create = otlp.spans.find((s) => s.name === 'CreateOrder')!
  const ship = otlp.spans.find((s) => s.name === 'ShipOrder')!
  expect(create.traceId).toBe(traceId)
  expect(ship.traceId).toBe(traceId)
  expect(create.parentSpanId ?? '').toBe('')
  expect(ship.parentSpanId).toBe(create.spanId)
  expect([attr(create, 'motia.trigger'), attr(create, 'http.route'), attr(create, 'http.request.method'), attr(create, 'http.response.status_code')]).toEqual(['http', '/orders', 'POST', 201])
  expect([attr(ship, 'motia.step'), attr(ship, 'motia.trigger'), attr(ship, 'motia.topic'), attr(ship, 'motia.status')]).toEqual(['ShipOrder', 'queue', 'order.placed', 'ok'])
  expect(create.events!.map((e) => e.name)).toEqual(['state.set', 'enqueue'])
  expect(ship.events!.map((e) => e.name)).toEqual(['state.set'])
  const log = otlp.logs.find((l) => l.body.stringValue === 'shipping')!
  expect([log.traceId, log.spanId, log.severityText]).toEqual([traceId, ship.spanId, 'INFO'])
  expect(otlp.headers.every((h) => h === 'k1')).toBe(true)
}, 60_000)

test('a failed run is an error span with the message', async () => {
  const otlp = startReceiver()
  project = makeProject({
    ...steps,
    'motia.config.ts': `import { otelPlugin } from 'motia/plugins/otel'\nexport default { plugins: [otelPlugin({ endpoint: '${otlp.endpoint}', exportIntervalMs: 50, logs: false })] }`,
  })
  app = await createTestRuntime({ root: project.root })
  await app.request('POST', '/orders', { id: 'bad' })
  await waitFor(() => otlp.spans.some((s) => s.name === 'ShipOrder'), 10_000)
  const ship = otlp.spans.find((s) => s.name === 'ShipOrder')!
  expect(ship.status).toEqual({ code: 2, message: 'no address' })
  expect(attr(ship, 'motia.status')).toBe('error')
  expect(otlp.logs).toEqual([])
}, 60_000)

test('sampleRate 0 exports no spans', async () => {
  const otlp = startReceiver()
  project = makeProject({
    ...steps,
    'motia.config.ts': `import { otelPlugin } from 'motia/plugins/otel'\nexport default { plugins: [otelPlugin({ endpoint: '${otlp.endpoint}', exportIntervalMs: 50, sampleRate: 0 })] }`,
  })
  app = await createTestRuntime({ root: project.root })
  await app.request('POST', '/orders', { id: 'o2' })
  await app.waitFor(async () => (await app!.runtime.state.get('shipped', 'o2')) === true)
  await app.stop() // flushes what there is
  app = undefined
  expect(otlp.spans).toEqual([])
}, 60_000)

test('bad options are refused with a message naming the plugin', async () => {
  project = makeProject({
    'motia.config.ts': `import { otelPlugin } from 'motia/plugins/otel'\nexport default { plugins: [otelPlugin({ endpoint: 'nope', sampleRate: 2 })] }`,
  })
  const error = await createTestRuntime({ root: project.root }).catch((e: Error) => e)
  expect((error as Error).message).toMatch(/^\[motia\] plugin "otel" has invalid options in motia\.config\.ts: endpoint: .*; sampleRate: /)
}, 60_000)
