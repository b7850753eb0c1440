/**
 * The queue adapters alone, no runtime: the two hops of the chain (a handler on hop-one publishes
 * each copy to hop-two) on the embedded SQLite adapter or the memory adapter, against the bare
 * queue of bench/bare-queue.ts on the same store, all in one process. Cost is this process's CPU
 * time per message; rounds alternate the order of the sides and medians are printed, with the
 * median of each round's own ratio (the steadier figure on a busy machine).
 *
 *   bun bench/queue-store.ts                          # SQLite, N = 10,000, 15 rounds
 *   STORE=memory ROUNDS=25 bun bench/queue-store.ts
 *   BEFORE=/work/main bun bench/queue-store.ts        # that checkout's adapter too
 */
import { mkdirSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createBareQueue, type BareQueue } from './bare-queue.ts'
import { loadAverage } from './report.ts'
import type { QueueAdapter } from '../runtime/adapters/queue/types.ts'

const repo = resolve(import.meta.dir, '..')
const store = process.env.STORE ?? 'sqlite'
const total = Number(process.env.N ?? 10_000)
const rounds = Number(process.env.ROUNDS ?? 15)
const batch = 10
const inFlight = 64
const dir = join(repo, '.tmp', `bench-queue-store-${process.pid}`)
mkdirSync(dir, { recursive: true })

interface Side {
  name: string
  /** Publishes one copy to hop-one; resolves once it is stored. */
  publish(): Promise<void>
  arrived(): number
}

const sides: Side[] = [bareSide()]
for (const checkout of [repo, ...(process.env.BEFORE ? [resolve(process.env.BEFORE)] : [])]) sides.push(await adapterSide(checkout))

const load = loadAverage()
for (let warm = 0; warm < 2; warm++) for (const side of sides) await measure(side)
const costs: number[][] = sides.map(() => [])
for (let round = 0; round < rounds; round++) {
  const order = round % 2 ? [...sides.keys()].reverse() : [...sides.keys()]
  for (const i of order) costs[i]!.push(await measure(sides[i]!))
}

console.log(`\nThe ${store} queue alone, two hops, N = ${total} messages, ${inFlight} × ${batch} publishes in flight; ${rounds} rounds, medians; load ${load} → ${loadAverage()}\n`)
console.log('side | CPU µs per message | bare / side (ratio of medians) | median of the rounds\' bare / side')
for (let i = 0; i < sides.length; i++) {
  const ratios = costs[0]!.map((bare, round) => bare / costs[i]![round]!)
  console.log([sides[i]!.name, median(costs[i]!).toFixed(2), (median(costs[0]!) / median(costs[i]!)).toFixed(2), median(ratios).toFixed(2)].join(' | '))
}
rmSync(dir, { recursive: true, force: true })
process.exit(0)

// --- internal ---

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

/** CPU µs per message of N messages through both hops. */
async function measure(side: Side): Promise<number> {
  Bun.gc(true)
  const start = side.arrived()
  const cpu = process.cpuUsage()
  let sent = 0
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (sent < total) {
        const count = Math.min(batch, total - sent)
        sent += count
        const sends: Promise<void>[] = []
        for (let i = 0; i < count; i++) sends.push(side.publish())
        await Promise.all(sends)
      }
    }),
  )
  while (side.arrived() - start < total) await Bun.sleep(1)
  const used = process.cpuUsage(cpu)
  return (used.user + used.system) / total
}

function bareSide(): Side {
  const queue: BareQueue = createBareQueue(store, join(dir, 'bare'), 100)
  const data = JSON.stringify({ sentAt: 1 })
  let arrived = 0
  queue.consume('hop-one', (copy) => queue.publish('hop-two', copy))
  queue.consume('hop-two', (copy) => {
    JSON.parse(copy)
    arrived++
  })
  return { name: 'bare', publish: () => queue.publish('hop-one', data), arrived: () => arrived }
}

async function adapterSide(checkout: string): Promise<Side> {
  const module = store === 'sqlite' ? 'runtime/adapters/queue/sqlite.ts' : 'runtime/adapters/queue/memory.ts'
  const imported = (await import(join(checkout, module))) as Record<string, (options: object) => QueueAdapter>
  const queue = store === 'sqlite' ? imported.createSqliteQueue!({ path: join(dir, `${sides.length}.db`) }) : imported.createMemoryQueue!({})
  const options = { maxRetries: 3, backoff: { type: 'fixed' as const, delayMs: 10 }, visibilityTimeoutMs: 30_000, concurrency: 100, fifo: false }
  let arrived = 0
  await queue.consume({ ...options, topic: 'hop-one', step: 'Forward' }, (message) => queue.publish('hop-two', ['Arrive'], message.data, { traceId: message.traceId }))
  await queue.consume({ ...options, topic: 'hop-two', step: 'Arrive' }, async () => {
    arrived++
  })
  const traceId = '0af7651916cd43dd8448eb211c80319c'
  return {
    name: checkout === repo ? 'this checkout' : checkout,
    publish: () => queue.publish('hop-one', ['Forward'], { sentAt: 1 }, { traceId }),
    arrived: () => arrived,
  }
}
