/**
 * Streams benchmark: `SUBSCRIBERS` WebSocket subscribers on one group, `RATE` updates a second for
 * `SECONDS`, then a burst of `BURST` updates as fast as the server takes them; the same messages
 * published by a raw `Bun.serve` WebSocket server (`server.publish`), in the same rotation.
 *
 *   bun bench/streams.ts                              # 1,000 subscribers, 100/s for 5 s, burst 1,000, 5 rounds
 *   SUBSCRIBERS=300 SECONDS=2 BURST=300 ROUNDS=3 bun bench/streams.ts
 *   BEFORE=../main-checkout bun bench/streams.ts     # that checkout's Motia too, in the rotation
 *   CALIBRATE=0 bun bench/streams.ts                 # without the second raw server
 *   WARMUP=0 bun bench/streams.ts                    # servers not warmed up: the burst includes the JIT's compiling
 *   PROFILE_DIR=/tmp/prof bun bench/streams.ts       # also writes each server's CPU profile (markdown; PROFILE_JSON=1: .cpuprofile)
 *
 * Each measurement is two fresh processes: the server (bench/streams-server.ts) pinned to core 0,
 * and the subscribers (bench/streams-subscribers.ts: plain TCP, frames counted from their headers)
 * pinned to core 1, so that they never compete for a core with each other. The sides rotate round
 * by round. Beside throughput and latency it reports the server's own CPU time per update (per
 * message sent to every subscriber), read in the server with `process.cpuUsage`: the figure the
 * machine's load moves least. A second raw server ("raw B") measured the same way in every round
 * is the bench's self-check: raw B / raw says how far two identical servers disagree here.
 * Every server makes `WARMUP` updates (default 20,000) before anyone subscribes, so that the
 * figures are those of a server whose JIT has compiled its code (streams-server.ts says why);
 * the JIT threads' part of the burst's CPU is shown apart ("JIT").
 * Targets: nothing lost, burst throughput ≥ 0.9× raw, steady p99 ≤ 1.2× raw.
 */
import { resolve } from 'node:path'
import { loadAverage, median, report } from './report.ts'
import type { Measured } from './streams-subscribers.ts'

const repo = resolve(import.meta.dir, '..')
const subscribers = Number(process.env.SUBSCRIBERS ?? 1000)
const rate = Number(process.env.RATE ?? 100)
const seconds = Number(process.env.SECONDS ?? 5)
const burst = Number(process.env.BURST ?? 1000)
const rounds = Number(process.env.ROUNDS ?? 5)
const before = process.env.BEFORE ? resolve(process.env.BEFORE) : undefined
const calibrate = process.env.CALIBRATE !== '0'
const pin = (core: number) => (Bun.which('taskset') && navigator.hardwareConcurrency >= 2 ? ['taskset', '-c', String(core)] : [])

interface Side {
  name: string
  kind: 'raw' | 'motia'
  checkout: string
}
const sides: Side[] = [
  { name: 'raw', kind: 'raw', checkout: repo },
  { name: 'motia', kind: 'motia', checkout: repo },
  ...(calibrate ? [{ name: 'raw B', kind: 'raw', checkout: repo } as const] : []),
  ...(before ? [{ name: 'BEFORE', kind: 'motia', checkout: before } as const] : []),
]

interface Sample extends Measured {
  /** Server CPU per update (one message to every subscriber), µs, and the user part of it. */
  steadyUs: number
  steadyUserUs: number
  burstUs: number
  burstUserUs: number
  /** Of `burstUs`, the server's loop of writes and `publish` calls (the rest is the event loop sending). */
  burstLoopUs: number
  /** Of `burstUs`, the JIT compiler threads' part. */
  burstJitUs: number
  /** Burst throughput, messages delivered per second. */
  burstRate: number
}
const samples = new Map<string, Sample[]>(sides.map((s) => [s.name, []]))
const load = loadAverage()
console.log(`streams: ${subscribers} subscribers, ${rate} updates/s for ${seconds} s, then a burst of ${burst}; servers warmed up with ${process.env.WARMUP ?? 20_000} updates; ${rounds} round(s) of ${sides.map((s) => s.name).join(', ')}; load ${load}`)

