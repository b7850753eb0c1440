/**
 * The otel plugin wraps the trace store; behind Redis that store is shared, and the wrapper must
 * keep its `fetch`/`fetchList` so `/__motia/traces` on one instance still lists what another
 * recorded (it had lost them, and each instance listed only its own).
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { waitFor } from 'motia/testing'
import { startCli, type CliProcess } from '../../test/helpers/cli.ts'
import { freePort, makeProject, type TempProject } from '../../test/helpers/project.ts'
import { startRedisServer, type TestRedis } from '../../test/helpers/redis-server.ts'

const TOKEN = 'otel-shared-token'
let redis: TestRedis
let receiver: ReturnType<typeof Bun.serve>
let project: TempProject
const instances: CliProcess[] = []

beforeAll(async () => {
  redis = await startRedisServer()
  // Takes whatever the exporters send; what they send is index.test.ts's subject.
  receiver = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => Response.json({}) })
  project = makeProject({
    'package.json': JSON.stringify({ name: 'otel-shared', type: 'module' }),
    'steps/hello.step.ts': `
      export const config = { name: 'Hello', triggers: [{ type: 'http', method: 'GET', path: '/hello' }] }
      export const handler = async (_req, { traceId }) => ({ status: 200, body: { traceId } })
    `,
    'motia.config.ts': `
      import { otelPlugin } from 'motia/plugins/otel'
      export default { plugins: [otelPlugin({ endpoint: 'http://127.0.0.1:${receiver.port}', serviceName: 'shared', exportIntervalMs: 50 })] }
    `,
  })
  for (let i = 0; i < 2; i++) instances.push(await startCli(['start', '--port', String(freePort())], project.root, { REDIS_URL: redis.url, MOTIA_TOKEN: TOKEN }))
})

afterAll(async () => {
  for (const instance of instances) await instance.stop()
  await receiver?.stop(true)
  await redis?.cleanup()
  project?.cleanup()
})

test('a trace recorded by one instance is listed and read on the other', async () => {
  const [a, b] = instances as [CliProcess, CliProcess]
  const { traceId } = (await (await a.fetch('/hello')).json()) as { traceId: string }
  const headers = { 'x-motia-token': TOKEN }
  const listed = async () => ((await (await b.fetch('/__motia/traces', { headers })).json()) as { traces: Array<{ id: string; steps: string[] }> }).traces
  await waitFor(async () => (await listed()).some((trace) => trace.id === traceId), 30_000)
  expect((await listed()).find((trace) => trace.id === traceId)!.steps).toEqual(['Hello'])
  const read = await b.fetch(`/__motia/traces/${traceId}`, { headers })
  expect(read.status).toBe(200)
  const trace = (await read.json()) as { id: string; spans: Array<{ step: string; status: string }> }
  expect(trace.spans.map((span) => [span.step, span.status])).toEqual([['Hello', 'ok']])
}, 60_000)
