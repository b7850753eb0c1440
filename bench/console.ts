/**
 * The console's cost on the HTTP path: `motia dev` with the console off, against `motia dev` with
 * the console on and a browser's worth of live clients (the live feed of logs and runs open, the
 * trace list fetched again at most every 300 ms while runs arrive, as the Traces page does). Same
 * steps as bench/http.ts; wrk as the load.
 *
 * This machine's speed drifts by ±20% from one second to the next (a raw `Bun.serve` measured
 * for a second at a time reads anywhere from 57k to 83k req/s), more than the 5% to be measured.
 * So both servers run at once, pinned to the same core, each loaded by its own wrk: the kernel
 * shares the core between them fairly, both see the same machine at the same moments, and the
 * ratio of their throughputs is the ratio of their cost per request. Each round's ratio is one
 * sample; several fresh pairs of servers make one process's luck (its heap, its compiled code) a
 * few samples, not all; the median is reported. wrk and the watching client (a separate process,
 * as a browser is) run on the other core.
 *
 *   bun bench/console.ts              # 8 pairs × 3 rounds × 2 s per scenario (~2 min)
 *   NO_LIVE=1 bun bench/console.ts    # the console on but nobody watching
 * Target: with the console open and live, throughput drops less than 5%.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { cpuMs } from './chain.ts'
import { loadAverage, report } from './report.ts'

if (process.argv[2] === '--watch') await watch(process.argv[3]!)

const repo = resolve(import.meta.dir, '..')
const duration = Number(process.env.DURATION ?? 2)
const rounds = Number(process.env.ROUNDS ?? 3)
const pairs = Number(process.env.PAIRS ?? 8)
const pin = (core: number) => (Bun.which('taskset') && navigator.hardwareConcurrency >= 2 ? ['taskset', '-c', String(core)] : [])
if (!Bun.which('wrk')) {
  console.error('bench/console.ts needs wrk as its load generator: apt-get install -y wrk')
  process.exit(1)
}

const steps: Record<string, string> = {
  'steps/http/hello.get.step.ts': `export const handler = async () => ({ status: 200, body: { message: 'hello' } })\n`,
  'steps/http/orders.post.step.ts': `import { z } from 'zod'
export const config = { triggers: [{ type: 'http', bodySchema: z.object({ item: z.string().min(1), quantity: z.number().int().positive() }) }], enqueues: ['order-placed'] }
export const handler = async (req, { enqueue }) => { await enqueue({ topic: 'order-placed', data: req.body }); return { status: 202, body: { ok: true } } }\n`,
  'steps/queue/order-placed/consume.step.ts': `export const handler = async () => {}\n`,
}
const config = (enabled: boolean) =>
  `import { createMemoryQueue, createMemoryState } from 'motia/adapters'\nimport consolePlugin from 'motia/plugins/console'\nexport default { adapters: { queue: createMemoryQueue, state: createMemoryState }, plugins: [consolePlugin({ enabled: ${enabled} })] }\n`

type Side = 'off' | 'on'
interface Server {
  base: string
  pid: number
  stop(): Promise<void>
}
/** One round: each side's req/s and server CPU per request (µs). */
type Round = Record<Side, { rps: number; cpuUs: number }>

async function start(side: Side): Promise<Server> {
  const root = join(repo, '.tmp', `bench-console-${side}-${process.pid}`)
  for (const [path, content] of Object.entries({ ...steps, 'motia.config.ts': config(side === 'on') })) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), content)
  }
  const port = 20000 + Math.floor(Math.random() * 20000)
  const server = Bun.spawn([...pin(0), process.execPath, join(repo, 'cli/index.ts'), 'dev', '--port', String(port)], {
    cwd: root,
    env: { ...process.env, MOTIA_LOG_LEVEL: 'warn', MOTIA_LOG_FORMAT: 'json' },
    stdout: 'ignore',
    stderr: 'inherit',
  })
  const base = `http://127.0.0.1:${port}`
  for (let i = 0; !(await fetch(`${base}/__motia/health`).then((r) => r.ok, () => false)); i++) {
    if (i > 300) throw new Error('server did not start')
    await Bun.sleep(50)
  }
  return {
    base,
    pid: server.pid,
    async stop() {
      server.kill()
      await server.exited
      rmSync(root, { recursive: true, force: true })
    },
  }
}

