/**
 * Out-of-process step languages benchmark (Python, Ruby), side by side in one `motia start` on
 * the embedded store:
 *  - a Python and a Ruby GET step against the same step in TypeScript (wrk: req/s, p50, p99);
 *  - an HTTP → Python (or Ruby) queue step → TypeScript queue step chain against the
 *    all-TypeScript one (msg/s through the chain, p50/p99 from the POST to the chain's end);
 *  - each worker's resident memory, idle after start and after the load.
 *
 *   bun bench/languages.ts                       # 5 s per wrk run, N = 5,000 messages, 3 rounds
 *   DURATION=5 ROUNDS=5 N=10000 bun bench/languages.ts
 *   LANGUAGES=ruby bun bench/languages.ts        # only some languages (default: python,ruby)
 *   WORKER_CORES=0,1 bun bench/languages.ts      # the workers may use both cores (default: the server's)
 *   BEFORE=/path/to/other/checkout bun bench/languages.ts   # serves with that checkout's runtime
 *
 * The server is pinned to core 0 and wrk to core 1 when taskset exists. Rounds alternate the
 * TypeScript side and each language and the median is shown, so the machine's drift hits all.
 * CPU columns: the server's and the worker's CPU time per request (message), from /proc, which
 * the machine's other load does not inflate the way it does the rates.
 * Targets: a language's HTTP step ≥ 0.3× the TypeScript one; the TS → language → TS chain ≥ 0.5×
 * the all-TypeScript chain.
 */
