/**
 * Redis queue benchmark: the HTTP → queue → queue chain through our BullMQ adapter (`motia start`
 * with REDIS_URL) against raw BullMQ doing the same work (Bun.serve → Queue.add → Worker → Queue.add
 * → Worker) at the same concurrency, on the same private redis-server, in one run. Then the same
 * chain on three `motia start` instances sharing that Redis.
 *
 *   bun bench/queue-redis.ts          # N = 10,000 messages per run
 *   N=5000 ROUNDS=3 bun bench/queue-redis.ts          # sides alternating, medians
 *   BEFORE=../main-checkout bun bench/queue-redis.ts  # that checkout's Motia too (one and three instances)
 *   ONE=1 BEFORE=../main-checkout ROUNDS=5 bun bench/queue-redis.ts  # one instance only, quicker
 *
 * Each server is its own child process; this process is the load generator: N messages in POSTs of
 * BATCH (default 10), 64 requests in flight, timed from the first send to the last arrival. Latency
 * is per message from its POST to the end of the second step, under that full load.
 *
 * Beside each figure: the CPU time per message of the servers and of redis-server (the steadier
 * figure on a shared machine), and the Redis commands per message: those clients sent (counted with
 * MONITOR over COUNTED messages after the timed phase) and those Redis ran, scripts' inner commands
 * included (`INFO commandstats` over the timed phase), with the µs Redis spent in scripts; then
 * Redis's socket reads and writes per message (`INFO stats`: one read serves every command a
 * client sent at once, so this counts round trips as Redis sees them) and the bytes it received.
 * MONITOR_FILE=path keeps what MONITOR saw.
 */
import { appendFileSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { chainSteps, cpuMs, freePort, postChain, sendAll, waitUntil, writeProject } from './chain.ts'
import { startRedisServer } from '../test/helpers/redis-server.ts'
import { loadAverage, median, report } from './report.ts'

const repo = resolve(import.meta.dir, '..')
const total = Number(process.env.N ?? 10_000)
const batch = Number(process.env.BATCH ?? 10)
const concurrency = 50
const inFlight = 64
const rounds = Number(process.env.ROUNDS ?? 1)
const counted = Number(process.env.COUNTED ?? 300)
const before = process.env.BEFORE ? resolve(process.env.BEFORE) : undefined
/** MONITOR_FILE=path appends what MONITOR saw while commands were counted, each line after its side's name. */
const monitorFile = process.env.MONITOR_FILE
/** ONE=1 leaves out the three-instance runs (a quicker before/after of one instance). */
const three = !process.env.ONE

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
  // An orderly exit, so that a CPU profile (PROFILE_DIR) is written.
  process.on('SIGTERM', () => process.exit(0))
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
  /** CPU ms per message: the servers' (all instances) and redis-server's. */
  serverCpu: number
  redisCpu: number
  /** Redis commands per message: sent by clients (a script call is one) and run (with scripts' own). */
  sent: number
  run: number
  /** µs per message Redis spent running scripts (their inner commands included). */
  scriptUs: number
  /** Per message: socket reads and writes Redis made (each serves every command one client sent at once), bytes in. */
  reads: number
  writes: number
  bytesIn: number
  /** The commands run most, per message, with their µs. */
  top: string
}

const projectRoot = join(repo, '.tmp', `bench-queue-redis-${process.pid}`)
type Side = { name: string; count: number; command: (port: number) => string[] }
// PROFILE_DIR writes each one-instance Motia server's CPU profile there (markdown).
const profile = (name: string) => (process.env.PROFILE_DIR ? ['--cpu-prof-md', `--cpu-prof-dir=${process.env.PROFILE_DIR}`, `--cpu-prof-name=${name}-${Date.now()}.md`] : [])
const cli = (checkout: string, name?: string) => (port: number) => [process.execPath, ...(name ? profile(name) : []), join(checkout, 'cli/index.ts'), 'start', '--port', String(port)]
const sides: Side[] = [
  { name: 'raw BullMQ', count: 1, command: (port) => [process.execPath, ...profile('raw'), join(projectRoot, 'raw.ts'), String(port)] },
  { name: 'motia (BullMQ adapter)', count: 1, command: cli(repo, 'motia') },
  ...(three ? [{ name: 'motia, 3 instances', count: 3, command: cli(repo) }] : []),
  ...(before ? [{ name: 'motia BEFORE', count: 1, command: cli(before, 'before') }] : []),
  ...(before && three ? [{ name: 'motia BEFORE, 3 instances', count: 3, command: cli(before) }] : []),
]

