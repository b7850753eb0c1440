/**
 * Streams benchmark: 1,000 WebSocket subscribers on one group, 100 updates per second for 10 s,
 * then a burst of updates as fast as the server takes them; the same messages published by a raw
 * `Bun.serve` WebSocket server (`server.publish`) in the same run, for the ratio.
 *
 *   bun bench/streams.ts
 *   SUBSCRIBERS=1000 RATE=100 SECONDS=10 BURST=1000 ROUNDS=1 bun bench/streams.ts
 *   PROFILE_DIR=/tmp/prof bun bench/streams.ts   # also writes each server's CPU profile (markdown)
 *
 * Each server runs in its own process (pinned to one core with taskset when there is one); the
 * subscribers live in this process. Latency is from the write's start (in the server) to the
 * message's arrival (here), on the machine's clock. Measuring starts once every Motia subscriber
 * has its join snapshot (the raw server sends none). Both servers' CPU time per phase is printed
 * too: it is the steadier figure on a shared machine, where latency mostly measures the neighbours.
 * Targets: nothing lost, p99 < 50 ms, burst throughput ≥ 0.5× raw Bun.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { loadAverage, median, report } from './report.ts'

const repo = resolve(import.meta.dir, '..')
const subscribers = Number(process.env.SUBSCRIBERS ?? 1000)
const rate = Number(process.env.RATE ?? 100)
const seconds = Number(process.env.SECONDS ?? 10)
const burst = Number(process.env.BURST ?? 1000)
/** Raw and Motia measured in turn this many times: on a shared machine one pair can be unlucky. */
const rounds = Number(process.env.ROUNDS ?? 1)
const now = () => performance.timeOrigin + performance.now()

if (process.argv[2] === 'serve') await serve(process.argv[3] as 'motia' | 'raw')
else await main()

async function main() {
  const ratios: number[] = []
  const p99s: number[] = []
  const load = loadAverage()
  for (let round = 1; round <= rounds; round++) {
    const results = []
    for (const kind of ['raw', 'motia'] as const) results.push(await measure(kind))
    const [raw, motia] = results as [Result, Result]
    console.log(`\nstreams: ${subscribers} subscribers, ${rate} updates/s for ${seconds} s, then a burst of ${burst}${rounds > 1 ? ` (round ${round}/${rounds})` : ''}`)
    for (const r of results) {
      console.log(
        `${r.kind.padEnd(6)} steady: delivered ${r.delivered}/${r.expected}  p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms   burst: ${Math.round(r.burstRate).toLocaleString()} msg/s (${r.burstDelivered}/${r.burstExpected})`,
      )
    }
    for (const r of results) console.log(`${r.kind.padEnd(6)} server CPU: steady ${r.steadyCpuMs.toFixed(0)} ms, burst ${r.burstCpuMs.toFixed(0)} ms; subscribers' CPU: steady ${r.clientCpuMs.toFixed(0)} ms`)
    console.log(`motia join snapshots: ${motia.synced}/${subscribers}, all in ${motia.syncMs.toFixed(0)} ms after the last join was sent`)
    console.log(`ratio motia/raw burst throughput: ${(motia.burstRate / raw.burstRate).toFixed(2)}×   p99 ${motia.p99.toFixed(1)} vs ${raw.p99.toFixed(1)} ms`)
    ratios.push(motia.burstRate / raw.burstRate)
    p99s.push(motia.p99 / raw.p99)
    if (motia.delivered < motia.expected || motia.burstDelivered < motia.burstExpected) console.log(`motia LOST messages: ${motia.expected - motia.delivered} steady, ${motia.burstExpected - motia.burstDelivered} burst`)
  }
  const detail = `${subscribers} subscribers, burst ${burst}, ${rounds} round(s), median; load ${load}`
  report({ bench: 'streams', metric: 'burst throughput / raw Bun WebSocket', value: median(ratios), target: { min: 0.9 }, unit: '×', detail })
  report({ bench: 'streams', metric: 'steady p99 / raw Bun WebSocket', value: median(p99s), target: { max: 1.2 }, unit: '×', detail })
  if (rounds > 1) console.log(`\nmedian ratio over ${rounds} rounds: ${ratios.sort((a, b) => a - b)[Math.floor((rounds - 1) / 2)]!.toFixed(2)}×`)
}

