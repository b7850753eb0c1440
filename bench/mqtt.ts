/**
 * MQTT benchmark: messages/s from Mosquitto through an `mqtt`-triggered step, against a plain
 * mqtt.js subscriber doing the same work (parse JSON, validate with zod, count), in the same run.
 *
 *   bun bench/mqtt.ts          # N = 20,000 messages per side
 *   N=50000 bun bench/mqtt.ts
 *
 * A Mosquitto of its own runs on a free port. Each side gets the same N QoS 0 messages from one
 * publisher; the rate is counted from the first publish to the last message handled. Both
 * sides run twice, alternating; the best round of each counts. One publisher on the same cores
 * can be the limit: when both sides are close to its rate, the ratio is a lower bound. The step
 * runs in this process (createTestRuntime: memory adapters), with a trace and a span per message,
 * as in `motia start`.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { connect, type MqttClient } from 'mqtt'
import { z } from 'zod'
import { createTestRuntime } from '../runtime/testing/index.ts'
import { startMosquitto } from '../test/helpers/mosquitto.ts'
import { loadAverage, report } from './report.ts'

const repo = resolve(import.meta.dir, '..')
const total = Number(process.env.N ?? 20_000)
const schema = z.object({ id: z.number(), sensor: z.string(), celsius: z.number() })
const counter = globalThis as unknown as { mqttBenchCount: number }

const broker = await startMosquitto()
const root = join(repo, '.tmp', `bench-mqtt-${process.pid}`)
try {
  const publisher = await client(broker.url)
  const rawSide = async (topic: string) => {
    const sub = await client(broker.url)
    sub.on('message', (_topic, payload) => {
      const result = schema.safeParse(JSON.parse(payload.toString('utf8')))
      if (result.success) counter.mqttBenchCount++
    })
    await sub.subscribeAsync(topic, { qos: 0 })
    return () => sub.endAsync()
  }

  mkdirSync(join(root, 'steps'), { recursive: true })
  writeFileSync(join(root, 'motia.config.ts'), `import mqttPlugin from 'motia/plugins/mqtt'\nexport default { plugins: [mqttPlugin({ url: '${broker.url}' })] }\n`)
  writeFileSync(
    join(root, 'steps/reading.step.ts'),
    `import { z } from 'zod'
    export const config = { triggers: [{ type: 'mqtt', topic: 'motia/+', qos: 0, input: z.object({ id: z.number(), sensor: z.string(), celsius: z.number() }) }] }
    export const handler = async () => { globalThis.mqttBenchCount++ }\n`,
  )
  const motiaSide = async () => {
    const app = await createTestRuntime({ root })
    await app.waitFor(() => app.logs.some((l) => l.msg.includes('subscribed to')), 10_000)
    return () => app.stop()
  }
  // Two rounds each, alternating, best of each: the first round of either side also warms up the
  // JIT and the broker.
  let raw = 0
  let motia = 0
  for (let round = 0; round < 2; round++) {
    raw = Math.max(raw, await measure('raw mqtt.js', 'raw/1', publisher, rawSide))
    motia = Math.max(motia, await measure('mqtt step', 'motia/1', publisher, motiaSide))
  }
  await publisher.endAsync()
  console.log(`\nmqtt step / raw mqtt.js: ${(motia / raw).toFixed(2)}x (target >= 0.5x)`)
  report({ bench: 'mqtt', metric: 'mqtt step / raw mqtt.js', value: motia / raw, target: { min: 0.5 }, unit: '×', detail: `${Math.round(motia)} vs ${Math.round(raw)} msg/s, best of 2; load ${loadAverage()}` })
} finally {
  rmSync(root, { recursive: true, force: true })
  await broker.stop()
}

// --- internal ---

async function client(url: string): Promise<MqttClient> {
  const c = connect(url, { protocolVersion: 5 })
  await new Promise((r) => c.once('connect', r))
  return c
}

/** Publishes `total` messages to `topic` and times until the subscriber counted them all. */
async function measure(label: string, topic: string, publisher: MqttClient, start: (filter: string) => Promise<() => Promise<unknown>>): Promise<number> {
  counter.mqttBenchCount = 0
  const stop = await start(topic.replace(/\/1$/, '/+'))
  const began = performance.now()
  for (let i = 0; i < total; i++) {
    publisher.publish(topic, JSON.stringify({ id: i, sensor: 'kitchen', celsius: 20 + (i % 10) }), { qos: 0 })
    if (i % 500 === 499) await new Promise((r) => setImmediate(r)) // let the socket drain
  }
  const deadline = performance.now() + 60_000
  let last = -1
  let lastChange = performance.now()
  while (counter.mqttBenchCount < total && performance.now() < deadline) {
    if (counter.mqttBenchCount !== last) {
      last = counter.mqttBenchCount
      lastChange = performance.now()
    } else if (performance.now() - lastChange > 3000) break // messages were dropped: stop waiting
    await Bun.sleep(5)
  }
  const seconds = (performance.now() - began) / 1000
  const rate = counter.mqttBenchCount / seconds
  console.log(`${label.padEnd(12)} ${counter.mqttBenchCount}/${total} messages in ${seconds.toFixed(2)} s: ${Math.round(rate).toLocaleString('en')} msg/s`)
  await stop()
  return rate
}
