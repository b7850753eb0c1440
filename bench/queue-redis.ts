/**
 * Redis queue benchmark: the HTTP → queue → queue chain through our BullMQ adapter (`motia start`
 * with REDIS_URL) against raw BullMQ doing the same work (Bun.serve → Queue.add → Worker → Queue.add
 * → Worker) at the same concurrency, on the same private redis-server, in one run. Then the same
 * chain on three `motia start` instances sharing that Redis.
 *
 *   bun bench/queue-redis.ts          # N = 10,000 messages per run
 *   N=5000 bun bench/queue-redis.ts
 *
 * Each server is its own child process; this process is the load generator: N messages in POSTs of
 * BATCH (default 10), 64 requests in flight, timed from the first send to the last arrival. Latency
 * is per message from its POST to the end of the second step, under that full load.
 */
import { rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { chainSteps, postChain, sendAll, waitUntil, writeProject } from './chain.ts'
import { startRedisServer } from '../test/helpers/redis-server.ts'
import { loadAverage, report } from './report.ts'

const repo = resolve(import.meta.dir, '..')
const total = Number(process.env.N ?? 10_000)
const batch = Number(process.env.BATCH ?? 10)
const concurrency = 50
const inFlight = 64

const latency = `
  const now = () => performance.timeOrigin + performance.now()
  let samples = []
  let last = 0
  export function record(sentAt) { const at = now(); samples.push(at - sentAt); last = at }
  export function reset() { samples = []; last = 0 }
  export function stats() { return { count: samples.length, last, samples } }
`

const steps: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'bench-queue-redis', type: 'module' }),
  'lib/latency.js': latency,
  ...chainSteps('lib/latency.js', concurrency),
}

/** The same chain on BullMQ alone, as a user would write it by hand. */
const raw = `
  import { Queue, Worker } from 'bullmq'
  import { Redis } from 'ioredis'
  import { record, reset, stats } from './lib/latency.js'
  const connection = new Redis(process.env.REDIS_URL, { maxRetriesPerRequest: null })
  const prefix = 'raw-bench'
  const one = new Queue('hop-one', { connection, prefix })
  const two = new Queue('hop-two', { connection, prefix })
  const opts = { removeOnComplete: true, removeOnFail: true }
  new Worker('hop-one', async (job) => { await two.add('m', job.data, opts) }, { connection, prefix, concurrency: ${concurrency} })
  new Worker('hop-two', async (job) => { record(job.data.sentAt) }, { connection, prefix, concurrency: ${concurrency} })
  Bun.serve({
    port: Number(process.env.PORT),
    hostname: '127.0.0.1',
    async fetch(req) {
      const path = new URL(req.url).pathname
      if (path === '/__motia/health') return new Response('ok')
      if (path === '/stats') return Response.json(stats())
      if (path === '/reset') { reset(); return new Response(null, { status: 204 }) }
      const body = await req.json()
      const sends = []
      for (let i = 0; i < body.batch; i++) sends.push(one.add('m', { sentAt: body.sentAt }, opts))
      await Promise.all(sends)
      return new Response(null, { status: 202 })
    },
  })
`

interface Result {
  name: string
  throughput: number
  p50: number
  p99: number
}

const redis = await startRedisServer()
const root = join(repo, '.tmp', `bench-queue-redis-${process.pid}`)
rmSync(root, { recursive: true, force: true })
writeProject(root, { ...steps, 'raw.ts': raw })
const results: Result[] = []
try {
  results.push(await measure('raw BullMQ', 1, (port) => [process.execPath, join(root, 'raw.ts'), String(port)]))
  results.push(await measure('motia (BullMQ adapter)', 1, (port) => [process.execPath, join(repo, 'cli/index.ts'), 'start', '--port', String(port)]))
  results.push(await measure('motia, 3 instances', 3, (port) => [process.execPath, join(repo, 'cli/index.ts'), 'start', '--port', String(port)]))
} finally {
  rmSync(root, { recursive: true, force: true })
  await redis.cleanup()
}

