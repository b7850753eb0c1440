/**
 * The queue chain of bench/queue.ts in its steady state: this checkout's runtime, another
 * checkout's (`BEFORE`) and the bare chain of bench/bare-queue.ts, all in one process, each warmed
 * up before anything is measured, then short rounds taken in turn (the order alternating). Cost is
 * this process's CPU time per message. bench/queue-cpu.ts measures a fresh process, whose figure
 * is mostly the JIT's warm-up; this one is what a server that has run for a while spends, and the
 * median of each round's own ratio is the steadiest figure on a busy machine.
 *
 *   BEFORE=/work/main bun bench/queue-steady.ts            # memory, N = 10,000 per round, 25 rounds
 *   STORE=sqlite BEFORE=/work/main ROUNDS=15 bun bench/queue-steady.ts
 *   PROFILE: bun --cpu-prof --cpu-prof-dir=.tmp/prof bench/queue-steady.ts   (BEFORE left out)
 */
import { mkdirSync, rmSync, symlinkSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { chainSteps, writeProject } from './chain.ts'
import { createBareChain } from './bare-queue.ts'
import { loadAverage } from './report.ts'

const repo = resolve(import.meta.dir, '..')
const store = process.env.STORE ?? 'memory'
const total = Number(process.env.N ?? 10_000)
const rounds = Number(process.env.ROUNDS ?? 25)
const checkouts = [repo, ...(process.env.BEFORE ? [resolve(process.env.BEFORE)] : [])]
const dir = join(repo, '.tmp', `bench-queue-steady-${process.pid}`)
const counters = globalThis as unknown as Record<string, number>

interface Side {
  name: string
  handle(request: Request): Promise<Response>
  arrived(): number
  stop(): Promise<void>
}

const load = loadAverage()
const sides: Side[] = [bareSide(), ...(await Promise.all(checkouts.map(motiaSide)))]
for (let warm = 0; warm < 3; warm++) for (const side of sides) await measure(side)
const costs: number[][] = sides.map(() => [])
for (let round = 0; round < rounds; round++) {
  const order = round % 2 ? [...sides.keys()].reverse() : [...sides.keys()]
  for (const i of order) costs[i]!.push(await measure(sides[i]!))
}
for (const side of sides) await side.stop()
rmSync(dir, { recursive: true, force: true })

console.log(`\nSteady state, in process: HTTP → queue → queue on ${store}, N = ${total} messages a round, 10 per request; ${rounds} rounds; load ${load} → ${loadAverage()}\n`)
console.log('side | CPU µs per message (median) | bare / side | median of the rounds\' bare / side' + (sides.length > 2 ? ' | this checkout / before (median of the rounds\' ratios)' : ''))
for (let i = 0; i < sides.length; i++) {
  const ofRounds = (a: number, b: number) => median(costs[a]!.map((cost, round) => cost / costs[b]![round]!))
  const cells = [sides[i]!.name, median(costs[i]!).toFixed(2), (median(costs[0]!) / median(costs[i]!)).toFixed(2), ofRounds(0, i).toFixed(2)]
  if (sides.length > 2 && i === 1) cells.push(ofRounds(1, 2).toFixed(2))
  console.log(cells.join(' | '))
}
process.exit(0)

// --- internal ---

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

/** CPU µs per message of N messages through the chain, 64 requests in flight. */
async function measure(side: Side): Promise<number> {
  const start = side.arrived()
  const cpu = process.cpuUsage()
  let sent = 0
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (sent < total) {
        const batch = Math.min(10, total - sent)
        sent += batch
        const body = JSON.stringify({ sentAt: performance.timeOrigin + performance.now(), batch })
        const res = await side.handle(new Request('http://127.0.0.1/chain', { method: 'POST', headers: { 'content-type': 'application/json' }, body }))
        if (res.status !== 202) throw new Error(`queue-steady: POST /chain answered ${res.status}`)
      }
    }),
  )
  while (side.arrived() - start < total) await Bun.sleep(1)
  const used = process.cpuUsage(cpu)
  return (used.user + used.system) / total
}

function bareSide(): Side {
  const bare = createBareChain(store, join(dir, 'bare'), 100)
  return { name: 'bare', handle: (request) => bare.chain(request), arrived: () => bare.count(), stop: async () => {} }
}

/** `checkout`'s runtime on the chain's project; arrivals are counted in a global of its own. */
async function motiaSide(checkout: string, index: number): Promise<Side> {
  const root = join(dir, `motia-${index}`)
  const counter = `queueSteadyArrived${index}`
  counters[counter] = 0
  const config =
    store === 'memory'
      ? `import { createMemoryQueue, createMemoryState } from 'motia/adapters'\nexport default { adapters: { queue: createMemoryQueue, state: createMemoryState } }\n`
      : 'export default {}\n'
  const latency = `export function record() { globalThis.${counter}++ }\nexport function stats() { return {} }\nexport function reset() {}\n`
  writeProject(root, { ...chainSteps('lib/latency.ts', 100), 'lib/latency.ts': latency, 'motia.config.ts': config })
  // The project's `motia` is the checkout measured, not this one.
  mkdirSync(join(root, 'node_modules'), { recursive: true })
  symlinkSync(checkout, join(root, 'node_modules', 'motia'))
  const { createRuntime } = (await import(join(checkout, 'runtime/runtime.ts'))) as typeof import('../runtime/runtime.ts')
  const runtime = await createRuntime({ root, mode: 'start', logSink: () => {}, env: {} })
  await runtime.load()
  return {
    name: checkout === repo ? 'this checkout' : checkout,
    handle: (request) => runtime.server.handle(request),
    arrived: () => counters[counter]!,
    stop: () => runtime.stop(),
  }
}