for (let round = 0; round < rounds; round++) {
  // The order rotates, so that no side always follows the same one.
  const order = sides.map((_, i) => sides[(i + round) % sides.length]!)
  console.log(`\nround ${round + 1}/${rounds} (load ${loadAverage()})`)
  for (const side of order) {
    const sample = await measure(side)
    samples.get(side.name)!.push(sample)
    const lost = sample.expected - sample.delivered + sample.burstExpected - sample.burstDelivered
    console.log(
      `${side.name.padEnd(6)} steady: p50 ${sample.p50.toFixed(1)} ms p99 ${sample.p99.toFixed(1)} ms, server ${sample.steadyUs.toFixed(0)} µs/update (user ${sample.steadyUserUs.toFixed(0)})` +
        `   burst: ${Math.round(sample.burstRate).toLocaleString()} msg/s, server ${sample.burstUs.toFixed(0)} µs/update (user ${sample.burstUserUs.toFixed(0)}, writes ${sample.burstLoopUs.toFixed(0)}, JIT ${sample.burstJitUs.toFixed(0)})` +
        `   subscribers' CPU ${(sample.clientSteadyCpuUs / 1000).toFixed(0)} + ${(sample.clientBurstCpuUs / 1000).toFixed(0)} ms` +
        (side.kind === 'motia' ? `   snapshots ${sample.synced}/${subscribers} in ${sample.syncMs.toFixed(0)} ms` : '') +
        (lost ? `   LOST ${lost}` : ''),
    )
  }
}

/** Per round, `a`'s figure over `b`'s; the median of the rounds. */
const ratio = (a: string, b: string, figure: (s: Sample) => number) => median(samples.get(a)!.map((s, i) => figure(s) / figure(samples.get(b)![i]!)))
const all = (name: string, figure: (s: Sample) => number) => samples.get(name)!.map((s) => figure(s).toFixed(figure(s) < 10 ? 2 : 0)).join(' ')
const burstRate = (s: Sample) => s.burstRate
const burstUs = (s: Sample) => s.burstUs
const steadyUs = (s: Sample) => s.steadyUs
const burstUserUs = (s: Sample) => s.burstUserUs
const steadyUserUs = (s: Sample) => s.steadyUserUs
const p99 = (s: Sample) => s.p99

console.log(`\nper side, the rounds in order:`)
for (const side of sides) {
  console.log(`${side.name.padEnd(6)} burst msg/s ${all(side.name, burstRate)} | burst µs/update ${all(side.name, burstUs)} (user ${all(side.name, burstUserUs)}) | steady µs/update ${all(side.name, steadyUs)} (user ${all(side.name, steadyUserUs)}) | p99 ms ${all(side.name, p99)}`)
}
console.log(`\nmedians of the per-round ratios (${rounds} rounds):`)
const compared = sides.filter((s) => s.name !== 'raw')
for (const side of compared) {
  console.log(
    `${side.name.padEnd(6)} / raw: burst throughput ${ratio(side.name, 'raw', burstRate).toFixed(2)}×, server CPU per update ${ratio(side.name, 'raw', burstUs).toFixed(2)}× (burst; user ${ratio(side.name, 'raw', burstUserUs).toFixed(2)}×) ${ratio(side.name, 'raw', steadyUs).toFixed(2)}× (steady; user ${ratio(side.name, 'raw', steadyUserUs).toFixed(2)}×), p99 ${ratio(side.name, 'raw', p99).toFixed(2)}×`,
  )
}
if (before) console.log(`motia / BEFORE: server CPU per update ${ratio('motia', 'BEFORE', burstUs).toFixed(2)}× (burst; user ${ratio('motia', 'BEFORE', burstUserUs).toFixed(2)}×) ${ratio('motia', 'BEFORE', steadyUs).toFixed(2)}× (steady; user ${ratio('motia', 'BEFORE', steadyUserUs).toFixed(2)}×), burst throughput ${ratio('motia', 'BEFORE', burstRate).toFixed(2)}×`)
if (calibrate) {
  const spread = (figure: (s: Sample) => number) => `${((ratio('raw B', 'raw', figure) - 1) * 100).toFixed(1)}%`
  console.log(`self-check, two identical raw servers (raw B / raw): server CPU per update ${spread(burstUs)} (burst; user ${spread(burstUserUs)}) ${spread(steadyUs)} (steady; user ${spread(steadyUserUs)}), burst throughput ${spread(burstRate)}`)
}

