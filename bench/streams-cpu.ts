/**
 * CPU time per stream update, measured in process: the write path of bench/streams.ts without
 * its thousand sockets, so that a change of a microsecond shows on a shared machine.
 *
 *   bun bench/streams-cpu.ts                         # raw stringify + publish against this checkout's ctx.streams.<name>.set
 *   BEFORE=../main bun bench/streams-cpu.ts          # and another checkout's, in the same rotation
 *   UPDATES=50000 ROUNDS=7 SUBSCRIBERS=10 bun bench/streams-cpu.ts
 *   STORE=sqlite bun bench/streams-cpu.ts           # Motia on the embedded SQLite stream store (the default) instead of memory
 *
 * Every server runs in this one process (a raw `Bun.serve` publishing each update as
 * bench/streams-server.ts does, and each checkout's runtime over the memory stream store, or the
 * embedded SQLite one with `STORE=sqlite`), with
 * `SUBSCRIBERS` (default 1) WebSocket subscribers each, in a child process: every update is
 * serialized and published as in the real bench. The sides take turns in short slices, so that a
 * change in the machine's load reaches every side alike; each round sums a side's slices, and the
 * median of the rounds is shown. Under `bun --cpu-prof` it doubles as a driver to profile with.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { loadAverage, median } from './report.ts'

const updates = Number(process.env.UPDATES ?? 30_000)
const rounds = Number(process.env.ROUNDS ?? 5)
const slices = Number(process.env.SLICES ?? 10)
const subscribers = Number(process.env.SUBSCRIBERS ?? 1)
const repo = resolve(import.meta.dir, '..')
const before = process.env.BEFORE ? resolve(process.env.BEFORE) : undefined
const sides = ['raw', repo, ...(before ? [before] : [])]
const name = (side: string) => (side === 'raw' ? 'raw stringify + publish' : side === repo ? 'Motia (this checkout)' : `Motia at ${side}`)
const now = () => performance.timeOrigin + performance.now()
const item = (i: number) => ({ text: `item ${i % 100}`, n: i, sentAt: now() })

interface Side {
  write(i: number): Promise<unknown> | void
  /** The port and the frame a subscriber sends to join (none for raw). */
  port: number
  join?: string
  stop(): Promise<void>
}

if (process.env.STREAMS_CPU_CLIENTS) await subscribe(JSON.parse(process.env.STREAMS_CPU_CLIENTS))
const load = loadAverage()
const servers = new Map<string, Side>()
for (const side of sides) servers.set(side, side === 'raw' ? rawSide() : await motiaSide(side))
const clients = Bun.spawn([process.execPath, resolve(import.meta.dir, 'streams-cpu.ts')], {
  env: { ...process.env, STREAMS_CPU_CLIENTS: JSON.stringify([...servers.values()].map((s) => ({ port: s.port, join: s.join }))) },
  stdout: 'pipe',
  stderr: 'inherit',
})
// The child says it is ready once every subscriber joined.
await clients.stdout.getReader().read()

for (const side of sides) await drive(servers.get(side)!, 20_000) // warm-up: the JIT settles
const samples = new Map<string, number[]>(sides.map((side) => [side, []]))
for (let round = 0; round < rounds; round++) {
  const spent = new Map<string, number>(sides.map((side) => [side, 0]))
  for (let slice = 0; slice < slices; slice++) {
    for (const side of sides.map((_, i) => sides[(i + slice + round) % sides.length]!)) spent.set(side, spent.get(side)! + (await cpuOf(() => drive(servers.get(side)!, updates / slices))))
  }
  for (const side of sides) samples.get(side)!.push(spent.get(side)! / updates)
}
clients.kill()
for (const server of servers.values()) await server.stop()

console.log(`\nstream updates, ${rounds} rounds of ${updates} per side (each awaited), ${subscribers} subscriber(s) each, in slices of ${updates / slices} alternating; median; load ${load} → ${loadAverage()}\n`)
const raw = median(samples.get('raw')!)
for (const side of sides) {
  const us = median(samples.get(side)!)
  const versus = side === before ? `  this checkout / it: ${median(samples.get(repo)!.map((v, i) => v / samples.get(side)![i]!)).toFixed(2)} (median of the rounds' ratios)` : ''
  console.log(`${name(side).padEnd(40)} ${us.toFixed(2).padStart(6)} µs/update  it − raw: ${(us - raw).toFixed(2)} µs  runs: ${samples.get(side)!.map((v) => v.toFixed(2)).join(', ')}${versus}`)
}

// --- internal ---

/** The child: `subscribers` WebSockets on each server, reading and dropping every message. */
async function subscribe(targets: Array<{ port: number; join?: string }>): Promise<never> {
  const joined: Array<Promise<unknown>> = []
  for (const { port, join } of targets) {
    for (let i = 0; i < subscribers; i++) {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/`)
      joined.push(
        new Promise((ready) => {
          ws.onopen = () => (join ? ws.send(join) : ready(undefined))
          ws.onmessage = () => ready(undefined)
        }),
      )
    }
  }
  await Promise.all(joined)
  console.log('ready')
  return new Promise<never>(() => {})
}

async function drive(side: Side, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await side.write(i)
}

async function cpuOf(work: () => Promise<void>): Promise<number> {
  const since = process.cpuUsage()
  await work()
  const used = process.cpuUsage(since)
  return used.user + used.system
}

function rawSide(): Side {
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    fetch: (request, srv) => (srv.upgrade(request) ? undefined : new Response('no', { status: 404 })),
    websocket: { open: (ws) => void ws.subscribe('bench\u0000g'), message() {} },
  })
  let ts = 0
  return {
    port: server.port!,
    write(i) {
      const id = `i${i % 100}`
      server.publish('bench\u0000g', JSON.stringify({ streamName: 'bench', groupId: 'g', id, timestamp: (ts = Math.max(Date.now(), ts + 1)), event: { type: 'update', data: { ...item(i), id } } }))
    },
    stop: async () => void server.stop(true),
  }
}

async function motiaSide(checkout: string): Promise<Side> {
  const root = join(checkout, '.tmp', `bench-streams-cpu-${process.pid}`)
  mkdirSync(join(root, 'steps'), { recursive: true })
  writeFileSync(join(root, 'steps/bench.stream.ts'), `import { z } from 'zod'\nexport const config = { name: 'bench', schema: z.object({ text: z.string(), n: z.number(), sentAt: z.number() }) }\n`)
  const { createRuntime } = await import(join(checkout, 'runtime/runtime.ts'))
  const { createMemoryStreams } = await import(join(checkout, 'runtime/adapters/streams/memory.ts'))
  const { createStreamsContext } = await import(join(checkout, 'runtime/streams/api.ts'))
  const adapters = process.env.STORE === 'sqlite' ? {} : { streams: createMemoryStreams }
  const runtime = await createRuntime({ root, mode: 'test', env: { MOTIA_LOG_LEVEL: 'warn' }, flags: { port: 0, host: '127.0.0.1' }, adapters })
  await runtime.load()
  await runtime.listen()
  const streams = createStreamsContext(runtime.streaming.hub, () => {})
  for (let i = 0; i < 100; i++) await streams.bench.set('g', `i${i}`, item(i))
  return {
    port: Number(new URL(runtime.server.url()!).port),
    join: JSON.stringify({ type: 'join', data: { streamName: 'bench', groupId: 'g', subscriptionId: 's' } }),
    write: (i) => streams.bench.set('g', `i${i % 100}`, item(i)),
    async stop() {
      await runtime.stop()
      rmSync(root, { recursive: true, force: true })
    },
  }
}