console.log(`\nHTTP → queue → queue on one local redis-server, N = ${total} messages, ${batch} per request, ${inFlight} requests in flight, concurrency ${concurrency} per step\n`)
console.log(['run', 'msg/s through the chain', 'p50 ms', 'p99 ms', 'vs raw BullMQ'].join(' | '))
const baseline = results[0]!.throughput
for (const r of results) console.log([r.name, r.throughput.toFixed(0), r.p50.toFixed(1), r.p99.toFixed(1), `${(r.throughput / baseline).toFixed(2)}×`].join(' | '))
console.log('\nTargets: one motia instance ≥ 0.9× raw BullMQ; three instances at least as fast as one. Latency is under full load, so it includes the backlog.')
const [rawRun, one, three] = results as [Result, Result, Result]
const detail = `${one.throughput.toFixed(0)} vs ${rawRun.throughput.toFixed(0)} msg/s, N = ${total}; load ${loadAverage()}`
report({ bench: 'queue-redis', metric: 'one instance / raw BullMQ', value: one.throughput / rawRun.throughput, target: { min: 0.9 }, unit: '×', detail })
report({ bench: 'queue-redis', metric: 'three instances / one instance', value: three.throughput / one.throughput, target: { min: 1 }, unit: '×', detail: `${three.throughput.toFixed(0)} vs ${one.throughput.toFixed(0)} msg/s on ${navigator.hardwareConcurrency} cores` })

// --- internal ---

async function measure(name: string, count: number, command: (port: number) => string[]): Promise<Result> {
  await flush()
  const ports = Array.from({ length: count }, () => 20_000 + Math.floor(Math.random() * 20_000))
  const servers = ports.map((port) =>
    Bun.spawn(command(port), {
      cwd: root,
      env: { ...process.env, REDIS_URL: redis.url, PORT: String(port), MOTIA_LOG_LEVEL: 'warn', MOTIA_LOG_FORMAT: 'json' },
      stdout: 'ignore',
      stderr: 'inherit',
    }),
  )
  const bases = ports.map((port) => `http://127.0.0.1:${port}`)
  try {
    for (const base of bases) await waitUntil(async () => (await fetch(`${base}/__motia/health`).catch(() => undefined))?.ok === true, 20_000, 50)
    let turn = 0
    const post = (messages: number) => postChain(bases[turn++ % bases.length]!, messages)
    const stats = async () => {
      const all = await Promise.all(bases.map(async (base) => (await (await fetch(`${base}/stats`)).json()) as { count: number; last: number; samples: number[] }))
      return { count: all.reduce((sum, s) => sum + s.count, 0), last: Math.max(...all.map((s) => s.last)), samples: all.flatMap((s) => s.samples) }
    }
    // Warm-up.
    await Promise.all(Array.from({ length: 100 }, () => post(1)))
    await waitUntil(async () => (await stats()).count >= 100, 30_000, 50)
    for (const base of bases) await fetch(`${base}/reset`, { method: 'POST' })
    const started = performance.timeOrigin + performance.now()
    await sendAll({ total, batch, inFlight, name, post })
    await waitUntil(async () => (await stats()).count >= total, 180_000, 50)
    const done = await stats()
    const seconds = (done.last - started) / 1000
    const sorted = done.samples.sort((a, b) => a - b)
    const pick = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
    console.log(`${name}: ${total} chains in ${seconds.toFixed(2)} s`)
    return { name, throughput: total / seconds, p50: pick(0.5), p99: pick(0.99) }
  } finally {
    for (const server of servers) server.kill('SIGTERM')
    await Promise.all(servers.map((server) => server.exited))
  }
}

/** Empties the bench's Redis between runs, so one run's leftovers do not slow the next. */
async function flush(): Promise<void> {
  const { Redis } = await import('ioredis')
  const client = new Redis(redis.url)
  await client.flushall()
  client.disconnect()
}
