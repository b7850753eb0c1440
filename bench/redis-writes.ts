/**
 * What coalescing a connection's writes (runtime/adapters/redis/connection.ts, `coalesceWrites`)
 * saves, on raw BullMQ alone: the two-hop chain of bench/queue-redis.ts in this process, on one
 * ioredis connection as a user would write it, with and without its writes coalesced. Sides
 * alternate round by round; printed: medians of this process's CPU time per message (the figure
 * coalescing moves), redis-server's, and the socket reads Redis made per message.
 *
 *   bun bench/redis-writes.ts                 # N = 5,000 messages, 6 rounds
 *   N=10000 ROUNDS=8 bun bench/redis-writes.ts
 */
import { Queue, Worker } from 'bullmq'
import { Redis } from 'ioredis'
import { coalesceWrites } from '../runtime/adapters/redis/connection.ts'
import { startRedisServer } from '../test/helpers/redis-server.ts'
import { loadAverage, median } from './report.ts'

const total = Number(process.env.N ?? 5000)
const rounds = Number(process.env.ROUNDS ?? 6)
const batch = 10
const inFlight = 64
const concurrency = 50

interface Sample {
  /** Per message: this process's CPU µs, redis-server's CPU µs, Redis's socket reads. */
  cpuUs: number
  redisUs: number
  reads: number
}

const redis = await startRedisServer()
const admin = new Redis(redis.url)
const load = loadAverage()
const samples: Record<'plain' | 'coalesced', Sample[]> = { plain: [], coalesced: [] }
try {
  for (let round = 0; round < rounds; round++) {
    for (const coalesced of round % 2 ? [true, false] : [false, true]) samples[coalesced ? 'coalesced' : 'plain'].push(await measure(coalesced))
  }
} finally {
  admin.disconnect()
  await redis.cleanup()
}

console.log(`\nRaw BullMQ, two hops, N = ${total}, ${batch} adds per turn, ${inFlight} turns in flight, concurrency ${concurrency}; ${rounds} rounds, medians; load ${load} → ${loadAverage()}\n`)
console.log('writes | this process CPU µs/msg | redis-server CPU µs/msg | Redis reads/msg')
for (const [name, runs] of Object.entries(samples)) {
  console.log([name, median(runs.map((s) => s.cpuUs)).toFixed(0), median(runs.map((s) => s.redisUs)).toFixed(0), median(runs.map((s) => s.reads)).toFixed(2)].join(' | '))
}
const ratio = median(samples.coalesced.map((s, i) => s.cpuUs / samples.plain[i]!.cpuUs))
console.log(`\ncoalesced / plain, this process's CPU per message: ${ratio.toFixed(2)}× (median of the rounds' ratios)`)

// --- internal ---

async function measure(coalesced: boolean): Promise<Sample> {
  await admin.flushall()
  const connection = new Redis(redis.url, { maxRetriesPerRequest: null, lazyConnect: true })
  if (coalesced) connection.on('connect', () => coalesceWrites(connection.stream))
  await connection.connect()
  const options = { removeOnComplete: true, removeOnFail: true }
  const one = new Queue('one', { connection, prefix: 'bench' })
  const two = new Queue('two', { connection, prefix: 'bench' })
  let arrived = 0
  let finish!: () => void
  const finished = new Promise<void>((resolve) => (finish = resolve))
  const workers = [
    new Worker('one', async (job) => void (await two.add('m', job.data, options)), { connection, prefix: 'bench', concurrency }),
    new Worker('two', async () => void (++arrived === total && finish()), { connection, prefix: 'bench', concurrency }),
  ]
  await Promise.all(workers.map((worker) => worker.waitUntilReady()))
  const cpuBefore = process.cpuUsage()
  const [redisBefore, readsBefore] = [await redisCpuUs(), await redisReads()]
  let sent = 0
  const lane = async () => {
    while (sent < total) {
      sent += batch
      await Promise.all(Array.from({ length: batch }, () => one.add('m', { at: Date.now() }, options)))
    }
  }
  await Promise.all(Array.from({ length: inFlight }, lane))
  await finished
  const cpu = process.cpuUsage(cpuBefore)
  const sample = { cpuUs: (cpu.user + cpu.system) / total, redisUs: ((await redisCpuUs()) - redisBefore) / total, reads: ((await redisReads()) - readsBefore) / total }
  await Promise.all([...workers.map((worker) => worker.close()), one.close(), two.close()])
  connection.disconnect()
  return sample
}

async function redisCpuUs(): Promise<number> {
  const info = await admin.info('cpu')
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? Number.NaN)
  return (field('used_cpu_sys') + field('used_cpu_user')) * 1e6
}

async function redisReads(): Promise<number> {
  return Number(/total_reads_processed:(\d+)/.exec(await admin.info('stats'))?.[1] ?? Number.NaN)
}