import { readFileSync, readdirSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { freePort, sendAll, waitUntil, writeProject } from './chain.ts'
import { loadAverage, report } from './report.ts'

const repo = resolve(import.meta.dir, '..')
/** The checkout whose runtime serves: this one, or BEFORE's for a before/after comparison. */
const served = process.env.BEFORE ? resolve(process.env.BEFORE) : repo
const duration = Number(process.env.DURATION ?? 5)
const rounds = Number(process.env.ROUNDS ?? 3)
const total = Number(process.env.N ?? 5000)
const connections = Number(process.env.CONNECTIONS ?? 64)
const batch = Number(process.env.BATCH ?? 10)
const chosen = (process.env.LANGUAGES ?? 'python,ruby').split(',').map((name) => name.trim())
const pin = (core: number) => (Bun.which('taskset') && navigator.hardwareConcurrency >= 2 ? ['taskset', '-c', String(core)] : [])

if (!Bun.which('wrk')) {
  console.error('bench/languages.ts needs wrk as its load generator: apt-get install -y wrk')
  process.exit(1)
}

/** The languages measured: their side's key, label, worker script and interpreter. */
const all = [
  { side: 'py', label: 'Python', worker: 'motia_worker.py', command: 'python3', extension: '.py' },
  { side: 'rb', label: 'Ruby', worker: 'motia_worker.rb', command: 'ruby', extension: '.rb' },
]
const measured = all.filter((language) => chosen.includes(language.label.toLowerCase()))
for (const language of measured) {
  if (!Bun.which(language.command)) {
    console.error(`bench/languages.ts measures ${language.label} steps with the system ${language.command}, which is not installed (or leave it out: LANGUAGES=...)`)
    process.exit(1)
  }
}
if (measured.length === 0) {
  console.error(`LANGUAGES=${process.env.LANGUAGES}: name python, ruby or both`)
  process.exit(1)
}
const sides = ['ts', ...measured.map((language) => language.side)]

const forward = (next: string) => `export const config = { enqueues: ['${next}'], triggers: [{ type: 'queue', config: { concurrency: 100 } }] }
export const handler = async (data, { enqueue }) => { await enqueue({ topic: '${next}', data }) }
`
const files: Record<string, string> = {
  'motia.config.ts': 'export default {}\n',
  'steps/http/ts-hello.get.step.ts': `export const handler = async () => ({ status: 200, body: { message: 'hello' } })\n`,
  'steps/http/py-hello.get_step.py': `async def handler(req, ctx):\n    return {"status": 200, "body": {"message": "hello"}}\n`,
  'steps/http/rb-hello.get_step.rb': `def handler(_req, _ctx) = { status: 200, body: { message: 'hello' } }\n`,
  'steps/http/chain/[name].post.step.ts': `
    export const config = { enqueues: ['ts-one', 'py-one', 'rb-one'] }
    export const handler = async (req, { enqueue }) => {
      const topic = req.params.name + '-one'
      const sends = []
      for (let i = 0; i < req.body.batch; i++) sends.push(enqueue({ topic, data: { sentAt: req.body.sentAt, chain: req.params.name } }))
      await Promise.all(sends)
      return { status: 202 }
    }`,
  'steps/queue/ts-one/forward.step.ts': forward('end'),
  'steps/queue/py-one/forward_step.py': `from motia import queue
config = {"name": "PyForward", "enqueues": ["end"], "triggers": [queue("py-one", config={"concurrency": 100})]}
async def handler(data, ctx):
    await ctx.enqueue({"topic": "end", "data": data})
`,
  'steps/queue/rb-one/forward_step.rb': `def config = { name: 'RbForward', enqueues: ['end'], triggers: [queue('rb-one', config: { concurrency: 100 })] }
def handler(data, ctx) = ctx.enqueue(topic: 'end', data: data)
`,
  'steps/queue/end/arrive.step.ts': `
    import { record } from '../../../lib/latency.ts'
    export const config = { triggers: [{ type: 'queue', config: { concurrency: 100 } }] }
    export const handler = async (data) => { record(data.chain, data.sentAt) }`,
  'steps/http/stats/[name].get.step.ts': `
    import { stats } from '../../../lib/latency.ts'
    export const handler = async (req) => ({ status: 200, body: stats(req.params.name) })`,
  'steps/http/reset.post.step.ts': `
    import { reset } from '../../lib/latency.ts'
    export const handler = async () => { reset(); return { status: 204 } }`,
  'lib/latency.ts': `
    const now = () => performance.timeOrigin + performance.now()
    let samples = new Map<string, number[]>()
    let last = new Map<string, number>()
    export function record(chain: string, sentAt: number) {
      const at = now()
      if (!samples.has(chain)) samples.set(chain, [])
      samples.get(chain)!.push(at - sentAt)
      last.set(chain, at)
    }
    export function reset() { samples = new Map(); last = new Map() }
    export function stats(chain: string) {
      const sorted = [...(samples.get(chain) ?? [])].sort((a, b) => a - b)
      const pick = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
      return { count: sorted.length, last: last.get(chain) ?? 0, p50: pick(0.5), p99: pick(0.99) }
    }
  `,
}

// A language left out has no files, so its worker never starts.
for (const { extension } of all.filter((language) => !measured.includes(language))) {
  for (const path of Object.keys(files)) if (path.endsWith(extension)) delete files[path]
}

interface Sample {
  rate: number
  p50: number
  p99: number
  /** CPU µs per request (message) of the server and of the worker measured. */
  serverCpu: number
  workerCpu: number
}

const root = join(repo, '.tmp', `bench-languages-${process.pid}`)
rmSync(root, { recursive: true, force: true })
writeProject(root, files)
const port = freePort()
const base = `http://127.0.0.1:${port}`
const server = Bun.spawn([...pin(0), process.execPath, join(served, 'cli/index.ts'), 'start', '--port', String(port), '--host', '127.0.0.1'], {
  cwd: root,
  env: { ...process.env, MOTIA_LOG_LEVEL: 'warn', MOTIA_LOG_FORMAT: 'json' },
  stdout: 'ignore',
  stderr: 'inherit',
})

try {
  await waitUntil(async () => (await fetch(`${base}/__motia/health`).catch(() => undefined))?.ok === true, 30_000)
  const workers = Object.fromEntries(measured.map((language) => [language.side, workerOf(server.pid, language.worker)]))
  // Workers start with their language's first file, so they all run by now. They inherit the
  // server's pinning (sharing core 0 with it, the conservative case); WORKER_CORES=0,1 lets them
  // use another core as a separate process may in production.
  for (const worker of Object.values(workers)) {
    if (process.env.WORKER_CORES && pin(0).length) Bun.spawnSync(['taskset', '-p', '-c', process.env.WORKER_CORES, String(worker)], { stdout: 'ignore' })
  }
  const idleRss = Object.fromEntries(Object.entries(workers).map(([side, pid]) => [side, rssMiB(pid)]))
  // Warm-up: every HTTP step and every chain once.
  for (const side of sides) await wrk(`/${side}-hello`, 1)
  for (const side of sides) await chainRun(side, Math.min(total, 1000))

  const http: Record<string, Sample[]> = Object.fromEntries(sides.map((side) => [side, []]))
  const chains: Record<string, Sample[]> = Object.fromEntries(sides.map((side) => [side, []]))
  for (let round = 0; round < rounds; round++) {
    for (const side of sides) http[side]!.push(await withCpu(workers[side], () => wrk(`/${side}-hello`, duration)))
    for (const side of sides) chains[side]!.push(await withCpu(workers[side], () => chainRun(side, total)))
  }
  const loadedRss = Object.fromEntries(Object.entries(workers).map(([side, pid]) => [side, rssMiB(pid)]))

  const placement = pin(0).length ? `server pinned to core 0 (workers on ${process.env.WORKER_CORES ? `cores ${process.env.WORKER_CORES}` : 'core 0 too'}), wrk -t1 on core 1` : 'wrk -t2 sharing the cores'
  console.log(`\nmotia start on the embedded store; ${rounds} round(s) alternating, median shown; ${placement}`)
  console.log(`HTTP: wrk -c${connections} -d${duration}s. Chain: HTTP → queue → queue, N = ${total} messages, ${batch} per request, 64 requests in flight\n`)
  console.log(['scenario', 'side', 'rate', 'p50 ms', 'p99 ms', 'server CPU µs/op', 'worker CPU µs/op', 'ratio', 'target'].join(' | '))
  row('GET step', 'TypeScript', median(http.ts!), 'req/s')
  for (const { side, label } of measured) row('GET step', label, median(http[side]!), 'req/s', median(http.ts!), 0.3)
  row('chain', 'TS → TS → TS', median(chains.ts!), 'msg/s')
  for (const { side, label } of measured) row('chain', `TS → ${label} → TS`, median(chains[side]!), 'msg/s', median(chains.ts!), 0.5)
  console.log('')
  for (const { side, label } of measured) console.log(`${label} worker (pid ${workers[side]}): ${idleRss[side]!.toFixed(1)} MiB resident idle after start, ${loadedRss[side]!.toFixed(1)} MiB after the runs`)
  console.log(`rounds: HTTP ${sides.map((side) => `${side} ${list(http[side]!)}`).join(' / ')} req/s; chains ${sides.map((side) => `${side} ${list(chains[side]!)}`).join(' / ')} msg/s`)
} finally {
  server.kill('SIGTERM')
  await server.exited
  rmSync(root, { recursive: true, force: true })
}

// --- internal ---

function row(scenario: string, side: string, sample: Sample, unit: string, baseline?: Sample, target?: number): void {
  const ratio = baseline ? sample.rate / baseline.rate : 1
  const verdict = target === undefined ? '' : `≥ ${target} ${ratio >= target ? 'PASS' : 'BELOW'}`
  if (baseline && target !== undefined) {
    const detail = `${sample.rate.toFixed(0)} vs ${baseline.rate.toFixed(0)} ${unit}; ${rounds} rounds; load ${loadAverage()}`
    report({ bench: 'languages', metric: `${scenario} ${side} / TypeScript`, value: ratio, target: { min: target }, unit: '×', detail })
  }
  const cpu = [sample.serverCpu.toFixed(1), sample.workerCpu ? sample.workerCpu.toFixed(1) : '-']
  console.log([scenario, side, `${sample.rate.toFixed(0)} ${unit}`, sample.p50.toFixed(2), sample.p99.toFixed(2), ...cpu, ratio.toFixed(2), verdict].join(' | '))
}

type Run = Omit<Sample, 'serverCpu' | 'workerCpu'> & { count: number }

/** Runs `measure` and adds the CPU time the server and `worker` (if any) spent per operation. */
async function withCpu(worker: number | undefined, measure: () => Promise<Run>): Promise<Sample> {
  const before = [cpuSeconds(server.pid), worker ? cpuSeconds(worker) : 0]
  const { count, ...sample } = await measure()
  const perOp = (seconds: number) => (seconds * 1e6) / count
  return { ...sample, serverCpu: perOp(cpuSeconds(server.pid) - before[0]!), workerCpu: worker ? perOp(cpuSeconds(worker) - before[1]!) : 0 }
}

/** A process's user + system CPU time so far, in seconds. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

/** Sends `count` messages into chain `name`; throughput from the first send to the last arrival. */
async function chainRun(name: string, count: number): Promise<Run> {
  await fetch(`${base}/reset`, { method: 'POST' })
  const started = performance.timeOrigin + performance.now()
  const post = (messages: number) =>
    fetch(`${base}/chain/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sentAt: performance.timeOrigin + performance.now(), batch: messages }) })
  await sendAll({ total: count, batch, inFlight: 64, name, post })
  let stats = { count: 0, last: 0, p50: 0, p99: 0 }
  await waitUntil(async () => (stats = (await (await fetch(`${base}/stats/${name}`)).json()) as typeof stats).count >= count, 120_000)
  return { rate: count / ((stats.last - started) / 1000), p50: stats.p50, p99: stats.p99, count }
}

async function wrk(path: string, seconds: number): Promise<Run> {
  const threads = pin(1).length ? '-t1' : '-t2'
  const proc = Bun.spawn([...pin(1), 'wrk', threads, `-c${connections}`, `-d${seconds}s`, '--latency', `${base}${path}`], { stdout: 'pipe', stderr: 'pipe' })
  const [out, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited])
  if (code !== 0) throw new Error(`wrk failed:\n${out}`)
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out)
  if (non2xx) throw new Error(`${path} answered ${non2xx[1]} errors during the run:\n${out}`)
  const count = Number(/(\d+) requests in/.exec(out)?.[1])
  return { rate: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]), count, p50: millis(/\s50%\s+([\d.]+\w+)/.exec(out)?.[1]), p99: millis(/\s99%\s+([\d.]+\w+)/.exec(out)?.[1]) }
}

/** The worker the server started for a language (its child running `script`). */
function workerOf(pid: number, script: string): number {
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    for (const child of readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(/\s+/).filter(Boolean)) {
      if (readFileSync(`/proc/${child}/cmdline`, 'utf8').includes(script)) return Number(child)
    }
  }
  throw new Error(`no worker running ${script} under the server`)
}

function rssMiB(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1])
  return kb / 1024
}

function median(samples: Sample[]): Sample {
  const at = (key: keyof Sample) => [...samples].map((s) => s[key]).sort((a, b) => a - b)[Math.floor(samples.length / 2)]!
  return { rate: at('rate'), p50: at('p50'), p99: at('p99'), serverCpu: at('serverCpu'), workerCpu: at('workerCpu') }
}

function list(samples: Sample[]): string {
  return samples.map((s) => s.rate.toFixed(0)).join(', ')
}

function millis(text: string | undefined): number {
  const match = /([\d.]+)(us|ms|s)/.exec(text ?? '')
  if (!match) return Number.NaN
  const value = Number(match[1])
  return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value
}