const detail = `${subscribers} subscribers, burst ${burst}, warm-up ${process.env.WARMUP ?? 20_000}, ${rounds} round(s), median; load ${load}`
report({ bench: 'streams', metric: 'burst throughput / raw Bun WebSocket', value: ratio('motia', 'raw', burstRate), target: { min: 0.9 }, unit: '×', detail })
report({ bench: 'streams', metric: 'steady p99 / raw Bun WebSocket', value: ratio('motia', 'raw', p99), target: { max: 1.2 }, unit: '×', detail })
report({ bench: 'streams', metric: "burst: raw's server CPU per update / Motia's", value: 1 / ratio('motia', 'raw', burstUs), unit: '×', detail: `${median(samples.get('raw')!.map(burstUs)).toFixed(0)} vs ${median(samples.get('motia')!.map(burstUs)).toFixed(0)} µs` })
if (calibrate) report({ bench: 'streams', metric: 'self-check: raw B / raw, burst server CPU per update', value: ratio('raw B', 'raw', burstUs), unit: '×', detail: `throughput ${ratio('raw B', 'raw', burstRate).toFixed(2)}×; two identical servers should read 1.00` })

// --- internal ---

/** One side once: its server, then the subscribers' process driving it. */
async function measure(side: Side): Promise<Sample> {
  const profile = process.env.PROFILE_DIR ? [process.env.PROFILE_JSON ? '--cpu-prof' : '--cpu-prof-md', `--cpu-prof-dir=${process.env.PROFILE_DIR}`, `--cpu-prof-name=${side.name.replace(' ', '-')}-${Date.now()}.${process.env.PROFILE_JSON ? 'cpuprofile' : 'md'}`] : []
  const env = { ...process.env, SUBSCRIBERS: String(subscribers), RATE: String(rate), SECONDS: String(seconds), BURST: String(burst), MOTIA_LOG_LEVEL: 'warn' }
  const server = Bun.spawn([...pin(0), process.execPath, ...profile, resolve(import.meta.dir, 'streams-server.ts'), side.kind, side.checkout], { stdout: 'pipe', stderr: 'inherit', env })
  try {
    const port = Number(await firstLine(server.stdout))
    if (!port) throw new Error(`the ${side.name} server did not start`)
    const client = Bun.spawn([...pin(1), process.execPath, resolve(import.meta.dir, 'streams-subscribers.ts'), String(port), side.kind], { stdout: 'pipe', stderr: 'inherit', env })
    const line = await firstLine(client.stdout)
    await client.exited
    const measured = JSON.parse(line) as Measured
    const updates = rate * seconds
    return {
      ...measured,
      steadyUs: (measured.steadyUserUs + measured.steadySystemUs) / updates,
      steadyUserUs: measured.steadyUserUs / updates,
      burstUs: (measured.burstUserUs + measured.burstSystemUs) / burst,
      burstUserUs: measured.burstUserUs / burst,
      burstLoopUs: measured.burstLoopUs / burst,
      burstJitUs: measured.burstCompileUs / burst,
      burstRate: measured.burstDelivered / (measured.burstMs / 1000) }
  } finally {
    server.kill()
    await server.exited
  }
}

async function firstLine(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.getReader()
  const decoder = new TextDecoder()
  let text = ''
  while (!text.includes('\n')) {
    const { value, done } = await reader.read()
    if (done) break
    text += decoder.decode(value, { stream: true })
  }
  reader.releaseLock()
  return text.split('\n')[0]!.trim()
}
