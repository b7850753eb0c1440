/**
 * `npm run bench`: every bench, each in quick mode (a few seconds), then one table of their
 * verdicts (figure, target, PASS or BELOW). Each bench prints its own table too; those go to
 * `.tmp/bench-logs/<bench>.log` (or to the terminal with VERBOSE=1).
 *
 *   npm run bench                      # all of them, quick
 *   bun bench/all.ts http startup      # some of them
 *   FULL=1 bun bench/all.ts queue      # with each bench's own defaults (longer, steadier)
 *   ROUNDS=5 bun bench/all.ts http     # any variable a bench reads is passed on
 *
 * A bench that needs what this machine lacks (wrk, mosquitto, python3 and ruby, redis-server) is listed as
 * skipped with the reason. The exit code is 1 when a bench failed to run; a figure BELOW its target
 * does not fail the run (set STRICT=1 for that): on a shared machine one run is one sample, and
 * the table says so by printing the machine's load beside it.
 */
import { createWriteStream, existsSync, mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { loadAverage, passes, verdictPrefix, type BenchVerdict } from './report.ts'

const repo = resolve(import.meta.dir, '..')
const quick = !process.env.FULL

interface Bench {
  name: string
  /** Environment for the quick run (a variable the caller set wins). */
  quick: Record<string, string>
  /** Why it cannot run here, if it cannot. */
  missing?: () => Promise<string | undefined>
}

const needs = (binary: string, hint: string) => async () => (Bun.which(binary) ? undefined : `needs ${binary} (${hint})`)
const benches: Bench[] = [
  { name: 'http', quick: { DURATION: '2', ROUNDS: '3' }, missing: needs('wrk', 'apt-get install -y wrk') },
  { name: 'startup', quick: { ROUNDS: '5', IDLE_MS: '500' } },
  { name: 'hot-reload', quick: { ROUNDS: '5' } },
  { name: 'tsc', quick: { ROUNDS: '3' } },
  { name: 'queue', quick: { N: '5000', PACED_SECONDS: '1', ROUNDS: '1' } },
  { name: 'queue-redis', quick: { N: '3000' }, missing: async () => (['/usr/bin/redis-server', '/usr/local/bin/redis-server'].some(existsSync) || Bun.which('redis-server') ? undefined : 'needs redis-server') },
  { name: 'streams', quick: { SUBSCRIBERS: '300', SECONDS: '1', BURST: '300', ROUNDS: '3' } },
  // Python and Ruby beside TypeScript; the languages whose interpreter is missing are left out.
  { name: 'languages', quick: { DURATION: '1', ROUNDS: '3', N: '2000', LANGUAGES: presentLanguages() }, missing: async () => (await needs('wrk', 'apt-get install -y wrk')()) ?? (presentLanguages() ? undefined : 'needs python3 or ruby') },
  { name: 'console', quick: { PAIRS: '2', ROUNDS: '2', DURATION: '1' }, missing: needs('wrk', 'apt-get install -y wrk') },
  // These two print their own tables and judge nothing here: they run so that they keep working.
  { name: 'queue-ids', quick: { N: '3000', ROUNDS: '3' } },
  { name: 'attacks', quick: { ROUNDS: '1', JOINS: '5000', LETTERS: '200' } },
  { name: 'mqtt', quick: { N: '5000' }, missing: async () => (['/usr/sbin/mosquitto', '/usr/bin/mosquitto'].some(existsSync) || Bun.which('mosquitto') ? undefined : 'needs mosquitto (apt-get install -y mosquitto)') },
]

const asked = process.argv.slice(2)
const unknown = asked.filter((name) => !benches.some((b) => b.name === name))
if (unknown.length) {
  console.error(`[motia] unknown bench ${unknown.map((n) => `"${n}"`).join(', ')}: choose from ${benches.map((b) => b.name).join(', ')}`)
  process.exit(1)
}
const chosen = asked.length ? benches.filter((b) => asked.includes(b.name)) : benches
const logs = join(repo, '.tmp', 'bench-logs')
mkdirSync(logs, { recursive: true })

const verdicts: BenchVerdict[] = []
const outcomes: Array<{ bench: string; outcome: string }> = []
const loadBefore = loadAverage()
const started = performance.now()
for (const bench of chosen) {
  const reason = await bench.missing?.()
  if (reason) {
    outcomes.push({ bench: bench.name, outcome: `skipped: ${reason}` })
    continue
  }
  const t0 = performance.now()
  process.stdout.write(`${bench.name}… `)
  const { code, found } = await run(bench)
  const seconds = ((performance.now() - t0) / 1000).toFixed(0)
  const outcome = code === 0 ? `ran in ${seconds} s` : `FAILED (exit ${code}) after ${seconds} s: see ${join(logs, `${bench.name}.log`)}`
  console.log(outcome)
  outcomes.push({ bench: bench.name, outcome })
  verdicts.push(...found)
}

console.log(`\n${quick ? 'quick' : 'full'} run, ${((performance.now() - started) / 1000).toFixed(0)} s; load average ${loadBefore} before, ${loadAverage()} after; ${navigator.hardwareConcurrency} cores; ${new Date().toISOString()}\n`)
console.log(['bench', 'figure', 'value', 'target', 'verdict', 'detail'].join(' | '))
console.log(['---', '---', '---', '---', '---', '---'].join(' | '))
for (const v of verdicts) {
  const ok = passes(v)
  const target = v.target ? [v.target.min !== undefined ? `≥ ${v.target.min}` : '', v.target.max !== undefined ? `≤ ${v.target.max}` : ''].filter(Boolean).join(', ') : '—'
  console.log([v.bench, v.metric, `${v.value.toFixed(2)}${v.unit ?? ''}`, target, ok === undefined ? 'info' : ok ? 'PASS' : 'BELOW', v.detail ?? ''].join(' | '))
}
for (const { bench, outcome } of outcomes) if (!outcome.startsWith('ran')) console.log(`${bench}: ${outcome}`)
const failed = outcomes.some((o) => o.outcome.startsWith('FAILED'))
const below = verdicts.some((v) => passes(v) === false)
process.exit(failed || (process.env.STRICT && below) ? 1 : 0)

// --- internal ---

/** The out-of-process languages this machine can run, for bench/languages.ts's LANGUAGES. */
function presentLanguages(): string {
  return [Bun.which('python3') || process.env.MOTIA_PYTHON ? 'python' : '', Bun.which('ruby') || process.env.MOTIA_RUBY ? 'ruby' : ''].filter(Boolean).join(',')
}

/** Runs one bench as a child process, collecting its verdict lines; its output goes to its log. */
async function run(bench: Bench): Promise<{ code: number; found: BenchVerdict[] }> {
  const env: Record<string, string | undefined> = { ...process.env }
  if (quick) for (const [key, value] of Object.entries(bench.quick)) env[key] ??= value
  const child = Bun.spawn([process.execPath, join(repo, 'bench', `${bench.name}.ts`)], { cwd: repo, env, stdout: 'pipe', stderr: 'pipe' })
  const log = createWriteStream(join(logs, `${bench.name}.log`))
  const found: BenchVerdict[] = []
  const pump = async (stream: ReadableStream<Uint8Array>, collect: boolean) => {
    let pending = ''
    const decoder = new TextDecoder()
    const reader = stream.getReader()
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      const chunk = decoder.decode(read.value, { stream: true })
      log.write(chunk)
      if (process.env.VERBOSE) process.stdout.write(chunk)
      if (!collect) continue
      pending += chunk
      const lines = pending.split('\n')
      pending = lines.pop()!
      for (const line of lines) if (line.startsWith(verdictPrefix)) found.push(JSON.parse(line.slice(verdictPrefix.length)) as BenchVerdict)
    }
  }
  await Promise.all([pump(child.stdout, true), pump(child.stderr, false)])
  const code = await child.exited
  await new Promise<void>((done) => log.end(done))
  return { code, found }
}
