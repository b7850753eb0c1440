/**
 * The otel plugin while its collector is down: one warning, the spans kept, one line when it
 * answers again. The collector is a real OTLP/HTTP receiver (a Bun.serve) started later on a port
 * nothing listened on, or a TCP listener that hangs up on every connection (counting them).
 */
import { afterEach, expect, test } from 'bun:test'
import { createTestRuntime, waitFor, type TestRuntime } from 'motia/testing'
import { freePort, makeProject, type TempProject } from '../../test/helpers/project.ts'

let project: TempProject | undefined
let app: TestRuntime | undefined
let servers: Array<{ stop(force?: boolean): unknown }> = []

afterEach(async () => {
  await app?.stop()
  app = undefined
  for (const server of servers) await server.stop(true)
  servers = []
  project?.cleanup()
})

const steps = {
  'steps/http/orders.post.step.ts': `
    export const config = { name: 'PlaceOrder' }
    export const handler = async (req, { logger }) => {
      logger.info('order placed', { id: req.body.id })
      return { status: 201, body: {} }
    }
  `,
}

function otelProject(endpoint: string, options = '') {
  return makeProject({
    ...steps,
    'motia.config.ts': `import { otelPlugin } from 'motia/plugins/otel'\nexport default { plugins: [otelPlugin({ endpoint: '${endpoint}', exportIntervalMs: 50, exportTimeoutMs: 300${options} })] }`,
  })
}

/** An OTLP/HTTP receiver that keeps the names of the spans and the bodies of the log records. */
function startCollector(port: number) {
  const spans: string[] = []
  const logs: string[] = []
  servers.push(
    Bun.serve({
      port,
      hostname: '127.0.0.1',
      async fetch(request) {
        const body = (await request.json()) as Record<string, Array<Record<string, Array<Record<string, Array<{ name?: string; body?: { stringValue?: string } }>>>>>>
        for (const r of body.resourceSpans ?? []) for (const s of r.scopeSpans ?? []) spans.push(...(s.spans ?? []).map((span) => span.name!))
        for (const r of body.resourceLogs ?? []) for (const s of r.scopeLogs ?? []) logs.push(...(s.logRecords ?? []).map((log) => log.body?.stringValue ?? ''))
        return Response.json({})
      },
    }),
  )
  return { spans, logs }
}

const otelLines = () => app!.logs.filter((entry) => entry.msg.startsWith('[otel]'))

test('a collector that is down is warned about once, naming the endpoint and the fix; what was exported meanwhile arrives when it is up, with one line saying so', async () => {
  const port = freePort()
  const endpoint = `http://127.0.0.1:${port}`
  project = otelProject(endpoint)
  app = await createTestRuntime({ root: project.root })
  expect((await app.request('POST', '/orders', { id: 'o1' })).status).toBe(201)
  await app.waitFor(() => otelLines().length > 0, 30_000)
  // More runs while it is down: their exports are held, not warned about again.
  for (const id of ['o2', 'o3']) expect((await app.request('POST', '/orders', { id })).status).toBe(201)

  const collector = startCollector(port)
  await waitFor(() => collector.spans.length >= 3 && otelLines().length >= 2, 60_000)
  const [down, up, ...rest] = otelLines()
  expect(down!.level).toBe('warn')
  expect(down!.msg).toStartWith(`[otel] cannot reach the collector at ${endpoint} (`)
  expect(down!.msg).toEndWith(
    `): keeping up to 2048 spans and log records and retrying; start the collector, or fix the otel plugin's endpoint in motia.config.ts`,
  )
  expect(up!.level).toBe('info')
  expect(up!.msg).toMatch(new RegExp(`^\\[otel\\] the collector at ${endpoint.replaceAll('.', '\\.')} answers again after \\d+ m?s: sending the \\d+ spans and \\d+ log records held meanwhile$`))
  expect(rest).toEqual([])
  expect(collector.spans).toEqual(['PlaceOrder', 'PlaceOrder', 'PlaceOrder'])
  // Every span was held (the runtime was never connected), and the line counts them all.
  expect(up!.msg).toContain('sending the 3 spans and ')
  // The log records of all three runs, and the warning itself, were held and sent.
  await waitFor(() => collector.logs.filter((body) => body === 'order placed').length === 3 && collector.logs.some((body) => body.startsWith('[otel] cannot reach')), 30_000)
}, 120_000)

test('failed exports past the first are not warned about again; past bufferSize the oldest are dropped, said once, and the unsent are named at stop', async () => {
  // A listener that hangs up on every connection, so each export attempt is counted.
  const port = freePort()
  let attempts = 0
  servers.push(Bun.listen({ hostname: '127.0.0.1', port, socket: { open: (socket) => void (attempts++, socket.end()), data() {} } }))
  project = otelProject(`http://127.0.0.1:${port}`, ', bufferSize: 2, logs: false')
  app = await createTestRuntime({ root: project.root })
  for (const id of ['o1', 'o2', 'o3', 'o4']) expect((await app.request('POST', '/orders', { id })).status).toBe(201)
  // The first export and at least two probes after it have failed.
  await waitFor(() => attempts >= 3 && otelLines().length >= 2, 60_000)
  const seen = attempts
  await waitFor(() => attempts >= seen + 2, 60_000)
  const lines = otelLines().map((entry) => `${entry.level} ${entry.msg.replace(/ \(.*?\)/, '')}`)
  expect(lines).toEqual([
    `warn [otel] cannot reach the collector at http://127.0.0.1:${port}: keeping up to 2 spans and retrying; start the collector, or fix the otel plugin's endpoint in motia.config.ts`,
    `warn [otel] the collector at http://127.0.0.1:${port} is still down and 2 spans are held: dropping the oldest until it answers`,
  ])
  await app.stop()
  const last = app.logs.at(-1)!
  app = undefined
  expect(last.msg).toBe(`[otel] stopped with 2 spans unsent (and 2 spans dropped): the collector at http://127.0.0.1:${port} did not answer again`)
}, 120_000)
