/**
 * CPU time per request of bench/http.ts's POST step, measured in process: no sockets, no load
 * generator, so the figure moves far less on a shared machine than req/s does.
 *
 *   bun bench/http-cpu.ts                        # raw Elysia + zod against this checkout's Motia
 *   BEFORE=../main bun bench/http-cpu.ts         # and another checkout's Motia, in the same rotation
 *   REQUESTS=50000 ROUNDS=5 ONLY=GET bun bench/http-cpu.ts
 *   PROFILE=1 bun bench/http-cpu.ts              # also writes a .cpuprofile per Motia run in .tmp/
 *
 * Each side runs in its own process, the sides alternating round by round (median shown). A side
 * calls `app.handle(new Request(…))` 64 requests at a time and, for Motia, waits until the queue
 * step consumed every message the POST step enqueued (the consumer's run is part of what a POST
 * costs; raw Elysia only pushes to an array). The cost of building the requests is measured alone
 * and taken off both sides.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { adaptersEntry } from './chain.ts'
import { loadAverage } from './report.ts'

const requests = Number(process.env.REQUESTS ?? 30_000)
const rounds = Number(process.env.ROUNDS ?? 5)
const scenario = process.env.ONLY === 'GET' ? 'GET' : 'POST'
const body = JSON.stringify({ item: 'book', quantity: 2 })
const repo = resolve(import.meta.dir, '..')

const child = process.env.HTTP_CPU_CHILD
if (child) {
  const result = await measure(child)
  console.log(JSON.stringify(result))
  process.exit(0)
}

const before = process.env.BEFORE ? resolve(process.env.BEFORE) : undefined
const sides = ['raw', repo, ...(before ? [before] : [])]
const name = (side: string) => (side === 'raw' ? 'raw Elysia + zod' : side === repo ? 'Motia (this checkout)' : `Motia at ${side}`)
const samples = new Map<string, number[]>(sides.map((side) => [side, []]))
const load = loadAverage()
for (let round = 0; round < rounds; round++) {
  for (const side of sides.map((_, i) => sides[(i + round) % sides.length]!)) {
    const proc = Bun.spawn([process.execPath, import.meta.path], { env: { ...process.env, HTTP_CPU_CHILD: side }, stdout: 'pipe', stderr: 'inherit' })
    const out = await new Response(proc.stdout).text()
    if ((await proc.exited) !== 0) throw new Error(`${name(side)} failed`)
    samples.get(side)!.push((JSON.parse(out.trim().split('\n').at(-1)!) as { cpuUs: number }).cpuUs)
  }
}
console.log(`\n${scenario} step, ${requests} requests per run through app.handle, ${rounds} rounds alternating, median; load ${load}\n`)
const raw = median(samples.get('raw')!)
for (const side of sides) {
  const us = median(samples.get(side)!)
  console.log(`${name(side).padEnd(40)} ${us.toFixed(2).padStart(7)} µs/request  (raw / this: ${(raw / us).toFixed(2)})  runs: ${samples.get(side)!.map((v) => v.toFixed(1)).join(', ')}`)
}

// --- internal ---

/** CPU µs per request of one side, in this process. */
async function measure(side: string): Promise<{ cpuUs: number }> {
  const handle = side === 'raw' ? await rawApp() : await motiaApp(side)
  const url = scenario === 'GET' ? 'http://localhost/hello' : 'http://localhost/orders'
  const make = scenario === 'GET' ? () => new Request(url) : () => new Request(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } })
  const drive = async (count: number) => {
    for (let sent = 0; sent < count; sent += 64) {
      const batch: Array<Promise<Response>> = []
      for (let i = 0; i < 64; i++) batch.push(handle.fetch(make()))
      for (const response of await Promise.all(batch)) if (response.status >= 300) throw new Error(`${url} answered ${response.status}: ${await response.text()}`)
    }
    await handle.drained()
  }
  await drive(5_000) // warm-up
  Bun.gc(true)
  const building = process.cpuUsage()
  const made: Request[] = []
  for (let i = 0; i < requests; i++) made.push(make())
  const buildUs = cpuUs(building) / requests
  made.length = 0
  Bun.gc(true)
  const started = process.cpuUsage()
  await drive(requests)
  const total = cpuUs(started) / requests
  await handle.stop()
  return { cpuUs: total - buildUs }
}

interface App {
  fetch(request: Request): Promise<Response>
  /** Resolves once every enqueued message was consumed. */
  drained(): Promise<void>
  stop(): Promise<void>
}

async function rawApp(): Promise<App> {
  const { Elysia } = await import('elysia')
  const { z } = await import('zod')
  const order = z.object({ item: z.string().min(1), quantity: z.number().int().positive() })
  const queued: unknown[] = []
  const app = new Elysia()
    .get('/hello', () => ({ message: 'hello' }))
    .post('/orders', ({ body, set }) => {
      const result = order.safeParse(body)
      if (!result.success) {
        set.status = 400
        return { error: 'Invalid request body', issues: result.error.issues }
      }
      queued.push(result.data)
      if (queued.length > 10_000) queued.length = 0
      set.status = 202
      return { ok: true }
    })
  app.compile()
  return { fetch: (request) => app.handle(request), drained: async () => {}, stop: async () => {} }
}

async function motiaApp(checkout: string): Promise<App> {
  const root = join(checkout, '.tmp', `bench-http-cpu-${process.pid}`)
  const files: Record<string, string> = {
    'steps/http/hello.get.step.ts': `export const handler = async () => ({ status: 200, body: { message: 'hello' } })\n`,
    'steps/http/orders.post.step.ts': `
      import { z } from 'zod'
      export const config = {
        triggers: [{ type: 'http', bodySchema: z.object({ item: z.string().min(1), quantity: z.number().int().positive() }) }],
        enqueues: ['order-placed'],
      }
      export const handler = async (req, { enqueue }) => {
        await enqueue({ topic: 'order-placed', data: req.body })
        return { status: 202, body: { ok: true } }
      }
    `,
    'steps/queue/order-placed/consume.step.ts': `export const handler = async () => { globalThis.__consumed = (globalThis.__consumed ?? 0) + 1 }\n`,
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
  const counter = globalThis as { __consumed?: number }
  return {
    fetch(request) {
      if (request.method === 'POST') posted++
      return runtime.server.handle(request)
    },
    async drained() {
      while ((counter.__consumed ?? 0) < posted) await Bun.sleep(1)
    },
    async stop() {
      await runtime.stop()
      rmSync(root, { recursive: true, force: true })
    },
  }
}

function cpuUs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since)
  return used.user + used.system
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}
