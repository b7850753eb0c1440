/**
 * The servers of bench/streams.ts, one per process: a raw `Bun.serve` publishing each update with
 * `server.publish`, or a Motia runtime (from the checkout given, so that `BEFORE` measures another
 * one) writing each update with `ctx.streams.bench.set`.
 *
 *   bun bench/streams-server.ts raw
 *   bun bench/streams-server.ts motia <checkout>
 *
 * Prints its port once the 100 items exist and `WARMUP` more updates (default 20,000) went to one
 * subscriber of its own (see below), then answers `POST /steady` (`RATE` updates a second for
 * `SECONDS`), `POST /burst` (`BURST` updates as fast as it takes them, each awaited) and
 * `POST /cpu` (its own CPU time so far, `{ user, system }` in µs, `burstLoopUs`, and `compileUs`:
 * the CPU time of JavaScriptCore's compiler threads, on Linux).
 *
 * Why the warm-up: a fresh process runs its JavaScript in the interpreter until the JIT has
 * compiled it, on threads of its own whose CPU time counts as the server's. Without it, the burst
 * is where Motia's write path (validation, store, fan-out) crosses the optimizing compiler's
 * threshold: ~20 ms of compiling in a 1,000-update burst, a tenth of the burst's CPU, which a
 * server pays once in its life and raw's few lines barely pay at all. `WARMUP=0` measures it.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const kind = process.argv[2] as 'raw' | 'motia'
const checkout = process.argv[3]!
const rate = Number(process.env.RATE ?? 100)
const seconds = Number(process.env.SECONDS ?? 5)
const burst = Number(process.env.BURST ?? 1000)
const warmup = Number(process.env.WARMUP ?? 20_000)
const now = () => performance.timeOrigin + performance.now()
const item = (i: number) => ({ text: `item ${i % 100}`, n: i, sentAt: now() })

/** CPU time (user + system, µs) of the burst's own loop: the writes and their `publish` calls, before the event loop sends them. */
let burstLoopUs = 0
let write: (i: number) => Promise<unknown> | void
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
    const id = `i${i % 100}`
    server.publish('bench\u0000g', JSON.stringify({ streamName: 'bench', groupId: 'g', id, timestamp: (ts = Math.max(Date.now(), ts + 1)), event: { type: 'update', data: { ...item(i), id } } }))
  }
  port = server.port!
} else {
  const root = join(checkout, '.tmp', `bench-streams-${process.pid}`)
  mkdirSync(join(root, 'steps'), { recursive: true })
  writeFileSync(join(root, 'steps/bench.stream.ts'), `import { z } from 'zod'\nexport const config = { name: 'bench', schema: z.object({ text: z.string(), n: z.number(), sentAt: z.number() }) }\n`)
  process.on('exit', () => rmSync(root, { recursive: true, force: true }))
  const { createRuntime } = await import(join(checkout, 'runtime/runtime.ts'))
  const { createMemoryStreams } = await import(join(checkout, 'runtime/adapters/streams/memory.ts'))
  const { createStreamsContext } = await import(join(checkout, 'runtime/streams/api.ts'))
  const runtime = await createRuntime({ root, mode: 'test', env: { MOTIA_LOG_LEVEL: 'warn' }, flags: { port: 0, host: '127.0.0.1' }, adapters: { streams: createMemoryStreams } })
  await runtime.load()
  const streams = createStreamsContext(runtime.streaming.hub, () => {})
  write = (i) => streams.bench.set('g', `i${i % 100}`, item(i))
  for (const path of ['/steady', '/burst', '/cpu']) runtime.http.route({ method: 'POST', path, handler: (r: Request) => route(new URL(r.url).pathname) })
  await runtime.listen()
  port = Number(new URL(runtime.server.url()!).port)
}
// An orderly exit, so that a CPU profile (PROFILE_DIR) is written.
process.on('SIGTERM', () => process.exit(0))
// Items are made once (ids i0..i99) so that both phases measure updates.
for (let i = 0; i < 100; i++) await write(i)
if (warmup > 0) await warm()
console.log(port)

/** `WARMUP` updates to one subscriber in this process, gone before the measurement begins. */
async function warm(): Promise<void> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`)
  await new Promise((opened, failed) => ((ws.onopen = opened), (ws.onerror = failed)))
  let received = 0
  ws.onmessage = () => void received++
  ws.send(JSON.stringify({ type: 'join', data: { streamName: 'bench', groupId: 'g', subscriptionId: 'warm-up' } }))
  // Subscribed once a message arrives (Motia's snapshot, or raw's first update).
  while (received === 0) {
    await write(0)
    await Bun.sleep(1)
  }
  for (let i = 0; i < warmup; i++) await write(i)
  ws.close()
  await new Promise((closed) => (ws.onclose = closed))
}

function route(path: string): Response {
  if (path === '/cpu') {
    return Response.json({ ...process.cpuUsage(), burstLoopUs, compileUs: compileUs() })
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
      const cpu = process.cpuUsage()
      for (let i = 0; i < burst; i++) await write(i)
      const spent = process.cpuUsage(cpu)
      burstLoopUs = spent.user + spent.system
    })()
  }
  return new Response('ok')
}

/** CPU µs of JavaScriptCore's compiler threads so far (Linux; 0 elsewhere): where the JIT's work shows. */
function compileUs(): number {
  let ns = 0
  try {
    for (const thread of readdirSync('/proc/self/task')) {
      const name = readFileSync(`/proc/self/task/${thread}/comm`, 'utf8')
      if (name.startsWith('JITWorker') || name.startsWith('JSCWarmUp')) ns += Number(readFileSync(`/proc/self/task/${thread}/schedstat`, 'utf8').split(' ')[0])
    }
  } catch {
    return 0
  }
  return ns / 1000
}
