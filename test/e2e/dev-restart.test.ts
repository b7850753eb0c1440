/**
 * Issue 22, point 7, through the real CLI: `motia dev` restarts its runtime when `motia.config.ts`,
 * an `.env` file, a local plugin the config imports or the plugin set changes (`motia plugin add`,
 * which says so), on the same port and without a manual restart; a config that no longer loads
 * leaves the previous runtime serving, and a fix restarts it.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { runCli, startCli, type CliProcess } from '../helpers/cli.ts'
import { freePort, makeProject, type TempProject } from '../helpers/project.ts'

const greeter = (word: string) => `import { definePlugin } from 'motia'
export const greeter = definePlugin({ name: 'greeter', routes: [{ method: 'GET', path: '/greet', handler: () => new Response('${word}') }] })
`
const config = (extra = '') => `import { greeter } from './plugins/greeter.ts'
export default { plugins: [greeter${extra}] }
`

let project: TempProject
let cli: CliProcess
const restarts = () => cli.output().split('restarting the runtime').length - 1

beforeAll(async () => {
  project = makeProject({
    'package.json': JSON.stringify({ name: 'restart', private: true, type: 'module' }),
    'steps/http/env.get.step.ts': `export const handler = async () => ({ status: 200, body: { greeting: process.env.GREETING ?? null } })\n`,
    'plugins/greeter.ts': greeter('v1'),
    'motia.config.ts': config(),
    '.env': 'GREETING=hello\n',
  })
  cli = await startCli(['dev', '--port', String(freePort())], project.root, { MOTIA_LOG_FORMAT: 'pretty' })
  expect(await (await cli.fetch('/greet')).text()).toBe('v1')
  expect(await cli.json('/env')).toEqual({ greeting: 'hello' })
}, 60_000)

afterAll(async () => {
  await cli?.stop()
  project?.cleanup()
})

test('an .env change restarts the runtime with the new values; a removed key is gone', async () => {
  const before = restarts()
  project.write('.env', 'GREETING=bonjour\n')
  await cli.until('/env', (body) => (body as { greeting: unknown }).greeting === 'bonjour', 20_000)
  expect(cli.output()).toContain('.env changed: restarting the runtime')
  expect(cli.output()).toContain('environment from .env files: GREETING changed')
  expect(cli.output()).not.toContain('bonjour')
  project.write('.env', '# nothing\n')
  await cli.until('/env', (body) => (body as { greeting: unknown }).greeting === null, 20_000)
  expect(restarts()).toBeGreaterThanOrEqual(before + 2)
}, 60_000)

test('motia.config.ts and a local plugin it imports restart the runtime', async () => {
  // Under load a restart for the previous test's .env may still be reading the project when the
  // config is written, and serve it first: the restart this write causes is waited for by its line.
  let from = cli.output().length
  project.write('motia.config.ts', config(`, { name: 'second', routes: [{ method: 'GET', path: '/second', handler: () => new Response('second') }] }`))
  await cli.waitForOutput(/motia dev \(restarted: [^)]*motia\.config\.ts[^)]* changed\)/, from, 20_000)
  await cli.untilStatus('/second', 200, 20_000)
  from = cli.output().length
  project.write('plugins/greeter.ts', greeter('v2'))
  await cli.waitForOutput(/plugins\/greeter\.ts[^\n]* changed: restarting the runtime/, from, 20_000)
  await cli.until('/greet', (body) => body === 'v2', 20_000)
}, 60_000)

test('a config that no longer loads keeps the previous runtime serving; the fix restarts it', async () => {
  const from = cli.output().length
  project.write('motia.config.ts', `import { greeter } from './plugins/greeter.ts'\nexport default { plugins: [greeter], logLevel: 'loud' }\n`)
  await cli.waitForOutput(/still running with the previous configuration/, from, 20_000)
  expect(cli.output().slice(from)).toContain('logLevel in motia.config.ts must be one of debug, info, warn, error; got "loud"')
  expect(await (await cli.fetch('/greet')).text()).toBe('v2')
  project.write('motia.config.ts', config())
  await cli.untilStatus('/second', 404, 20_000)
  expect(await (await cli.fetch('/greet')).text()).toBe('v2')
}, 60_000)

test('motia plugin add says the running dev server restarts, and it does', async () => {
  project.write('plugins/extra.ts', `import { definePlugin } from 'motia'\nexport default definePlugin({ name: 'extra', routes: [{ method: 'GET', path: '/extra', handler: () => new Response('extra') }] })\n`)
  const added = await runCli(['plugin', 'add', './plugins/extra.ts'], project.root)
  expect(added.code).toBe(0)
  expect(added.stdout + added.stderr).toMatch(/motia dev \(pid \d+\) restarts its runtime by itself to load it/)
  await cli.until('/extra', (body) => body === 'extra', 20_000)
  expect(await (await cli.fetch('/greet')).text()).toBe('v2')
}, 60_000)

test("motia plugin add writes the config in the file's own style, with the environment variable the plugin's docs show", async () => {
  const other = makeProject({
    'package.json': JSON.stringify({ name: 'styled', private: true }),
    'motia.config.ts': 'import { defineConfig } from "motia";\n\nexport default defineConfig({\n    http: { port: 4000 },\n});\n',
  })
  try {
    const added = await runCli(['plugin', 'add', 'mqtt'], other.root)
    expect(added.code).toBe(0)
    expect(added.stdout + added.stderr).toContain('it loads with the next motia dev or motia start')
    expect(await Bun.file(`${other.root}/motia.config.ts`).text()).toBe(
      'import { defineConfig } from "motia";\nimport mqttPlugin from "motia/plugins/mqtt";\n\nexport default defineConfig({\n    http: { port: 4000 },\n    plugins: [mqttPlugin({\n        url: process.env.MQTT_URL ?? "mqtt://localhost:1883",\n    })],\n});\n',
    )
  } finally {
    other.cleanup()
  }
}, 60_000)
