import { afterEach, beforeEach, expect, test } from 'bun:test'
import { connect, type MqttClient } from 'mqtt'
import { createTestRuntime, waitFor, type TestRuntime } from 'motia/testing'
import { makeProject, type TempProject } from '../../test/helpers/project.ts'
import { startMosquitto, type Broker } from '../../test/helpers/mosquitto.ts'
import { runCli } from '../../test/helpers/cli.ts'

let broker: Broker
let project: TempProject
let apps: TestRuntime[] = []
let client: MqttClient | undefined

beforeEach(async () => {
  broker = await startMosquitto()
})

afterEach(async () => {
  await Promise.all(apps.map((app) => app.stop()))
  apps = []
  await client?.endAsync(true)
  client = undefined
  await broker.stop()
  project?.cleanup()
})

const config = () => `
  import { defineConfig } from 'motia'
  import { mqttPlugin } from 'motia/plugins/mqtt'
  export default defineConfig({ plugins: [mqttPlugin({ url: '${broker.url}' })] })
`

async function start(): Promise<TestRuntime> {
  const app = await createTestRuntime({ root: project.root })
  apps.push(app)
  return app
}

/** Waits until every mqtt trigger of `app` has subscribed `times` times. */
async function subscribed(app: TestRuntime, count: number, times = 1): Promise<void> {
  await waitFor(() => app.logs.filter((l) => l.msg.startsWith('[mqtt]') && l.msg.includes('subscribed to')).length >= count * times, 10_000)
}

async function publisher(): Promise<MqttClient> {
  client ??= await connect(broker.url, { protocolVersion: 5 }).on('error', () => {})
  if (!client.connected) await new Promise((r) => client!.once('connect', r))
  return client
}

test('an mqtt step fires for its topic filter, with + and # wildcards', async () => {
  project = makeProject({
    'motia.config.ts': config(),
    'steps/temp.step.ts': `
      export const config = { triggers: [{ type: 'mqtt', topic: 'sensors/+/temp' }] }
      export const handler = async (payload, { state, trigger }) => { await state.set('temp', trigger.message.topic, payload) }
    `,
    'steps/all-logs.step.ts': `
      export const config = { triggers: [{ type: 'mqtt', topic: 'logs/#', json: false }] }
      export const handler = async (text, { state, trigger }) => { await state.set('logs', trigger.message.topic, text) }
    `,
  })
  const app = await start()
  await subscribed(app, 2)
  const pub = await publisher()
  await pub.publishAsync('sensors/kitchen/temp', JSON.stringify({ celsius: 21 }), { qos: 1 })
  await pub.publishAsync('sensors/kitchen/humidity', JSON.stringify({ pct: 40 }), { qos: 1 })
  await pub.publishAsync('logs/api/errors', 'disk full', { qos: 1 })
  await app.waitFor(async () => (await app.runtime.state.get('logs', 'logs/api/errors')) !== undefined, 10_000)
  await app.waitFor(async () => (await app.runtime.state.get('temp', 'sensors/kitchen/temp')) !== undefined, 10_000)
  expect(await app.runtime.state.get('temp', 'sensors/kitchen/temp')).toEqual({ celsius: 21 })
  expect(await app.runtime.state.get('logs', 'logs/api/errors')).toBe('disk full')
  expect(await app.runtime.state.list('temp')).toHaveLength(1)
})

test('payloads that fail the input schema or are not JSON are logged and dropped', async () => {
  project = makeProject({
    'motia.config.ts': config(),
    'steps/temp.step.ts': `
      import { z } from 'zod'
      export const config = { triggers: [{ type: 'mqtt', topic: 'temp', input: z.object({ celsius: z.number() }) }] }
      export const handler = async (payload, { state }) => { await state.set('temp', String(payload.celsius), payload) }
    `,
  })
  const app = await start()
  await subscribed(app, 1)
  const pub = await publisher()
  await pub.publishAsync('temp', JSON.stringify({ celsius: 'hot' }), { qos: 1 })
  await pub.publishAsync('temp', '{not json', { qos: 1 })
  await pub.publishAsync('temp', JSON.stringify({ celsius: 5 }), { qos: 1 })
  await app.waitFor(async () => (await app.runtime.state.get('temp', '5')) !== undefined, 10_000)
  await app.waitFor(() => app.logs.filter((l) => l.msg.includes('dropped')).length === 2, 10_000)
  const dropped = app.logs.filter((l) => l.msg.includes('dropped')).map((l) => l.msg).sort()
  expect(dropped[0]).toMatch(/^\[mqtt\] step "Temp": message on "temp" does not match its input schema \(celsius: .*\); dropped$/)
  expect(dropped[1]).toBe('[mqtt] step "Temp": message on "temp" is not JSON; dropped (set json: false to take text)')
  expect((await app.runtime.state.list('temp')).map((e) => e.value)).toEqual([{ celsius: 5 }])
})

test('steps publish with ctx.mqtt.publish', async () => {
  project = makeProject({
    'motia.config.ts': config(),
    'steps/order.step.ts': `
      export const config = { triggers: [{ type: 'http', method: 'POST', path: '/orders' }] }
      export const handler = async (req, { mqtt }) => { await mqtt.publish('orders/' + req.body.id, req.body, { qos: 1 }); return { status: 202, body: {} } }
    `,
    'steps/ship.step.ts': `
      export const config = { triggers: [{ type: 'mqtt', topic: 'orders/+' }] }
      export const handler = async (order, { state }) => { await state.set('shipped', order.id, order) }
    `,
  })
  const app = await start()
  await subscribed(app, 1)
  expect((await app.request('POST', '/orders', { id: 'o1', item: 'book' })).status).toBe(202)
  await app.waitFor(async () => (await app.runtime.state.get('shipped', 'o1')) !== undefined, 10_000)
  expect(await app.runtime.state.get('shipped', 'o1')).toEqual({ id: 'o1', item: 'book' })
})

