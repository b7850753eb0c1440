/**
 * Against a RabbitMQ broker of this file's own (test/helpers/rabbitmq.ts), started once for the
 * file: every test uses queues and exchanges of its own and deletes them afterwards.
 */
import { afterAll, afterEach, beforeEach, expect, test } from 'bun:test'
import { connect, type ChannelModel } from 'amqplib'
import { createTestRuntime, waitFor, type TestRuntime } from 'motia/testing'
import { makeProject, type TempProject } from '../../test/helpers/project.ts'
import { beforeAllTests } from '../../test/helpers/prerequisites.ts'
import { startRabbitMq, type RabbitMq } from '../../test/helpers/rabbitmq.ts'

let broker: RabbitMq
let admin: ChannelModel | undefined
let queue: string
let exchange: string
let project: TempProject
let apps: TestRuntime[] = []

// Starting an Erlang node takes seconds (tens under load): once for the file.
beforeAllTests(async () => void (broker = await startRabbitMq()), 150_000)
afterAll(() => broker?.stop())

beforeEach(async () => {
  admin = await connect(broker.url)
  const id = crypto.randomUUID().slice(0, 8)
  queue = `motia-test-${id}`
  exchange = `motia-test-x-${id}`
})

afterEach(async () => {
  await Promise.all(apps.map((app) => app.stop()))
  apps = []
  project?.cleanup()
  if (!admin) return
  const channel = await admin.createChannel()
  await channel.deleteQueue(queue)
  await channel.deleteExchange(exchange)
  await admin.close()
  admin = undefined
})

const connectionName = `motia-test-${crypto.randomUUID().slice(0, 8)}`
const configFile = () => `
  import { amqpPlugin } from 'motia/plugins/amqp'
  export default { shutdownTimeoutMs: 300, plugins: [amqpPlugin({ url: '${broker.url}', reconnectMs: 100, connectionName: '${connectionName}' })] }
`

async function start(): Promise<TestRuntime> {
  const app = await createTestRuntime({ root: project.root })
  apps.push(app)
  await app.waitFor(() => app.logs.some((l) => l.msg.includes('consumes queue')), 10_000)
  return app
}

async function send(payload: unknown): Promise<void> {
  const channel = await admin!.createConfirmChannel()
  channel.sendToQueue(queue, Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)))
  await channel.waitForConfirms()
  await channel.close()
}

test('a failed run is delivered again until it succeeds (at least once)', async () => {
  project = makeProject({
    'motia.config.ts': configFile(),
    'steps/charge.step.ts': `
      export const config = { triggers: [{ type: 'amqp', queue: '${'$'}{QUEUE}', maxRetries: 3 }] }
      export const handler = async (order, { state, trigger }) => {
        await state.set('attempts', String(trigger.attempt), order)
        if (trigger.attempt < 3) throw new Error('card declined')
      }
    `.replace('${QUEUE}', queue),
  })
  const app = await start()
  await send({ id: 'o1' })
  await app.waitFor(async () => (await app.runtime.state.list('attempts')).length === 3, 10_000)
  const failures = app.logs.filter((l) => l.msg.includes('delivering again')).map((l) => l.msg)
  expect(failures).toEqual([
    `[amqp] step "Charge" failed on "${queue}" (attempt 1): card declined; delivering again now, at the back of the queue (3 attempts left)`,
    `[amqp] step "Charge" failed on "${queue}" (attempt 2): card declined; delivering again now, at the back of the queue (2 attempts left)`,
  ])
  await Bun.sleep(200) // nothing more arrives once the run succeeded
  expect((await app.runtime.state.list('attempts')).map((e) => e.key).sort()).toEqual(['1', '2', '3'])
  const ch = await admin!.createChannel()
  expect((await ch.checkQueue(queue)).messageCount).toBe(0)
})

test('every message whose run succeeded is acknowledged: once the instance stops, none goes back to the queue', async () => {
  project = makeProject({
    'motia.config.ts': configFile(),
    'steps/work.step.ts': `
      export const config = { triggers: [{ type: 'amqp', queue: '${'$'}{QUEUE}' }] }
      export const handler = async (job, { state }) => { await state.set('done', job.id, true) }
    `.replace('${QUEUE}', queue),
  })
  const app = await start()
  for (const id of ['a', 'b', 'c']) await send({ id })
  await app.waitFor(async () => (await app.runtime.state.list('done')).length === 3, 10_000)
  // A message still unacknowledged is invisible to the queue's counts while its consumer lives;
  // stopping the instance closes its channel, and the broker requeues whatever it still held.
  await app.stop()
  apps = []
  const channel = await admin!.createChannel()
  const counts = await channel.checkQueue(queue)
  expect({ ready: counts.messageCount, consumers: counts.consumerCount }).toEqual({ ready: 0, consumers: 0 })
  expect(await channel.get(queue)).toBe(false)
})

