/**
 * `motia plugin add | list | remove` with the real CLI on a temp project: a first-party plugin
 * (mqtt, on a Mosquitto of the test's own), an npm package from a tarball and a local file; the
 * project then runs and each new trigger type fires. Failed adds leave the config as it was.
 */
import { afterEach, beforeEach, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { connect } from 'mqtt'
import { makeProject, freePort, type TempProject } from '../helpers/project.ts'
import { runCli, startCli, type CliProcess } from '../helpers/cli.ts'
import { startMosquitto, type Broker } from '../helpers/mosquitto.ts'

const originalConfig = `// settings for this project
import { defineConfig } from 'motia'

export default defineConfig({
  // keep shutdowns quick in tests
  shutdownTimeoutMs: 2000,
})
`

const tickerPackage = {
  'package.json': JSON.stringify({ name: 'motia-plugin-ticker', version: '1.0.0', type: 'module', exports: './index.ts' }),
  'index.ts': `
    import { definePlugin, defineTrigger } from 'motia'
    import { z } from 'zod'
    export default function tickerPlugin(options) {
      const ticker = defineTrigger({
        type: 'ticker',
        schema: z.object({ type: z.literal('ticker'), name: z.string() }),
        register(step, trigger, runtime) {
          let n = 0
          const timer = setInterval(() => void runtime.run(step, trigger, { name: trigger.name, n: ++n }).catch(() => {}), options.everyMs)
          return () => clearInterval(timer)
        },
      })
      return definePlugin({ name: 'ticker', options, optionsSchema: z.object({ everyMs: z.number().int().min(10) }), triggers: [ticker] })
    }
  `,
}

const webhookFile = `
  import { definePlugin } from 'motia'
  export const webhookPlugin = definePlugin({
    name: 'webhook',
    triggers: [{
      type: 'webhook',
      register: (step, trigger, runtime) => runtime.http.route({ method: 'POST', path: '/hooks/' + trigger.source, handler: async (req) => Response.json(await runtime.run(step, trigger, await req.json())) }),
    }],
  })
`

let broker: Broker
let project: TempProject
let pkgDir: TempProject
let cli: CliProcess | undefined

beforeEach(async () => {
  broker = await startMosquitto()
  project = makeProject({
    'package.json': JSON.stringify({ name: 'plugin-test-app', private: true, type: 'module' }),
    'motia.config.ts': originalConfig,
    'plugins/webhook.ts': webhookFile,
    'plugins/not-a-plugin.ts': `export const answer = 42\n`,
  })
  pkgDir = makeProject(tickerPackage)
})

afterEach(async () => {
  await cli?.stop()
  cli = undefined
  await broker.stop()
  project.cleanup()
  pkgDir.cleanup()
})

const config = () => readFileSync(join(project.root, 'motia.config.ts'), 'utf8')

async function packTicker(): Promise<string> {
  const proc = Bun.spawn(['npm', 'pack', '--pack-destination', project.root], { cwd: pkgDir.root, stdout: 'pipe', stderr: 'pipe' })
  const out = (await new Response(proc.stdout).text()).trim().split('\n').pop()!
  expect(await proc.exited).toBe(0)
  return `./${out}`
}

test('add mqtt, a tarball package and a local plugin; the project runs each trigger; remove restores the config', async () => {
  const tarball = await packTicker()
  const addMqtt = await runCli(['plugin', 'add', 'mqtt', '--option', `url=${broker.url}`], project.root)
  expect(addMqtt.stderr).toBe('')
  expect(addMqtt.stdout).toContain('added plugin "mqtt" (motia/plugins/mqtt) to motia.config.ts: trigger types mqtt; ctx.mqtt; commands motia mqtt')
  const addTicker = await runCli(['plugin', 'add', tarball, '--option', 'everyMs=50'], project.root)
  expect(addTicker.stderr).toBe('')
  expect(addTicker.stdout).toContain('installing')
  expect(addTicker.stdout).toContain('added plugin "ticker" (motia-plugin-ticker)')
  const addWebhook = await runCli(['plugin', 'add', './plugins/webhook.ts'], project.root)
  expect(addWebhook.stdout).toContain('added plugin "webhook" (./plugins/webhook.ts)')
  expect(config()).toContain("import mqttPlugin from 'motia/plugins/mqtt'")
  expect(config()).toContain("import tickerPlugin from 'motia-plugin-ticker'")
  expect(config()).toContain("import { webhookPlugin } from './plugins/webhook.ts'")
  expect(config()).toContain('// keep shutdowns quick in tests')

  // Idempotent: the same add again changes nothing.
  const withAll = config()
  const again = await runCli(['plugin', 'add', 'mqtt', '--option', `url=${broker.url}`], project.root)
  expect(again.stdout).toContain('already in motia.config.ts')
  expect(config()).toBe(withAll)

  const listed = await runCli(['plugin', 'list', '--json'], project.root)
  const plugins = JSON.parse(listed.stdout) as Array<{ name: string; from: string; triggers: string[] }>
  expect(plugins.map((p) => [p.name, p.from, p.triggers])).toEqual([
    ['mqtt', 'motia/plugins/mqtt', ['mqtt']],
    ['ticker', 'motia-plugin-ticker', ['ticker']],
    ['webhook', './plugins/webhook.ts', ['webhook']],
  ])

  project.write('steps/on-mqtt.step.ts', `export const config = { triggers: [{ type: 'mqtt', topic: 'orders/+' }] }\nexport const handler = async (o, { state }) => { await state.set('seen', 'mqtt', o) }\n`)
  project.write('steps/on-tick.step.ts', `export const config = { triggers: [{ type: 'ticker', name: 't' }] }\nexport const handler = async (t, { state }) => { await state.set('seen', 'ticker', t.name) }\n`)
  project.write('steps/on-hook.step.ts', `export const config = { triggers: [{ type: 'webhook', source: 'gh' }] }\nexport const handler = async (p, { state }) => { await state.set('seen', 'webhook', p); return { ok: true } }\n`)
  project.write('steps/seen.step.ts', `export const config = { triggers: [{ type: 'http', method: 'GET', path: '/seen' }] }\nexport const handler = async (_r, { state }) => ({ status: 200, body: Object.fromEntries((await state.entries('seen')).map((e) => [e.key, e.value])) })\n`)
  cli = await startCli(['start', '--port', String(freePort())], project.root)
  await cli.waitForOutput(/subscribed to/, 0, 10_000)
  const client = await connect(broker.url).on('error', () => {})
  await new Promise((r) => client.once('connect', r))
  await client.publishAsync('orders/o1', JSON.stringify({ id: 'o1' }), { qos: 1 })
  await client.endAsync()
  expect((await cli.fetch('/hooks/gh', { method: 'POST', body: JSON.stringify({ push: 1 }) })).status).toBe(200)
  await cli.until('/seen', (body) => Object.keys(body as object).length === 3, 10_000)
  expect(await cli.json('/seen')).toEqual({ mqtt: { id: 'o1' }, ticker: 't', webhook: { push: 1 } })
  await cli.stop()

  for (const name of ['webhook', 'motia-plugin-ticker', 'mqtt']) {
    const removed = await runCli(['plugin', 'remove', name], project.root)
    expect(removed.stderr).toBe('')
  }
  expect(config()).toBe(originalConfig)
}, 120_000)

test('a failed add leaves the config byte for byte as it was', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['plugin', 'add', './plugins/not-a-plugin.ts'], /does not export a plugin \(it exports answer \(number\)\)/],
    [['plugin', 'add', 'mqtt', '--option', 'url=localhost'], /plugin "mqtt" has invalid options in the given options: url: must be a broker URL/],
    [['plugin', 'add', './plugins/missing.ts'], /no such file or folder/],
    [['plugin', 'add', './plugins/webhook.ts', '--option', 'x=1'], /takes no options/],
    [['plugin', 'add', 'mqtt', '--option', '{bad'], /is not valid JSON/],
  ]
  for (const [args, reason] of cases) {
    const result = await runCli(args, project.root)
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(reason)
    expect(result.stderr).not.toContain('    at ')
    expect(config()).toBe(originalConfig)
  }
  // A project without a config gets none either when add fails.
  project.remove('motia.config.ts')
  const result = await runCli(['plugin', 'add', './plugins/not-a-plugin.ts'], project.root)
  expect(result.code).toBe(1)
  expect(() => config()).toThrow()
}, 60_000)

test('add creates motia.config.ts when there is none, and remove names what is configured', async () => {
  project.remove('motia.config.ts')
  const added = await runCli(['plugin', 'add', './plugins/webhook.ts'], project.root)
  expect(added.code).toBe(0)
  expect(config()).toBe(`import { defineConfig } from 'motia'\nimport { webhookPlugin } from './plugins/webhook.ts'\n\nexport default defineConfig({\n  plugins: [webhookPlugin]\n})\n`)
  const list = await runCli(['plugin', 'list'], project.root)
  expect(list.stdout).toMatch(/^PLUGIN\s+FROM\s+TRIGGERS\s+ADDS\nwebhook\s+\.\/plugins\/webhook\.ts\s+webhook\s+-\n$/)
  const wrong = await runCli(['plugin', 'remove', 'nope'], project.root)
  expect(wrong.stderr).toBe('[motia] no plugin "nope" in motia.config.ts; configured: webhook\n')
}, 60_000)