/** Both sides at once, each with its own wrk. */
async function measure(servers: Record<Side, Server>, path: string, script: string | undefined, seconds: number): Promise<Round> {
  const before = { off: cpuMs(servers.off.pid), on: cpuMs(servers.on.pid) }
  const [off, on] = await Promise.all([wrk(servers.off.base + path, script, seconds), wrk(servers.on.base + path, script, seconds)])
  const side = (name: Side, run: { rps: number; requests: number }) => ({ rps: run.rps, cpuUs: ((cpuMs(servers[name].pid) - before[name]) * 1000) / run.requests })
  return { off: side('off', off), on: side('on', on) }
}

async function wrk(url: string, script: string | undefined, seconds: number) {
  const proc = Bun.spawn([...pin(1), 'wrk', '-t1', '-c32', `-d${seconds}s`, ...(script ? ['-s', script] : []), url], { stdout: 'pipe' })
  const out = await new Response(proc.stdout).text()
  if ((await proc.exited) !== 0 || /Non-2xx/.test(out)) throw new Error(`wrk failed:\n${out}`)
  return { rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]), requests: Number(/(\d+) requests in/.exec(out)?.[1]) }
}

/** What an open Traces page asks of the server: the live feed, and the list again after runs arrive (at most every 300 ms). */
async function watch(base: string): Promise<never> {
  let stale = true
  const feed = await fetch(`${base}/__motia/api/live?events=log,run`)
  void (async () => {
    const reader = feed.body!.getReader()
    const decoder = new TextDecoder()
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) if (decoder.decode(chunk.value).includes('event: run')) stale = true
  })()
  for (;;) {
    if (stale) {
      stale = false
      await fetch(`${base}/__motia/api/traces?limit=200`).then((r) => r.json())
    }
    await Bun.sleep(300)
  }
}

const postScript = join(repo, '.tmp', `bench-console-post-${process.pid}.lua`)
mkdirSync(dirname(postScript), { recursive: true })
writeFileSync(postScript, `wrk.method = "POST"\nwrk.body = '{"item":"book","quantity":2}'\nwrk.headers["Content-Type"] = "application/json"\n`)
const scenarios = [['GET step', '/hello', undefined], ['POST step', '/orders', postScript]] as const
const results = scenarios.map(() => [] as Round[])
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
try {
  console.log(
    `both servers at once on ${pin(0).length ? 'core 0, wrk -t1 -c32 each and the watching client on core 1' : 'shared cores'}; ` +
      `${pairs} pairs × ${rounds} rounds × ${duration} s${process.env.NO_LIVE ? '; nobody watching' : ''}`,
  )
  for (let pair = 0; pair < pairs; pair++) {
    const servers = { off: await start('off'), on: await start('on') }
    const watcher = process.env.NO_LIVE ? undefined : Bun.spawn([...pin(1), process.execPath, import.meta.path, '--watch', servers.on.base], { stdout: 'ignore', stderr: 'inherit' })
    try {
      for (const [i, [, path, script]] of scenarios.entries()) {
        await measure(servers, path, script, 1) // warm-up
        for (let round = 0; round < rounds; round++) results[i]!.push(await measure(servers, path, script, duration))
      }
    } finally {
      watcher?.kill()
      await Promise.all([watcher?.exited, servers.off.stop(), servers.on.stop()])
    }
  }
  for (const [i, [name]] of scenarios.entries()) {
    const rounds = results[i]!
    if (process.env.VERBOSE) console.log(`  ${name}, off/on req/s per round: ${rounds.map((r) => `${r.off.rps.toFixed(0)}/${r.on.rps.toFixed(0)}`).join(' ')}`)
    const throughput = median(rounds.map((r) => r.on.rps / r.off.rps))
    const cpu = median(rounds.map((r) => r.off.cpuUs / r.on.cpuUs))
    const [off, on] = (['off', 'on'] as const).map((side) => median(rounds.map((r) => r[side].cpuUs)))
    report({ bench: 'console', metric: `${name}, console on and live / off`, value: throughput, target: { min: 0.95 }, unit: '×', detail: `CPU ${on!.toFixed(1)} vs ${off!.toFixed(1)} µs/req; ${pairs} pairs × ${rounds.length / pairs} rounds; load ${loadAverage()}` })
    console.log(
      `${name.padEnd(10)} on and live vs off: throughput ${(throughput * 100).toFixed(1)}% (target ≥ 95%: ${throughput >= 0.95 ? 'PASS' : 'BELOW'}); ` +
        `server CPU per request ${off!.toFixed(1)} µs off, ${on!.toFixed(1)} µs on (${(cpu * 100).toFixed(1)}%)`,
    )
  }
} finally {
  rmSync(postScript, { force: true })
}
