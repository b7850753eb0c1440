/**
 * Durable workflows on Redis across two real `motia start` instances sharing one private
 * redis-server: `waitFor` resumes on a matching message enqueued through the other instance (and
 * from the CLI), times out otherwise, and a run sleeping when its instance is killed with kill -9
 * is resumed by the other, once.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import type { Checkpoint, WorkflowRun } from '../../runtime/adapters/workflows/types.ts'
import { waitFor } from '../../runtime/testing/wait.ts'
import { runCli, startCli, type CliProcess } from '../helpers/cli.ts'
import { freePort, makeProject } from '../helpers/project.ts'
import { startRedisServer, type TestRedis } from '../helpers/redis-server.ts'

const project = makeProject({
  'steps/order.step.ts': `
    export const config = { name: 'Order', triggers: [{ type: 'http', method: 'POST', path: '/orders' }], workflow: { waitsFor: ['shipment'] } }
    export const handler = async (req, ctx) => {
      const { id, timeout, sleep } = req.body
      await ctx.run('reserve', () => ctx.state.update('count', 'reserve-' + id, [{ type: 'increment' }]).then(() => 'reserved'))
      if (sleep) await ctx.sleep('nap', sleep)
      const shipped = await ctx.waitFor('ship', { topic: 'shipment', match: { orderId: id }, timeout })
      await ctx.run('finish', () => ctx.state.update('count', 'finish-' + id, [{ type: 'increment' }]).then(() => 'finished'))
      return shipped
    }
  `,
  'steps/ship.step.ts': `
    export const config = { name: 'Ship', triggers: [{ type: 'http', method: 'POST', path: '/ship' }], enqueues: ['shipment'] }
    export const handler = async (req, { enqueue }) => {
      await enqueue({ topic: 'shipment', data: req.body })
      return { status: 200, body: {} }
    }
  `,
  'steps/http/count.get.step.ts': `
    export const handler = async (req, { state }) => ({ status: 200, body: Object.fromEntries((await state.entries('count')).map((e) => [e.key, e.value])) })
  `,
})
let redis: TestRedis
const instances: CliProcess[] = []

beforeAll(async () => void (redis = await startRedisServer()))
afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.stop()))
  await redis.cleanup()
  project.cleanup()
})

test('waitFor resumes on a message from another instance, times out otherwise, and a killed instance\'s sleeping run resumes on the other', async () => {
  const env = { REDIS_URL: redis.url, MOTIA_TOKEN: 'test-token-for-workflows' }
  const [a, b] = await Promise.all([freePort(), freePort()].map((port) => startCli(['start', '--port', String(port)], project.root, env)))
  instances.push(a!, b!)
  const cli = async (args: string[]) => {
    const result = await runCli(args, project.root, env)
    if (result.code !== 0) throw new Error(`motia ${args.join(' ')} exited ${result.code}: ${result.stderr}`)
    return result.stdout
  }
  const runOf = async (id: string) => JSON.parse(await cli(['runs', 'show', id, '--json'])) as { run: WorkflowRun; checkpoints: Checkpoint[] }
  const until = (id: string, status: string) => waitFor(async () => (await runOf(id)).run.status === status, 60_000)
  const order = async (on: CliProcess, body: unknown) => {
    const res = await on.fetch('/orders', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    expect(res.status).toBe(202)
    return ((await res.json()) as { runId: string }).runId
  }

  // Started on A, resumed by a message sent through B; a message for another order wakes nothing.
  const shipped = await order(a!, { id: 'o1' })
  const viaCli = await order(a!, { id: 'o2' })
  const timedOut = await order(b!, { id: 'o3', timeout: '1s' })
  await until(shipped, 'waiting')
  await until(viaCli, 'waiting')
  await b!.fetch('/ship', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ orderId: 'o9', carrier: 'none' }) })
  await b!.fetch('/ship', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ orderId: 'o1', carrier: 'ups' }) })
  // And one from the CLI, straight into Redis.
  await cli(['enqueue', '--topic', 'shipment', '--data', JSON.stringify({ orderId: 'o2', carrier: 'dhl' })])
  await until(shipped, 'completed')
  await until(viaCli, 'completed')
  await until(timedOut, 'completed')
  expect((await runOf(shipped)).run.output).toEqual({ ok: true, data: { orderId: 'o1', carrier: 'ups' } })
  expect((await runOf(viaCli)).run.output).toEqual({ ok: true, data: { orderId: 'o2', carrier: 'dhl' } })
  expect((await runOf(timedOut)).run.output).toEqual({ ok: false, timedOut: true })

  // Sleeping when A is killed: B resumes it once the sleep is over, and nothing ran twice.
  const sleeper = await order(a!, { id: 'o4', sleep: '8s', timeout: '1s' })
  await until(sleeper, 'sleeping')
  a!.signal('SIGKILL')
  await a!.exited()
  await until(sleeper, 'completed')
  expect((await runOf(sleeper)).run.output).toEqual({ ok: false, timedOut: true })

  const counts = (await b!.json('/count')) as Record<string, number>
  for (const id of ['o1', 'o2', 'o3', 'o4']) {
    expect([id, counts[`reserve-${id}`], counts[`finish-${id}`]]).toEqual([id, 1, 1])
  }
  // One execution per resumption: start, (wake after the sleep,) message or timeout.
  expect((await runOf(shipped)).run.executions).toBe(2)
  expect((await runOf(sleeper)).run.executions).toBe(3)
}, 300_000)
