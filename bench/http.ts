/**
 * HTTP benchmark: a Motia GET step and a POST step (zod validation + enqueue) against plain
 * Elysia doing the same work, in one run on the same machine.
 *
 *   bun bench/http.ts                  # 5 s per run, 64 connections, 3 rounds
 *   DURATION=10 ROUNDS=5 bun bench/http.ts
 *   ONLY=GET bun bench/http.ts         # one scenario
 *   BEFORE=../main-checkout bun bench/http.ts   # also that checkout's Motia, as a third server
 *
 * Each server runs alone in its own process; the load comes from wrk (apt-get install wrk), the
 * fastest generator here, so that the client is not what is measured. With taskset available the
 * server is pinned to the first core and wrk to the second, so they never compete for one. Runs
 * alternate raw and Motia and the median of the rounds is reported, so drifts in machine load hit
 * both sides. The servers' CPU time per request (from /proc) is printed beside: on a shared
 * machine it moves much less than throughput. With `BEFORE`, the other checkout's Motia (its own
 * `cli/index.ts`, on the same project) runs as a third server in the same rotation, and its ratios
 * are printed beside ours.
 * Targets: GET step ≥ 0.8× raw Elysia, POST step ≥ 0.75× raw Elysia + zod.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { adaptersEntry, cpuMs, freePort } from './chain.ts'
import { httpProjectFiles } from './http-project.ts'
import { loadAverage, report } from './report.ts'
import { dirname, join, resolve } from 'node:path'

const repo = resolve(import.meta.dir, '..')
const duration = Number(process.env.DURATION ?? 5)
const rounds = Number(process.env.ROUNDS ?? 3)
const connections = Number(process.env.CONNECTIONS ?? 64)
const body = JSON.stringify({ item: 'book', quantity: 2 })
const pin = (core: number) => (Bun.which('taskset') && navigator.hardwareConcurrency >= 2 ? ['taskset', '-c', String(core)] : [])

if (!Bun.which('wrk')) {
  console.error('bench/http.ts needs wrk as its load generator: apt-get install -y wrk')
  process.exit(1)
}

const before = process.env.BEFORE ? resolve(process.env.BEFORE) : undefined
const checkouts = before ? [repo, before] : [repo]
// The project lives in each checkout, so that `motia` resolves to that checkout's runtime.
const projectIn = (checkout: string) => join(checkout, '.tmp', `bench-http-${process.pid}`)
const project = projectIn(repo)
const files = httpProjectFiles()
for (const checkout of checkouts) {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(projectIn(checkout), path)), { recursive: true })
    writeFileSync(join(projectIn(checkout), path), content)
  }
  writeFileSync(join(projectIn(checkout), 'motia.config.ts'), `import { createMemoryQueue, createMemoryState } from '${adaptersEntry(checkout)}'\nexport default { adapters: { queue: createMemoryQueue, state: createMemoryState } }\n`)
}
const postScript = join(project, 'post.lua')
writeFileSync(postScript, `wrk.method = "POST"\nwrk.body = '${body}'\nwrk.headers["Content-Type"] = "application/json"\n`)

const running: Array<ReturnType<typeof Bun.spawn>> = []
const sides = before ? (['raw', 'motia', 'before'] as const) : (['raw', 'motia'] as const)
type Side = (typeof sides)[number]
const ports: Record<Side, number> = { raw: 0, motia: 0, before: 0 }
const pids: Record<Side, number> = { raw: 0, motia: 0, before: 0 }

interface Sample {
  rps: number
  p50: number
  p99: number
  /** The server's CPU time per request (user + system), in µs: what neighbours on a shared machine disturb least. */
  cpuUs: number
}

const servers = {
  raw: (port: number) => Bun.spawn([...pin(0), process.execPath, join(repo, 'bench/raw-elysia.ts')], { env: { ...process.env, PORT: String(port) }, stdout: 'ignore', stderr: 'inherit' }),
  motia: (port: number) => motiaServer(repo, port),
  before: (port: number) => motiaServer(before!, port),
}

function motiaServer(checkout: string, port: number) {
  return Bun.spawn([...pin(0), process.execPath, join(checkout, 'cli/index.ts'), 'start', '--port', String(port), '--host', '127.0.0.1'], {
    cwd: projectIn(checkout),
    env: { ...process.env, MOTIA_LOG_LEVEL: 'warn', MOTIA_LOG_FORMAT: 'json' },
    stdout: 'ignore',
    stderr: 'inherit',
  })
}
const scenarios = [
  { name: 'GET step', path: '/hello', script: undefined, target: 0.8 },
  { name: 'POST step (zod + enqueue)', path: '/orders', script: postScript, target: 0.75 },
].filter((s) => !process.env.ONLY || s.name.startsWith(process.env.ONLY))