const redis = await startRedisServer()
rmSync(projectRoot, { recursive: true, force: true })
writeProject(projectRoot, { ...steps, 'raw.ts': raw })
const load = loadAverage()
const byName = new Map<string, Result[]>(sides.map((side) => [side.name, []]))
try {
  for (let round = 0; round < rounds; round++) {
    // Alternate the order, so that neither side always runs on a warmer (or busier) machine.
    for (const side of round % 2 ? [...sides].reverse() : sides) byName.get(side.name)!.push(await measure(side))
  }
} finally {
  rmSync(projectRoot, { recursive: true, force: true })
  await redis.cleanup()
}

const results = sides.map((side) => medianOf(byName.get(side.name)!))
console.log(`\nHTTP → queue → queue on one local redis-server, N = ${total} messages, ${batch} per request, ${inFlight} requests in flight, concurrency ${concurrency} per step; ${rounds} round(s), medians; load ${load} → ${loadAverage()}\n`)
console.log(['run', 'msg/s through the chain', 'p50 ms', 'p99 ms', 'vs raw BullMQ', 'server CPU ms/msg', 'redis CPU ms/msg', 'Redis commands/msg sent | run', 'µs/msg in scripts', 'Redis reads | writes/msg', 'bytes in/msg'].join(' | '))
const baseline = results[0]!.throughput
for (const r of results) {
  console.log([r.name, r.throughput.toFixed(0), r.p50.toFixed(1), r.p99.toFixed(1), `${(r.throughput / baseline).toFixed(2)}×`, r.serverCpu.toFixed(3), r.redisCpu.toFixed(3), `${r.sent.toFixed(1)} | ${r.run.toFixed(1)}`, r.scriptUs.toFixed(0), `${r.reads.toFixed(2)} | ${r.writes.toFixed(2)}`, r.bytesIn.toFixed(0)].join(' | '))
}
console.log('\nCommands Redis ran per message, most first:')
for (const r of results) console.log(`${r.name}: ${r.top}`)
console.log('\nTargets: one motia instance ≥ 0.9× raw BullMQ; three instances at least as fast as one. Latency is under full load, so it includes the backlog.')
const [rawRun, one] = results as [Result, Result]
const ratios = (name: string, base: string) => byName.get(name)!.map((r, i) => r.throughput / byName.get(base)![i]!.throughput)
const detail = `${one.throughput.toFixed(0)} vs ${rawRun.throughput.toFixed(0)} msg/s, N = ${total}, median of ${rounds}; load ${load}`
report({ bench: 'queue-redis', metric: 'one instance / raw BullMQ', value: median(ratios(one.name, rawRun.name)), target: { min: 0.9 }, unit: '×', detail })
if (three) {
  const several = results[2]!
  report({ bench: 'queue-redis', metric: 'three instances / one instance', value: median(ratios(several.name, one.name)), target: { min: 1 }, unit: '×', detail: `${several.throughput.toFixed(0)} vs ${one.throughput.toFixed(0)} msg/s on ${navigator.hardwareConcurrency} cores` })
}
if (before) report({ bench: 'queue-redis', metric: 'BEFORE: one instance / raw BullMQ', value: median(ratios('motia BEFORE', rawRun.name)), unit: '×', detail: `the checkout at ${before}` })
if (before && three) report({ bench: 'queue-redis', metric: 'BEFORE: three instances / one instance', value: median(ratios('motia BEFORE, 3 instances', 'motia BEFORE')), unit: '×', detail: `the checkout at ${before}` })

// --- internal ---