test('instances share a subscription: each message runs once, spread over the instances', async () => {
  project = makeProject({
    'motia.config.ts': config(),
    'steps/work.step.ts': `
      export const config = { triggers: [{ type: 'mqtt', topic: 'jobs/#', qos: 1 }] }
      export const handler = async (job, { state }) => { await state.set('done', String(job.n), job) }
    `,
  })
  const [a, b] = [await start(), await start()]
  await subscribed(a, 1)
  await subscribed(b, 1)
  const pub = await publisher()
  for (let n = 0; n < 20; n++) await pub.publishAsync(`jobs/${n}`, JSON.stringify({ n }), { qos: 1 })
  const count = async () => (await a.runtime.state.list('done')).length + (await b.runtime.state.list('done')).length
  await waitFor(async () => (await count()) === 20, 10_000)
  await Bun.sleep(200) // a copy delivered twice would show up here
  expect(await count()).toBe(20)
  expect((await a.runtime.state.list('done')).length).toBeGreaterThan(0)
  expect((await b.runtime.state.list('done')).length).toBeGreaterThan(0)
})

test('a step resubscribes after the broker restarts', async () => {
  project = makeProject({
    'motia.config.ts': config(),
    'steps/temp.step.ts': `
      export const config = { triggers: [{ type: 'mqtt', topic: 'temp' }] }
      export const handler = async (payload, { state }) => { await state.set('temp', String(payload.n), payload) }
    `,
  })
  const app = await start()
  await subscribed(app, 1)
  await broker.kill()
  await app.waitFor(() => app.logs.some((l) => l.msg.includes('lost the broker')), 10_000)
  await broker.restart()
  await subscribed(app, 1, 2)
  const pub = await publisher()
  await pub.publishAsync('temp', JSON.stringify({ n: 1 }), { qos: 1 })
  await app.waitFor(async () => (await app.runtime.state.get('temp', '1')) !== undefined, 10_000)
  expect(app.logs.some((l) => l.msg.includes('reconnected to'))).toBe(true)
})

test('a topic filter with a misplaced wildcard is refused at load', async () => {
  project = makeProject({
    'motia.config.ts': config(),
    'steps/bad.step.ts': `export const config = { triggers: [{ type: 'mqtt', topic: 'a/#/b' }] }\nexport const handler = async () => {}`,
  })
  const app = await start()
  expect(app.logs.map((l) => l.msg).join('\n')).toContain('[mqtt] step "Bad" (steps/bad.step.ts): topic "a/#/b" uses # other than as the whole last level (a/b/#)')
  expect(app.runtime.steps()).toHaveLength(0)
})

test('mqtt options are validated by the plugin schema', async () => {
  project = makeProject({
    'motia.config.ts': `import { mqttPlugin } from 'motia/plugins/mqtt'\nexport default { plugins: [mqttPlugin({ url: 'localhost:1883' })] }`,
  })
  const error = await createTestRuntime({ root: project.root }).catch((e: Error) => e)
  expect((error as Error).message).toContain('plugin "mqtt" has invalid options in motia.config.ts: url: must be a broker URL such as mqtt://localhost:1883')
})

test('motia mqtt publish sends a message from the shell', async () => {
  project = makeProject({
    'motia.config.ts': config(),
    'steps/temp.step.ts': `
      export const config = { triggers: [{ type: 'mqtt', topic: 'temp' }] }
      export const handler = async (payload, { state }) => { await state.set('temp', String(payload.n), payload) }
    `,
  })
  const app = await start()
  await subscribed(app, 1)
  const sent = await runCli(['mqtt', 'publish', 'temp', '{"n":5}'], project.root)
  expect(sent.stderr).toBe('')
  expect(sent.stdout).toBe('published to temp\n')
  await app.waitFor(async () => (await app.runtime.state.get('temp', '5')) !== undefined, 10_000)
  const wrong = await runCli(['mqtt', 'send', 'temp'], project.root)
  expect(wrong.code).toBe(1)
  expect(wrong.stderr).toBe('[motia] [mqtt] usage: motia mqtt publish <topic> <payload> (payload as JSON or text)\n')
}, 60_000)

test('a reloaded mqtt step unsubscribes the old code: each message runs the new handler once', async () => {
  const step = (version: number) => `
    export const config = { triggers: [{ type: 'mqtt', topic: 'temp' }] }
    export const handler = async (payload, { state }) => { await state.set('runs', String(payload.n) + '-v${version}', true) }
  `
  project = makeProject({ 'motia.config.ts': config(), 'steps/temp.step.ts': step(1) })
  const app = await start()
  await subscribed(app, 1)
  project.write('steps/temp.step.ts', step(2))
  await app.runtime.reload()
  await subscribed(app, 1, 2)
  const pub = await publisher()
  await pub.publishAsync('temp', JSON.stringify({ n: 1 }), { qos: 1 })
  await app.waitFor(async () => (await app.runtime.state.get('runs', '1-v2')) === true, 10_000)
  await Bun.sleep(200) // an old subscription would add a v1 run here
  expect((await app.runtime.state.list('runs')).map((e) => e.key)).toEqual(['1-v2'])
})
