/**
 * `motia build` embeds the configured plugins, and the broker clients they import lazily, in the
 * executable: it runs alone in an empty folder and the mqtt trigger fires from a real broker.
 */
import { afterEach, expect, test } from 'bun:test'
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect } from 'mqtt'
import { freePort, makeProject, type TempProject } from '../helpers/project.ts'
import { runCli } from '../helpers/cli.ts'
import { startMosquitto, type Broker } from '../helpers/mosquitto.ts'

let broker: Broker | undefined
let project: TempProject | undefined
let runDir: string | undefined
let proc: ReturnType<typeof Bun.spawn> | undefined

afterEach(async () => {
  proc?.kill('SIGKILL')
  await proc?.exited
  await broker?.stop()
  project?.cleanup()
  if (runDir) rmSync(runDir, { recursive: true, force: true })
})

test('a compiled executable runs a plugin trigger type', async () => {
  broker = await startMosquitto()
  project = makeProject({
    'package.json': JSON.stringify({ name: 'mqtt-exe' }),
    'motia.config.ts': `import { defineConfig } from 'motia'\nimport mqttPlugin from 'motia/plugins/mqtt'\nexport default defineConfig({ plugins: [mqttPlugin({ url: '${broker.url}' })] })\n`,
    'steps/on-reading.step.ts': `export const config = { triggers: [{ type: 'mqtt', topic: 'readings/#' }] }\nexport const handler = async (r, { state, trigger }) => { await state.set('readings', trigger.message.topic, r) }\n`,
    'steps/readings.step.ts': `export const config = { triggers: [{ type: 'http', method: 'GET', path: '/readings' }] }\nexport const handler = async (_r, { state }) => ({ status: 200, body: await state.entries('readings') })\n`,
  })
  const built = await runCli(['build', '--outfile', 'dist/app'], project.root)
  expect(built.stderr).toBe('')
  expect(built.code).toBe(0)
  runDir = mkdtempSync(join(tmpdir(), 'motia-plugin-exe-'))
  cpSync(join(project.root, 'dist/app'), join(runDir, 'app'))
  const port = freePort()
  proc = Bun.spawn([join(runDir, 'app')], { cwd: runDir, env: { PATH: '/usr/bin:/bin', PORT: String(port), MOTIA_LOG_FORMAT: 'json' }, stdout: 'pipe', stderr: 'pipe' })
  let out = ''
  void (async () => {
    const reader = (proc.stdout as ReadableStream<Uint8Array>).getReader()
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) out += new TextDecoder().decode(chunk.value)
  })()
  const deadline = Date.now() + 15_000
  while (!out.includes('subscribed to')) {
    if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`the executable did not subscribe:\n${out}\n${await new Response(proc.stderr as ReadableStream).text()}`)
    await Bun.sleep(25)
  }
  const client = await connect(broker.url).on('error', () => {})
  await new Promise((r) => client.once('connect', r))
  await client.publishAsync('readings/k1', JSON.stringify({ c: 20 }), { qos: 1 })
  await client.endAsync()
  let readings: unknown = []
  while ((readings as unknown[]).length === 0 && Date.now() < deadline) {
    readings = await (await fetch(`http://127.0.0.1:${port}/readings`)).json()
    await Bun.sleep(25)
  }
  expect(readings).toEqual([{ key: 'readings/k1', value: { c: 20 } }])
}, 60_000)