const load = loadAverage()
try {
  const results: Array<{ scenario: string; side: string; sample: Sample }> = []
  for (const side of sides) {
    const port = freePort()
    const server = servers[side](port)
    try {
      await waitForServer(port, '/hello')
      for (const scenario of scenarios) await wrk(port, scenario.path, scenario.script, 1) // warm-up
      ports[side] = port
      pids[side] = server.pid
    } catch (error) {
      server.kill()
      throw error
    }
    running.push(server)
  }
  for (let round = 0; round < rounds; round++) {
    for (const scenario of scenarios) {
      // The order rotates each round, so that no side always runs right after the same one.
      for (const side of sides.map((_, i) => sides[(i + round) % sides.length]!)) {
        const port = ports[side]
        const pid = pids[side]
        const cpu = cpuMs(pid)
        const sample = await wrk(port, scenario.path, scenario.script, duration)
        results.push({ scenario: scenario.name, side, sample: { ...sample, cpuUs: ((cpuMs(pid) - cpu) * 1000) / sample.requests } })
      }
    }
  }
  const placement = pin(0).length ? 'server pinned to core 0, wrk -t1 to core 1' : 'wrk -t2 sharing the cores'
  console.log(`\nwrk -c${connections} -d${duration}s, ${rounds} round(s) alternating, median shown; each server in its own process; ${placement}\n`)
  console.log(['scenario', 'server', 'req/s', 'p50 ms', 'p99 ms', 'CPU µs/req', 'ratio', 'target'].join(' | '))
  for (const scenario of scenarios) {
    const pick = (side: string) => median(results.filter((r) => r.scenario === scenario.name && r.side === side).map((r) => r.sample))
    const raw = pick('raw')
    const motia = pick('motia')
    const ratio = motia.rps / raw.rps
    console.log([scenario.name, 'raw Elysia', raw.rps.toFixed(0), raw.p50.toFixed(2), raw.p99.toFixed(2), raw.cpuUs.toFixed(1), '1.00', ''].join(' | '))
    console.log(
      [scenario.name, 'Motia', motia.rps.toFixed(0), motia.p50.toFixed(2), motia.p99.toFixed(2), motia.cpuUs.toFixed(1), ratio.toFixed(2), `≥ ${scenario.target} ${ratio >= scenario.target ? 'PASS' : 'BELOW'}`].join(' | '),
    )
    const detail = `${motia.rps.toFixed(0)} vs ${raw.rps.toFixed(0)} req/s, CPU ${motia.cpuUs.toFixed(1)} vs ${raw.cpuUs.toFixed(1)} µs/req; median of ${rounds} × ${duration} s; load ${load}`
    report({ bench: 'http', metric: `${scenario.name} / raw Elysia`, value: ratio, target: { min: scenario.target }, unit: '×', detail })
    // On a loaded machine wrk and the neighbours set the pace; CPU per request says what each server costs.
    report({ bench: 'http', metric: `${scenario.name}: raw Elysia's CPU per request / Motia's`, value: raw.cpuUs / motia.cpuUs, unit: '×', detail: 'the same target applies; steadier than req/s when the machine is loaded' })
    if (before) {
      const old = pick('before')
      const versus = `this checkout: ${(motia.rps / old.rps).toFixed(2)}× its req/s, ${(motia.cpuUs / old.cpuUs).toFixed(2)}× its CPU per request`
      console.log([scenario.name, `Motia at ${before}`, old.rps.toFixed(0), old.p50.toFixed(2), old.p99.toFixed(2), old.cpuUs.toFixed(1), (old.rps / raw.rps).toFixed(2), versus].join(' | '))
    }
  }
} finally {
  for (const server of running) server.kill('SIGTERM')
  await Promise.all(running.map((server) => server.exited))
  for (const checkout of checkouts) rmSync(projectIn(checkout), { recursive: true, force: true })
}

// --- internal ---


async function wrk(port: number, path: string, script: string | undefined, seconds: number): Promise<Omit<Sample, 'cpuUs'> & { requests: number }> {
  const threads = pin(1).length ? '-t1' : '-t2'
  const args = [...pin(1), 'wrk', threads, `-c${connections}`, `-d${seconds}s`, '--latency', ...(script ? ['-s', script] : []), `http://127.0.0.1:${port}${path}`]
  const proc = Bun.spawn(args, { stdout: 'pipe', stderr: 'pipe' })
  const [out, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited])
  if (code !== 0) throw new Error(`wrk failed:\n${out}`)
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out)
  if (non2xx) throw new Error(`${path} answered ${non2xx[1]} errors during the run:\n${out}`)
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]),
    requests: Number(/(\d+) requests in/.exec(out)?.[1]),
    p50: millis(/\s50%\s+([\d.]+\w+)/.exec(out)?.[1]),
    p99: millis(/\s99%\s+([\d.]+\w+)/.exec(out)?.[1]),
  }
}

function millis(text: string | undefined): number {
  const match = /([\d.]+)(us|ms|s)/.exec(text ?? '')
  if (!match) return Number.NaN
  const value = Number(match[1])
  return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value
}

function median(samples: Sample[]): Sample {
  const by = (key: keyof Sample) => {
    const sorted = samples.map((s) => s[key]).sort((a, b) => a - b)
    const mid = Math.floor(sorted.length / 2)
    return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
  }
  return { rps: by('rps'), p50: by('p50'), p99: by('p99'), cpuUs: by('cpuUs') }
}

async function waitForServer(port: number, path: string): Promise<void> {
  const deadline = Date.now() + 15_000
  while (Date.now() < deadline) {
    if ((await fetch(`http://127.0.0.1:${port}${path}`).catch(() => undefined))?.ok) return
    await Bun.sleep(50)
  }
  throw new Error(`server on ${port} did not start`)
}
