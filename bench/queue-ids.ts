/**
 * What an idempotent enqueue (`enqueue({ …, id })`) costs on each adapter, against the same
 * adapter without ids in the same run: publish N copies to one subscriber and consume them all.
 *
 *   bun bench/queue-ids.ts                   # N = 20,000, 7 rounds, memory and SQLite
 *   REDIS=1 N=5000 bun bench/queue-ids.ts    # also Redis, on a private redis-server
 *
 * Rounds run A B B A (without, with, with, without) so that the shared machine's drift cancels,
 * and cost is CPU time of this process per message, steadier than wall time on a busy machine.
 * For Redis the work is mostly in redis-server, so its wall time is printed instead.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMemoryQueue } from '../runtime/adapters/queue/memory.ts'
import { createSqliteQueue } from '../runtime/adapters/queue/sqlite.ts'
import type { QueueAdapter } from '../runtime/adapters/queue/types.ts'
import { createRedisQueue } from '../runtime/adapters/redis/queue.ts'
import { startRedisServer } from '../test/helpers/redis-server.ts'

const total = Number(process.env.N ?? 20_000)
const rounds = Number(process.env.ROUNDS ?? 7)
const dir = mkdtempSync(join(tmpdir(), 'motia-bench-ids-'))
const redis = process.env.REDIS ? await startRedisServer() : undefined
let opened = 0

const adapters: Record<string, () => QueueAdapter | Promise<QueueAdapter>> = {
  memory: () => createMemoryQueue(),
  sqlite: () => createSqliteQueue({ path: join(dir, `q${++opened}.db`) }),
  ...(redis ? { redis: () => createRedisQueue({ url: redis.url, prefix: `bench${++opened}:` }) } : {}),
}

console.log(`publish + consume of ${total} copies, ${rounds} rounds (A B B A), median ratio with ids / without\n`)
console.log(['adapter', 'msg/s without id', 'msg/s with id', 'with / without', 'measured on'].join(' | '))
for (const [name, create] of Object.entries(adapters)) {
  const cpu = name !== 'redis'
  const ratios: number[] = []
  const plain: number[] = []
  const keyed: number[] = []
  for (let round = 0; round < rounds; round++) {
    const a1 = await run(create, false, cpu)
    const b1 = await run(create, true, cpu)
    const b2 = await run(create, true, cpu)
    const a2 = await run(create, false, cpu)
    plain.push(a1, a2)
    keyed.push(b1, b2)
    ratios.push((b1 + b2) / (a1 + a2))
  }
  console.log([name, median(plain).toFixed(0), median(keyed).toFixed(0), `${median(ratios).toFixed(2)}×`, cpu ? 'CPU time' : 'wall time'].join(' | '))
}
await redis?.cleanup()
rmSync(dir, { recursive: true, force: true })

// --- internal ---

/** Messages per second (of CPU time, or of wall time) through a fresh adapter. */
async function run(create: () => QueueAdapter | Promise<QueueAdapter>, withIds: boolean, cpu: boolean): Promise<number> {
  const queue = await create()
  let done = 0
  let finish!: () => void
  const all = new Promise<void>((resolve) => (finish = resolve))
  await queue.consume({ topic: 't', step: 's', maxRetries: 3, backoff: { type: 'fixed', delayMs: 5 }, visibilityTimeoutMs: 30_000, concurrency: 50, fifo: false }, async () => {
    if (++done === total) finish()
  })
  const cpu0 = process.cpuUsage()
  const wall0 = performance.now()
  const pending: Promise<void>[] = []
  for (let i = 0; i < total; i++) {
    pending.push(queue.publish('t', ['s'], { i }, withIds ? { traceId: 'bench', id: `order-${i}` } : { traceId: 'bench' }))
    if (pending.length === 500) await Promise.all(pending.splice(0))
  }
  await Promise.all(pending)
  await all
  const used = process.cpuUsage(cpu0)
  const seconds = cpu ? (used.user + used.system) / 1e6 : (performance.now() - wall0) / 1000
  await queue.close()
  return total / seconds
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
}
