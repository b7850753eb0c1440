/**
 * CPU time per request of bench/http.ts's POST step, measured in process: no sockets, no load
 * generator, so the figure moves far less on a shared machine than req/s does.
 *
 *   bun bench/http-cpu.ts                        # raw Elysia + zod against this checkout's Motia
 *   BEFORE=../main bun bench/http-cpu.ts         # and another checkout's Motia, in the same rotation
 *   REQUESTS=50000 ROUNDS=5 ONLY=GET bun bench/http-cpu.ts
 *   SLICES=20 bun bench/http-cpu.ts             # finer alternation
 *
 * Every side runs in this one process (each checkout's runtime from its own sources, on its own
 * project in that checkout's .tmp/), in short slices taken in turn, so that a change in the
 * machine's load reaches every side alike; each round sums a side's slices, the median of the
 * rounds is shown. A slice calls `app.handle(new Request(…))` 64 requests at a time and, for
 * Motia, waits until the queue step consumed every message the POST step enqueued (the
 * consumer's run is part of what a POST costs; raw Elysia only pushes to an array). The cost of
 * building the requests is measured alone and taken off every side. Under `bun --cpu-prof` it
 * doubles as the driver to profile the POST path with.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { adaptersEntry } from './chain.ts'
import { httpProjectFiles } from './http-project.ts'
import { loadAverage } from './report.ts'

const requests = Number(process.env.REQUESTS ?? 30_000)
const rounds = Number(process.env.ROUNDS ?? 5)
const slices = Number(process.env.SLICES ?? 10)
const scenario = process.env.ONLY === 'GET' ? 'GET' : 'POST'
const body = JSON.stringify({ item: 'book', quantity: 2 })
const repo = resolve(import.meta.dir, '..')

const before = process.env.BEFORE ? resolve(process.env.BEFORE) : undefined
const sides = ['raw', repo, ...(before ? [before] : [])]
const name = (side: string) => (side === 'raw' ? 'raw Elysia + zod' : side === repo ? 'Motia (this checkout)' : `Motia at ${side}`)
const load = loadAverage()
const apps = new Map<string, App>()
for (const side of sides) apps.set(side, side === 'raw' ? await rawApp() : await motiaApp(side))
const url = scenario === 'GET' ? 'http://localhost/hello' : 'http://localhost/orders'
const make = scenario === 'GET' ? () => new Request(url) : () => new Request(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } })
for (const app of apps.values()) await drive(app, 20_000) // warm-up: the JIT settles
const samples = new Map<string, number[]>(sides.map((side) => [side, []]))
for (let round = 0; round < rounds; round++) {
  // Short slices, the sides in turn: a change in the machine's load hits every side alike.
  const spent = new Map<string, number>(sides.map((side) => [side, 0]))
  for (let slice = 0; slice < slices; slice++) {
    for (const side of sides.map((_, i) => sides[(i + slice + round) % sides.length]!)) spent.set(side, spent.get(side)! + (await cpuOf(() => drive(apps.get(side)!, requests / slices))))
  }
  const building = await cpuOf(async () => {
    for (let i = 0; i < requests; i++) make()
  })
  for (const side of sides) samples.get(side)!.push((spent.get(side)! - building) / requests)
}
for (const app of apps.values()) await app.stop()
console.log(`\n${scenario} step, ${rounds} rounds of ${requests} requests per side through app.handle, in slices of ${requests / slices} alternating; median; load ${load}\n`)
const raw = median(samples.get('raw')!)
for (const side of sides) {
  const us = median(samples.get(side)!)
  // Paired by round: both sides of a ratio ran in the same slices of time.
  const versus = side === before ? `  this checkout / it: ${median(samples.get(repo)!.map((v, i) => v / samples.get(side)![i]!)).toFixed(2)} (median of the rounds' ratios)` : ''
  console.log(`${name(side).padEnd(40)} ${us.toFixed(2).padStart(7)} µs/request  raw / it: ${(raw / us).toFixed(2)}  runs: ${samples.get(side)!.map((v) => v.toFixed(1)).join(', ')}${versus}`)
}

// --- internal ---

/** Sends `count` requests, 64 at a time, and waits until the queue step consumed what they enqueued. */
async function drive(app: App, count: number): Promise<void> {
  for (let sent = 0; sent < count; sent += 64) {
    const batch: Array<Promise<Response>> = []
    for (let i = 0; i < 64 && sent + i < count; i++) batch.push(app.fetch(make()))
    for (const response of await Promise.all(batch)) if (response.status >= 300) throw new Error(`${url} answered ${response.status}: ${await response.text()}`)
  }
  await app.drained()
}

/** CPU µs (user + system) that `work` took. */
async function cpuOf(work: () => Promise<void>): Promise<number> {
  const since = process.cpuUsage()
  await work()
  const used = process.cpuUsage(since)
  return used.user + used.system
}

interface App {
  fetch(request: Request): Promise<Response>
  /** Resolves once every enqueued message was consumed. */
  drained(): Promise<void>
  stop(): Promise<void>
}

async function rawApp(): Promise<App> {
  const { rawElysia } = await import('./raw-elysia.ts')
  const app = rawElysia()
  app.compile()
  return { fetch: (request) => app.handle(request), drained: async () => {}, stop: async () => {} }
}

async function motiaApp(checkout: string): Promise<App> {
  const root = join(checkout, '.tmp', `bench-http-cpu-${process.pid}`)
  // Each checkout's queue step counts in its own global: both runtimes share this process.
  const counterKey = `__benchConsumed ${checkout}`
  const counter = globalThis as unknown as Record<string, number>
  counter[counterKey] = 0
  const files: Record<string, string> = {
    ...httpProjectFiles(`globalThis[${JSON.stringify(counterKey)}]++`),
    'motia.config.ts': `import { createMemoryQueue, createMemoryState } from '${adaptersEntry(checkout)}'\nexport default { adapters: { queue: createMemoryQueue, state: createMemoryState } }\n`,
  }
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), content)
  }
  process.env.MOTIA_LOG_LEVEL = 'warn'
  process.env.MOTIA_LOG_FORMAT = 'json'
  const { createRuntime } = (await import(join(checkout, 'runtime/runtime.ts'))) as typeof import('../runtime/runtime.ts')
  const runtime = await createRuntime({ root, mode: 'start', flags: { port: 0, host: '127.0.0.1' } })
  await runtime.load()
  let posted = 0
  return {
    fetch(request) {
      if (request.method === 'POST') posted++
      return runtime.server.handle(request)
    },
    async drained() {
      while (counter[counterKey]! < posted) await new Promise((resolve) => setImmediate(resolve))
    },
    async stop() {
      await runtime.stop()
      rmSync(root, { recursive: true, force: true })
    },
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}