test('after maxRetries a message is rejected, and a payload that is not JSON or fails input at once', async () => {
  project = makeProject({
    'motia.config.ts': configFile(),
    'steps/charge.step.ts': `
      import { z } from 'zod'
      export const config = { triggers: [{ type: 'amqp', queue: '${'$'}{QUEUE}', maxRetries: 1, input: z.object({ id: z.string() }) }] }
      export const handler = async (order, { state, trigger }) => { await state.set('runs', order.id + '-' + trigger.attempt, true); throw new Error('always') }
    `.replace('${QUEUE}', queue),
  })
  const app = await start()
  await send({ id: 'o1' })
  await send('{oops')
  await send({ id: 7 })
  await app.waitFor(() => app.logs.filter((l) => l.msg.includes('rejected')).length === 3, 10_000)
  const rejected = app.logs.filter((l) => l.msg.includes('rejected')).map((l) => l.msg).sort()
  expect(rejected[0]).toMatch(/^\[amqp\] step "Charge" failed on "motia-test-\w+" 2 times: always; no attempts left \(maxRetries 1\): rejected, to the queue's dead-letter exchange if it has one, else dropped$/)
  expect(rejected[1]).toMatch(/^\[amqp\] step "Charge": message on "motia-test-\w+" does not match its input schema \(id: .*\); rejected$/)
  expect(rejected[2]).toMatch(/^\[amqp\] step "Charge": message on "motia-test-\w+" is not JSON; rejected$/)
  expect((await app.runtime.state.list('runs')).map((e) => e.key).sort()).toEqual(['o1-1', 'o1-2'])
})

test('a message whose consumer went away unacknowledged is delivered to another instance', async () => {
  project = makeProject({
    'motia.config.ts': configFile(),
    'steps/slow.step.ts': `
      export const config = { triggers: [{ type: 'amqp', queue: '${'$'}{QUEUE}' }] }
      export const handler = async (job, { state, trigger }) => {
        if (!trigger.redelivered) { await state.set('started', job.id, true); return new Promise(() => {}) }
        await state.set('done', job.id, true)
      }
    `.replace('${QUEUE}', queue),
  })
  const first = await start()
  await send({ id: 'j1' })
  await first.waitFor(async () => (await first.runtime.state.get('started', 'j1')) === true, 10_000)
  await first.stop() // the handler never ends: the channel closes with the message unacknowledged
  apps = []
  const second = await start()
  await second.waitFor(async () => (await second.runtime.state.get('done', 'j1')) === true, 10_000)
  expect(await second.runtime.state.get('done', 'j1')).toBe(true)
})

test('steps publish through an exchange with ctx.amqp, continuing the trace', async () => {
  project = makeProject({
    'motia.config.ts': configFile(),
    'steps/place.step.ts': `
      export const config = { triggers: [{ type: 'http', method: 'POST', path: '/orders' }] }
      export const handler = async (req, { amqp, traceId }) => { await amqp.publish('${'$'}{EXCHANGE}', 'orders.created', req.body); return { status: 202, body: { traceId } } }
    `.replace('${EXCHANGE}', exchange),
    'steps/ship.step.ts': `
      export const config = { triggers: [{ type: 'amqp', queue: '${'$'}{QUEUE}', exchange: '${'$'}{EXCHANGE}', routingKey: 'orders.*' }] }
      export const handler = async (order, { state, traceId }) => { await state.set('shipped', order.id, { traceId }) }
    `.replace('${QUEUE}', queue).replace('${EXCHANGE}', exchange),
  })
  const app = await start()
  const res = await app.request('POST', '/orders', { id: 'o9' })
  const { traceId } = (await res.json()) as { traceId: string }
  await waitFor(async () => (await app.runtime.state.get('shipped', 'o9')) !== undefined, 10_000)
  expect(await app.runtime.state.get('shipped', 'o9')).toEqual({ traceId })
  expect(app.runtime.traces.get(traceId)!.spans.map((s) => s.step)).toEqual(['Place', 'Ship'])
})

test('consumers start again after the broker closed the connection', async () => {
  project = makeProject({
    'motia.config.ts': configFile(),
    'steps/work.step.ts': `
      export const config = { triggers: [{ type: 'amqp', queue: '${'$'}{QUEUE}' }] }
      export const handler = async (job, { state }) => { await state.set('done', job.id, true) }
    `.replace('${QUEUE}', queue),
  })
  const app = await start()
  // From the broker's side, as a broker restart would; one rabbitmqctl run (each boots an Erlang VM).
  await broker.ctl(['close_all_connections', 'test: broker going away'])
  await app.waitFor(() => app.logs.some((l) => l.msg.includes('reconnected to')), 30_000)
  expect(app.logs.some((l) => l.msg.includes('lost the broker'))).toBe(true)
  admin = await connect(broker.url) // the test's own connection was closed too
  await send({ id: 'after' })
  await app.waitFor(async () => (await app.runtime.state.get('done', 'after')) === true, 10_000)
}, 90_000)
