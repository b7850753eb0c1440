/**
 * Queue benchmark: an HTTP → queue → queue chain on the memory and the SQLite adapters.
 *
 *   bun bench/queue.ts            # N = 20,000 messages per adapter
 *   N=5000 RATE=500 BATCH=1 bun bench/queue.ts
 *   BEFORE=../main-checkout ROUNDS=3 bun bench/queue.ts   # that checkout's Motia too, alternating
 *   ONLY=sqlite bun bench/queue.ts   # one adapter
 *   WARMUP=20000 bun bench/queue.ts  # the steady state: 20,000 messages before the measured phase (default 500)
 *
 * Each adapter runs in its own `motia start` child process; this process is the load generator.
 * Throughput: N messages enter through POSTs (BATCH messages per request, default 10, so that the
 * HTTP client on the same two cores is not what is measured) with 64 requests in flight, timed
 * from the first send to the last arrival at the chain's end. Latency: a second, paced phase
 * (RATE messages/s, one per request, "moderate load"), measured per message from the POST to the
 * end of the last step on the shared wall clock. With `BEFORE`, each round measures this checkout
 * and the other one on every adapter (their order alternating), and medians are compared.
 * Beside each adapter, in the same round, the same chain written by hand on the bare store
 * (bench/bare-queue.ts: one `bun:sqlite` table with the adapter's durability settings, or plain
 * arrays) gives the baseline. Targets: ≥ 0.6× the bare SQLite chain, ≥ 0.5× the bare memory chain,
 * paced p50 under 2 ms.
 */
import { rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { adaptersEntry, chainSteps, cpuMs, freePort, postChain, sendAll, waitUntil, writeProject } from './chain.ts'
import { loadAverage, report } from './report.ts'

const repo = resolve(import.meta.dir, '..')
const total = Number(process.env.N ?? 20_000)
const rate = Number(process.env.RATE ?? 1000)
const pacedSeconds = Number(process.env.PACED_SECONDS ?? 3)
const batch = Number(process.env.BATCH ?? 10)
const inFlight = 64
const before = process.env.BEFORE ? resolve(process.env.BEFORE) : undefined
const rounds = Number(process.env.ROUNDS ?? 1)
// Messages through the chain before the full-load phase (one per request). The default leaves most
// of the JIT's warm-up in the measured phase; a larger one measures the steady state.
const warmup = Number(process.env.WARMUP ?? 500)

const steps: Record<string, string> = {
  ...chainSteps('lib/latency.ts', 100),
  'lib/latency.ts': `
    const now = () => performance.timeOrigin + performance.now()
    let samples: number[] = []
    let last = 0
    export function record(sentAt: number) { const at = now(); samples.push(at - sentAt); last = at }
    export function reset() { samples = []; last = 0 }
    export function stats() {
      const sorted = [...samples].sort((a, b) => a - b)
      const pick = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
      return { count: sorted.length, last, p50: pick(0.5), p99: pick(0.99) }
    }
  `,
}

const allAdapters = {
  memory: (checkout: string) => `import { createMemoryQueue, createMemoryState } from '${adaptersEntry(checkout)}'\nexport default { adapters: { queue: createMemoryQueue, state: createMemoryState } }\n`,
  sqlite: () => `export default {}\n`,
}
// ONLY=sqlite or ONLY=memory measures one adapter.
const adapters = Object.fromEntries(Object.entries(allAdapters).filter(([name]) => !process.env.ONLY || name === process.env.ONLY))

interface Result {
  adapter: string
  throughput: number
  /** The server's CPU time per message in the full-load phase (µs), steadier than throughput on a busy machine. */
  cpuPerMessage: number
  seconds: number
  p50: number
  p99: number
  pacedP50: number
  pacedP99: number
}

/** The hand-written chain on each bare store (bench/bare-queue.ts), measured beside each adapter. */
const bare = 'bare'
const load = loadAverage()
const results: Array<Result & { checkout: string }> = []
for (let round = 0; round < rounds; round++) {
  for (const [adapter, config] of Object.entries(adapters)) {
    const checkouts = before ? (round % 2 ? [before, repo] : [repo, before]) : [repo]
    const sides = round % 2 ? [...checkouts, bare] : [bare, ...checkouts]
    for (const side of sides) results.push({ ...(await measure(adapter, side === bare ? undefined : config(side), side === bare ? repo : side)), checkout: side })
  }
}

console.log(`\nHTTP → queue → queue, N = ${total} messages, ${batch} per request, 64 requests in flight; paced phase ${rate} msg/s for ${pacedSeconds} s\n`)
console.log(['adapter', 'msg/s through the chain', 'queue hops/s', 'p50 ms (saturated)', 'p99 ms', 'p50 ms (paced)', 'p99 ms', 'target'].join(' | '))
for (const adapter of Object.keys(adapters)) {
  const r = medianOf(results.filter((x) => x.adapter === adapter && x.checkout === repo))
  const target = r.adapter === 'memory' ? 50_000 : 10_000
  const verdict = r.throughput >= target ? 'PASS' : 'BELOW'
  const latency = r.adapter === 'sqlite' ? `, paced p50 < 5 ms ${r.pacedP50 < 5 ? 'PASS' : 'BELOW'}` : ''
  console.log(
    [r.adapter, r.throughput.toFixed(0), (r.throughput * 2).toFixed(0), r.p50.toFixed(2), r.p99.toFixed(2), r.pacedP50.toFixed(2), r.pacedP99.toFixed(2), `≥ ${target} msg/s ${verdict}${latency}`].join(' | '),
  )
  const base = medianOf(results.filter((x) => x.adapter === adapter && x.checkout === bare))
  const floor = r.adapter === 'memory' ? 0.5 : 0.6
  const ratio = r.throughput / base.throughput
  console.log(
    [`bare ${adapter === 'memory' ? 'arrays' : 'bun:sqlite'}`, base.throughput.toFixed(0), (base.throughput * 2).toFixed(0), base.p50.toFixed(2), base.p99.toFixed(2), base.pacedP50.toFixed(2), base.pacedP99.toFixed(2), `motia ${ratio.toFixed(2)}× it, target ≥ ${floor} ${ratio >= floor ? 'PASS' : 'BELOW'}`].join(' | '),
  )
  console.log(`  server CPU per message (full load): motia ${r.cpuPerMessage.toFixed(1)} µs, bare ${base.cpuPerMessage.toFixed(1)} µs: bare / motia ${(base.cpuPerMessage / r.cpuPerMessage).toFixed(2)}`)
  const detail = `${r.throughput.toFixed(0)} vs ${base.throughput.toFixed(0)} msg/s, CPU per message ${r.cpuPerMessage.toFixed(1)} vs ${base.cpuPerMessage.toFixed(1)} µs, N = ${total}, ${rounds} round(s); load ${load}`
  report({ bench: 'queue', metric: `${adapter} chain / bare ${adapter === 'memory' ? 'arrays' : 'bun:sqlite'} chain`, value: ratio, target: { min: floor }, unit: '×', detail })
  report({ bench: 'queue', metric: `${adapter} chain, paced p50 (${rate} msg/s)`, value: r.pacedP50, target: { max: 2 }, unit: ' ms', detail: `bare: ${base.pacedP50.toFixed(2)} ms; p99 ${r.pacedP99.toFixed(2)} vs ${base.pacedP99.toFixed(2)} ms` })
  if (before) {
    const old = medianOf(results.filter((x) => x.adapter === adapter && x.checkout === before))
    console.log(`  server CPU per message at ${before}: ${old.cpuPerMessage.toFixed(1)} µs (this checkout: ${(r.cpuPerMessage / old.cpuPerMessage).toFixed(2)}× it)`)
    console.log([`${adapter} at ${before}`, old.throughput.toFixed(0), (old.throughput * 2).toFixed(0), old.p50.toFixed(2), old.p99.toFixed(2), old.pacedP50.toFixed(2), old.pacedP99.toFixed(2), `this checkout: ${(r.throughput / old.throughput).toFixed(2)}× it`].join(' | '))
  }
}
console.log(`\nA message passes both queue steps; "queue hops/s" counts each step run. Saturated latency includes the backlog the load builds up.${rounds > 1 ? ` Medians of ${rounds} rounds.` : ''}`)

// --- internal ---

/** Each figure's median across rounds. */
function medianOf(rows: Result[]): Result {
  const mid = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!
  const pick = (key: keyof Omit<Result, 'adapter'>) => mid(rows.map((row) => row[key]))
  return { adapter: rows[0]!.adapter, throughput: pick('throughput'), cpuPerMessage: pick('cpuPerMessage'), seconds: pick('seconds'), p50: pick('p50'), p99: pick('p99'), pacedP50: pick('pacedP50'), pacedP99: pick('pacedP99') }
}

/** One chain run: Motia's (`config` given: the project's motia.config.ts) or the bare one on the same store. */
async function measure(adapter: string, config: string | undefined, checkout: string): Promise<Result> {
  const root = join(checkout, '.tmp', `bench-queue-${adapter}-${process.pid}`)
  rmSync(root, { recursive: true, force: true })
  if (config !== undefined) writeProject(root, { ...steps, 'motia.config.ts': config })
  const port = freePort()
  const command = config === undefined ? [process.execPath, join(repo, 'bench/bare-queue.ts')] : [process.execPath, join(checkout, 'cli/index.ts'), 'start', '--port', String(port)]
  const server = Bun.spawn(command, {
    cwd: config === undefined ? checkout : root,
    env: { ...process.env, MOTIA_LOG_LEVEL: 'warn', MOTIA_LOG_FORMAT: 'json', PORT: String(port), STORE: adapter, DIR: root, CONCURRENCY: '100' },
    stdout: 'ignore',
    stderr: 'inherit',
  })
  const base = `http://127.0.0.1:${port}`
  try {
    await waitUntil(async () => (await fetch(`${base}/__motia/health`).catch(() => undefined))?.ok === true, 15_000)
    const post = (messages = 1) => postChain(base, messages)
    const stats = async () => (await (await fetch(`${base}/stats`)).json()) as { count: number; last: number; p50: number; p99: number }

    // Warm-up, then the full-load phase.
    for (let sent = 0; sent < warmup; sent += 500) await Promise.all(Array.from({ length: Math.min(500, warmup - sent) }, () => post()))
    await waitUntil(async () => (await stats()).count >= warmup, 60_000)
    await fetch(`${base}/reset`, { method: 'POST' })
    const started = performance.timeOrigin + performance.now()
    const cpuBefore = cpuMs(server.pid)
    await sendAll({ total, batch, inFlight, name: adapter, post })
    // The end is the last arrival, recorded in the server: polling less often only costs it less (each poll sorts the samples).
    await waitUntil(async () => (await stats()).count >= total, 120_000, 100)
    const cpuPerMessage = ((cpuMs(server.pid) - cpuBefore) * 1000) / total
    const full = await stats()
    const seconds = (full.last - started) / 1000

    // Paced phase: RATE chains/s, spread evenly.
    await fetch(`${base}/reset`, { method: 'POST' })
    const paced = rate * pacedSeconds
    const pending: Promise<Response>[] = []
    const t0 = performance.now()
    for (let i = 0; i < paced; i++) {
      const due = t0 + (i * 1000) / rate
      const wait = due - performance.now()
      if (wait > 1) await Bun.sleep(wait)
      pending.push(post())
    }
    await Promise.all(pending)
    await waitUntil(async () => (await stats()).count >= paced, 60_000)
    const moderate = await stats()
    console.log(`${config === undefined ? `bare ${adapter}` : adapter}${checkout === repo ? '' : ` at ${checkout}`}: ${total} chains in ${seconds.toFixed(2)} s`)
    return { adapter, throughput: total / seconds, cpuPerMessage, seconds, p50: full.p50, p99: full.p99, pacedP50: moderate.p50, pacedP99: moderate.p99 }
  } finally {
    server.kill('SIGTERM')
    await server.exited
    rmSync(root, { recursive: true, force: true })
  }
}