interface Result {
  kind: string
  synced: number
  syncMs: number
  /** The server process's CPU time (user + system) in each phase. */
  steadyCpuMs: number
  /** This process's (the subscribers') CPU time in the steady phase. */
  clientCpuMs: number
  burstCpuMs: number
  delivered: number
  expected: number
  p50: number
  p99: number
  burstRate: number
  burstDelivered: number
  burstExpected: number
}

async function measure(kind: 'motia' | 'raw'): Promise<Result> {
  const pin = Bun.which('taskset') && navigator.hardwareConcurrency >= 2 ? ['taskset', '-c', '0'] : []
  const profile = process.env.PROFILE_DIR ? ['--cpu-prof-md', `--cpu-prof-dir=${process.env.PROFILE_DIR}`, `--cpu-prof-name=${kind}.md`] : []
  const child = Bun.spawn([...pin, process.execPath, ...profile, import.meta.path, 'serve', kind], { stdout: 'pipe', stderr: 'inherit', env: { ...process.env, MOTIA_LOG_LEVEL: 'warn' } })
  const reader = child.stdout.getReader()
  let line = ''
  while (!line.includes('\n')) line += new TextDecoder().decode((await reader.read()).value)
  const port = Number(line.trim())
  const latencies: number[] = []
  let received = 0
  let phase: 'steady' | 'burst' = 'steady'
  let burstReceived = 0
  let synced = 0
  const sockets: WebSocket[] = []
  for (let i = 0; i < subscribers; i++) {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`)
    sockets.push(ws)
    ws.onmessage = (event) => {
      const text = String(event.data)
      if (text.includes('"type":"sync"')) return void synced++
      if (!text.includes('"update"') && !text.includes('"create"')) return
      const at = now()
      if (phase === 'burst') return void burstReceived++
      received++
      const sentAt = Number(/"sentAt":([\d.]+)/.exec(text)?.[1])
      latencies.push(at - sentAt)
    }
    await new Promise<void>((r) => (ws.onopen = () => r()))
    ws.send(JSON.stringify({ type: 'join', data: { streamName: 'bench', groupId: 'g', subscriptionId: `s${i}` } }))
  }
  // Motia answers each join with a snapshot of the group (100 items): measuring starts once every
  // subscriber has its snapshot, as a client would before it shows updates. The raw server sends
  // none, so waiting for them is the fair comparison (else the steady phase queues behind them).
  const joined = now()
  const syncDeadline = Date.now() + 30_000
  while (kind === 'motia' && synced < subscribers && Date.now() < syncDeadline) await Bun.sleep(10)
  const syncMs = now() - joined
  await Bun.sleep(500)
  const steady = rate * seconds
  const cpu = async () => Number(await (await fetch(`http://127.0.0.1:${port}/cpu`, { method: 'POST' })).text())
  const cpuBefore = await cpu()
  const clientBefore = process.cpuUsage()
  await fetch(`http://127.0.0.1:${port}/steady`, { method: 'POST' })
  const deadline = Date.now() + seconds * 1000 + 5000
  while (received < steady * subscribers && Date.now() < deadline) await Bun.sleep(20)
  const cpuSteady = await cpu()
  const clientSteady = process.cpuUsage(clientBefore)
  phase = 'burst'
  const started = now()
  await fetch(`http://127.0.0.1:${port}/burst`, { method: 'POST' })
  const burstDeadline = Date.now() + 30_000
  while (burstReceived < burst * subscribers && Date.now() < burstDeadline) await Bun.sleep(5)
  const elapsed = (now() - started) / 1000
  const cpuBurst = await cpu()
  for (const ws of sockets) ws.close()
  child.kill()
  await child.exited
  latencies.sort((a, b) => a - b)
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? NaN
  return { kind, synced, syncMs, steadyCpuMs: (cpuSteady - cpuBefore) / 1000, clientCpuMs: (clientSteady.user + clientSteady.system) / 1000, burstCpuMs: (cpuBurst - cpuSteady) / 1000, delivered: received, expected: steady * subscribers, p50: pct(0.5), p99: pct(0.99), burstRate: burstReceived / elapsed, burstDelivered: burstReceived, burstExpected: burst * subscribers }
}

/** The server role: answers POST /steady (rate × seconds updates) and POST /burst (as fast as it can). */
async function serve(kind: 'motia' | 'raw') {
  let write: (i: number) => Promise<void> | void
  let port: number
  if (kind === 'raw') {
    const server = Bun.serve({
      port: 0,
      hostname: '127.0.0.1',
      fetch(request, srv) {
        if (srv.upgrade(request)) return undefined
        return route(new URL(request.url).pathname)
      },
      websocket: {
        message(ws) {
          ws.subscribe('bench\u0000g')
        },
      },
    })
    let ts = 0
    write = (i) => {
      const item = { text: `item ${i % 100}`, n: i, sentAt: now(), id: `i${i % 100}` }
      server.publish('bench\u0000g', JSON.stringify({ streamName: 'bench', groupId: 'g', id: item.id, timestamp: (ts = Math.max(Date.now(), ts + 1)), event: { type: 'update', data: item } }))
    }
    port = server.port!
  } else {
    const root = join(repo, '.tmp', `bench-streams-${process.pid}`)
    mkdirSync(join(root, 'steps'), { recursive: true })
    writeFileSync(join(root, 'steps/bench.stream.ts'), `import { z } from 'zod'\nexport const config = { name: 'bench', schema: z.object({ text: z.string(), n: z.number(), sentAt: z.number() }) }\n`)
    const { createRuntime } = await import('../runtime/runtime.ts')
    const { createMemoryStreams } = await import('../runtime/adapters/streams/memory.ts')
    const { createStreamsContext } = await import('../runtime/streams/api.ts')
    const runtime = await createRuntime({ root, mode: 'test', env: { MOTIA_LOG_LEVEL: 'warn' }, flags: { port: 0, host: '127.0.0.1' }, adapters: { streams: createMemoryStreams } })
    await runtime.load()
    const streams = createStreamsContext(runtime.streaming.hub, () => {})
    write = async (i) => {
      await streams.bench!.set('g', `i${i % 100}`, { text: `item ${i % 100}`, n: i, sentAt: now() })
    }
    runtime.http.route({ method: 'POST', path: '/steady', handler: (r) => route(new URL(r.url).pathname) })
    runtime.http.route({ method: 'POST', path: '/burst', handler: (r) => route(new URL(r.url).pathname) })
    runtime.http.route({ method: 'POST', path: '/cpu', handler: (r) => route(new URL(r.url).pathname) })
    await runtime.listen()
    port = Number(new URL(runtime.server.url()!).port)
    process.on('exit', () => rmSync(root, { recursive: true, force: true }))
  }
  // An orderly exit, so that a CPU profile (PROFILE_DIR) is written.
  process.on('SIGTERM', () => process.exit(0))
  // Items are made once (ids i0..i99) so that the steady phase measures updates.
  for (let i = 0; i < 100; i++) await write(i)
  console.log(port)

  function route(path: string): Response {
    if (path === '/cpu') {
      const { user, system } = process.cpuUsage()
      return new Response(String(user + system))
    }
    if (path === '/steady') {
      let i = 0
      const started = performance.now()
      const timer = setInterval(() => {
        const due = Math.min(rate * seconds, Math.floor(((performance.now() - started) / 1000) * rate) + 1)
        while (i < due) void write(i++)
        if (i >= rate * seconds) clearInterval(timer)
      }, 1000 / rate)
    } else if (path === '/burst') {
      void (async () => {
        for (let i = 0; i < burst; i++) await write(i)
      })()
    }
    return new Response('ok')
  }
}