async function measure(side: Side): Promise<Result> {
  await redisCall((client) => client.flushall())
  const ports = Array.from({ length: side.count }, () => freePort())
  const servers = ports.map((port) =>
    Bun.spawn(side.command(port), {
      cwd: projectRoot,
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
    await redisCall((client) => client.config('RESETSTAT'))
    const cpuBefore = servers.reduce((sum, s) => sum + cpuMs(s.pid), 0)
    const redisBefore = await redisCpuMs()
    const started = performance.timeOrigin + performance.now()
    await sendAll({ total, batch, inFlight, name: side.name, post })
    await waitUntil(async () => (await stats()).count >= total, 180_000, 50)
    const done = await stats()
    const serverCpu = (servers.reduce((sum, s) => sum + cpuMs(s.pid), 0) - cpuBefore) / total
    const redisCpu = ((await redisCpuMs()) - redisBefore) / total
    const ran = await commandsRun()
    const sent = await commandsSent(side.name, () => sendAll({ total: counted, batch, inFlight, name: side.name, post }).then(() => waitUntil(async () => (await stats()).count >= total + counted, 60_000, 20)))
    const seconds = (done.last - started) / 1000
    const sorted = done.samples.sort((a, b) => a - b)
    const pick = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
    console.log(`${side.name}: ${total} chains in ${seconds.toFixed(2)} s`)
    return { name: side.name, throughput: total / seconds, p50: pick(0.5), p99: pick(0.99), serverCpu, redisCpu, sent, ...ran }
  } finally {
    for (const server of servers) server.kill('SIGTERM')
    await Promise.all(servers.map((server) => server.exited))
  }
}

/** Per figure, the median over the rounds (the `top` of the first round). */
function medianOf(runs: Result[]): Result {
  const figures = ['throughput', 'p50', 'p99', 'serverCpu', 'redisCpu', 'sent', 'run', 'scriptUs', 'reads', 'writes', 'bytesIn'] as const
  return { ...runs[0]!, ...Object.fromEntries(figures.map((key) => [key, median(runs.map((r) => r[key]))])) }
}

/**
 * Commands Redis ran since RESETSTAT, per message (`INFO commandstats` counts a script's inner
 * commands too), with the time Redis spent in each (a script's includes its inner commands').
 */
async function commandsRun(): Promise<Pick<Result, 'run' | 'scriptUs' | 'reads' | 'writes' | 'bytesIn' | 'top'>> {
  const [info, stats] = await redisCall((client) => Promise.all([client.info('commandstats'), client.info('stats')]))
  const stat = (name: string) => Number(new RegExp(`${name}:(\\d+)`).exec(stats)?.[1] ?? Number.NaN) / total
  const calls = [...info.matchAll(/^cmdstat_([\w|]+):calls=(\d+),usec=(\d+)/gm)]
    .map((m) => [m[1]!, Number(m[2]) / total, Number(m[3]) / total] as const)
    .filter(([name]) => name !== 'info' && name !== 'config|resetstat')
  calls.sort((a, b) => b[1] - a[1])
  const top = calls.map(([name, n, usec]) => `${name} ${n.toFixed(2)} (${usec.toFixed(1)} µs)`).join(', ')
  const io = { reads: stat('total_reads_processed'), writes: stat('total_writes_processed'), bytesIn: stat('total_net_input_bytes') }
  return { ...io, run: calls.reduce((sum, [, n]) => sum + n, 0), scriptUs: calls.reduce((sum, [name, , usec]) => sum + (name === 'evalsha' || name === 'eval' ? usec : 0), 0), top }
}

/**
 * Commands clients sent per message while `work` runs, seen by MONITOR, whose lines name each
 * command's source: a client's address, or `lua` for a script's own commands.
 */
async function commandsSent(side: string, work: () => Promise<void>): Promise<number> {
  let sent = 0
  let rest = ''
  const socket = await Bun.connect({
    hostname: '127.0.0.1',
    port: redis.port,
    socket: {
      data(_socket, chunk) {
        const lines = (rest + chunk.toString()).split('\r\n')
        rest = lines.pop()!
        for (const line of lines) if (line.startsWith('+') && line !== '+OK' && !line.includes(' lua] ')) sent++
        if (monitorFile) appendFileSync(monitorFile, lines.map((line) => `${side}\t${line}\n`).join(''))
      },
    },
  })
  socket.write('MONITOR\r\n')
  try {
    await work()
  } finally {
    socket.end()
  }
  return sent / counted
}

async function redisCpuMs(): Promise<number> {
  const info = await redisCall((client) => client.info('cpu'))
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? Number.NaN)
  return (field('used_cpu_sys') + field('used_cpu_user')) * 1000
}

async function redisCall<T>(action: (client: import('ioredis').Redis) => Promise<T>): Promise<T> {
  const { Redis } = await import('ioredis')
  const client = new Redis(redis.url)
  try {
    return await action(client)
  } finally {
    client.disconnect()
  }
}
