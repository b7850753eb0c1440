/**
 * The queue chain of bench/queue.ts measured in process, by CPU time per message, which a loaded
 * machine disturbs less than throughput over sockets. Each side runs in its own process: Motia's
 * chain (`createRuntime` on the project of bench/queue.ts, its POST /chain driven through
 * `server.handle`, no socket) and the bare chain of bench/bare-queue.ts (its handler called with
 * the same requests). Rounds alternate the order of the sides; medians are printed.
 *
 *   bun bench/queue-cpu.ts                       # both stores, 5 rounds
 *   ONLY=sqlite N=20000 ROUNDS=7 bun bench/queue-cpu.ts
 *   BEFORE=/work/main bun bench/queue-cpu.ts     # that checkout's Motia too
 *   PROFILE=.tmp/prof ONLY=sqlite bun bench/queue-cpu.ts   # writes each Motia side's .cpuprofile
 */
import { rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { chainSteps, writeProject } from './chain.ts'
import { createBareChain } from './bare-queue.ts'
import { loadAverage } from './report.ts'

const repo = resolve(import.meta.dir, '..')
const total = Number(process.env.N ?? 20_000)
const batch = Number(process.env.BATCH ?? 10)
const inFlight = 64

interface Sample {
  cpuMs: number
  wallMs: number
}

if (process.env.QUEUE_CPU_CHILD) {
  const sample = await measure(process.env.SIDE!, process.env.STORE!, process.env.CHECKOUT!)
  console.log(JSON.stringify(sample))
  process.exit(0)
}

const rounds = Number(process.env.ROUNDS ?? 5)
const before = process.env.BEFORE ? resolve(process.env.BEFORE) : undefined
const stores = ['memory', 'sqlite'].filter((store) => !process.env.ONLY || store === process.env.ONLY)
const load = loadAverage()
const rows: Array<Sample & { store: string; side: string }> = []
for (let round = 0; round < rounds; round++) {
  for (const store of stores) {
    const sides = ['bare', repo, ...(before ? [before] : [])]
    if (round % 2) sides.reverse()
    for (const side of sides) rows.push({ ...(await child(side, store)), store, side })
  }
}

console.log(`\nIn process: HTTP → queue → queue, N = ${total} messages, ${batch} per request; ${rounds} rounds, medians; load ${load}\n`)
console.log('store | side | CPU µs per message | wall s | CPU ratio bare / side | each round (CPU µs per message)')
for (const store of stores) {
  const of = (side: string) => rows.filter((row) => row.store === store && row.side === side)
  const bareCpu = median(of('bare').map((row) => row.cpuMs))
  for (const side of ['bare', repo, ...(before ? [before] : [])]) {
    const mine = of(side)
    const cpu = median(mine.map((row) => row.cpuMs))
    const name = side === 'bare' ? 'bare' : side === repo ? 'motia (this checkout)' : `motia at ${side}`
    const each = mine.map((row) => ((row.cpuMs * 1000) / total).toFixed(1)).join(' ')
    console.log([store, name, ((cpu * 1000) / total).toFixed(2), (median(mine.map((row) => row.wallMs)) / 1000).toFixed(2), (bareCpu / cpu).toFixed(2), each].join(' | '))
  }
}

// --- internal ---

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

async function child(side: string, store: string): Promise<Sample> {
  const profile = process.env.PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${resolve(process.env.PROFILE)}`] : []
  const proc = Bun.spawn([process.execPath, ...profile, import.meta.path], {
    env: { ...process.env, QUEUE_CPU_CHILD: '1', SIDE: side === 'bare' ? 'bare' : 'motia', STORE: store, CHECKOUT: side === 'bare' ? repo : side, MOTIA_LOG_LEVEL: 'warn' },
    stdout: 'pipe',
    stderr: 'inherit',
  })
  const out = await new Response(proc.stdout).text()
  if ((await proc.exited) !== 0) throw new Error(`queue-cpu: the ${side} side on ${store} failed`)
  return JSON.parse(out.trim().split('\n').at(-1)!) as Sample
}

/** One side in this process: warms up, then times N messages through the chain. */
async function measure(side: string, store: string, checkout: string): Promise<Sample> {
  const root = join(checkout, '.tmp', `bench-queue-cpu-${store}-${process.pid}`)
  rmSync(root, { recursive: true, force: true })
  const counter = globalThis as { chainArrived?: number }
  counter.chainArrived = 0
  let handle: (request: Request) => Promise<Response>
  let stop = async () => {}
  if (side === 'bare') {
    const bare = createBareChain(store, root, 100)
    handle = (request) => bare.chain(request)
    const count = () => bare.count()
    Object.defineProperty(counter, 'chainArrived', { get: count, set: () => bare.reset(), configurable: true })
  } else {
    const steps = chainSteps('lib/latency.ts', 100)
    const config =
      store === 'memory'
        ? `import { createMemoryQueue, createMemoryState } from 'motia/adapters'\nexport default { adapters: { queue: createMemoryQueue, state: createMemoryState } }\n`
        : 'export default {}\n'
    // Counts arrivals where this process can read them without a request.
    const latency = `export function record() { globalThis.chainArrived++ }\nexport function stats() { return {} }\nexport function reset() {}\n`
    writeProject(root, { ...steps, 'lib/latency.ts': latency, 'motia.config.ts': config })
    const { createRuntime } = (await import(join(checkout, 'runtime/runtime.ts'))) as typeof import('../runtime/runtime.ts')
    const runtime = await createRuntime({ root, mode: 'start', logSink: () => {}, env: {} })
    await runtime.load()
    handle = (request) => runtime.server.handle(request)
    stop = () => runtime.stop()
  }
  const send = async (count: number) => {
    let sent = 0
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (sent < count) {
          const messages = Math.min(batch, count - sent)
          sent += messages
          const body = JSON.stringify({ sentAt: performance.timeOrigin + performance.now(), batch: messages })
          const res = await handle(new Request('http://127.0.0.1/chain', { method: 'POST', headers: { 'content-type': 'application/json' }, body }))
          if (res.status !== 202) throw new Error(`queue-cpu: POST /chain answered ${res.status}`)
        }
      }),
    )
  }
  const arrived = async (count: number) => {
    while ((counter.chainArrived ?? 0) < count) await Bun.sleep(2)
  }
  await send(2000)
  await arrived(2000)
  counter.chainArrived = 0
  Bun.gc(true)
  const cpu = process.cpuUsage()
  const t0 = performance.now()
  await send(total)
  await arrived(total)
  const wallMs = performance.now() - t0
  const used = process.cpuUsage(cpu)
  await stop()
  rmSync(root, { recursive: true, force: true })
  return { cpuMs: (used.user + used.system) / 1000, wallMs }
}
