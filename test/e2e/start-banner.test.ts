/**
 * Issue 22, point 6: the start banner lists every trigger with its source, not only http, queue
 * and cron: a plugin's (the real mqtt plugin, against a Mosquitto of this test's own), a stream's
 * and a state trigger's, under `motia start` as under `motia dev`.
 */
import { afterAll, expect, test } from 'bun:test'
import { beforeAllTests } from '../helpers/prerequisites.ts'
import { startMosquitto, type Broker } from '../helpers/mosquitto.ts'
import { startCli, type CliProcess } from '../helpers/cli.ts'
import { freePort, makeProject, type TempProject } from '../helpers/project.ts'

let broker: Broker
let project: TempProject
let cli: CliProcess | undefined

beforeAllTests(async () => {
  broker = await startMosquitto()
  project = makeProject({
    'package.json': JSON.stringify({ name: 'banner', private: true, type: 'module' }),
    'motia.config.ts': `import mqttPlugin from 'motia/plugins/mqtt'\nexport default { plugins: [mqttPlugin({ url: process.env.MQTT_URL })] }\n`,
    'steps/todo.stream.ts': `import { z } from 'zod'\nexport const config = { name: 'todo', schema: z.object({ text: z.string() }) }\n`,
    'steps/sensor.step.ts': `export const config = { name: 'ReadSensor', triggers: [{ type: 'mqtt', topic: 'sensors/+' }] }\nexport const handler = async () => {}\n`,
    'steps/todo-changed.step.ts': `export const config = { name: 'TodoChanged', triggers: [{ type: 'stream', streamName: 'todo' }] }\nexport const handler = async () => {}\n`,
    'steps/order-state.step.ts': `export const config = { name: 'OrderState', triggers: [{ type: 'state', group: 'orders' }] }\nexport const handler = async () => {}\n`,
    'steps/queue/jobs.step.ts': `export const handler = async () => {}\n`,
  })
})

afterAll(async () => {
  await cli?.stop()
  await broker?.stop()
  project?.cleanup()
})

for (const mode of ['start', 'dev'] as const) {
  test(`motia ${mode} lists plugin, stream and state triggers with their sources`, async () => {
    cli = await startCli([mode, '--port', String(freePort())], project.root, { MQTT_URL: broker.url })
    await cli.waitForOutput(/➜ http/)
    const lines = cli.output().split('\n')
    const line = (step: string) => lines.find((l) => l.includes(` ${step}  `))?.trim().replace(/\s+/g, ' ')
    expect(line('ReadSensor')).toBe('mqtt sensors/+ ReadSensor steps/sensor.step.ts')
    expect(line('TodoChanged')).toBe('stream todo TodoChanged steps/todo-changed.step.ts')
    expect(line('OrderState')).toBe('state orders OrderState steps/order-state.step.ts')
    expect(line('Jobs')).toBe('queue jobs Jobs steps/queue/jobs.step.ts')
    await cli.stop()
    cli = undefined
  }, 60_000)
}
