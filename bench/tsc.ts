/**
 * Type-check benchmark: `tsc --noEmit` on the starter template against a plain Elysia project of
 * the same size (bench/tsc-elysia/: the same endpoints, queue consumer and cron job, zod schemas,
 * one test), both with the starter's compiler options, cold (no build cache), rounds alternating.
 * Prints each median and the ratio. Target: ≤ 2× (issue 22, point 4).
 *
 *   bun bench/tsc.ts            # 3 rounds
 *   ROUNDS=5 bun bench/tsc.ts
 *   EXTENDED=1 bun bench/tsc.ts # also prints tsc --extendedDiagnostics of each side
 */
import { cpSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { loadAverage, median, report } from './report.ts'

const repo = resolve(import.meta.dir, '..')
const rounds = Number(process.env.ROUNDS ?? 3)
const tsc = join(repo, 'node_modules/.bin/tsc')
// Inside the checkout, so that `motia`, `elysia` and `zod` resolve as in a user's project.
const base = join(repo, '.tmp', `bench-tsc-${process.pid}`)
const copy = { recursive: true, filter: (src: string) => !/node_modules|\.motia|types\.d\.ts$/.test(src) }
rmSync(base, { recursive: true, force: true })
cpSync(join(repo, 'templates/starter'), join(base, 'starter'), copy)
cpSync(join(repo, 'bench/tsc-elysia'), join(base, 'elysia'), copy)
// The starter as a created project has its types.d.ts: `motia dev` writes it on first start.
await Bun.$`${process.execPath} ${join(repo, 'cli/index.ts')} generate types`.cwd(join(base, 'starter')).quiet()

const sides = [
  { name: 'plain Elysia', dir: join(base, 'elysia'), times: [] as number[] },
  { name: 'motia starter', dir: join(base, 'starter'), times: [] as number[] },
]

try {
  for (let round = 0; round < rounds; round++) {
    for (const side of round % 2 ? [...sides].reverse() : sides) side.times.push(await check(side.dir))
  }
  const [elysia, starter] = sides.map((side) => median(side.times)) as [number, number]
  const ratio = starter / elysia
  console.log(`tsc --noEmit, median of ${rounds} cold runs (load ${loadAverage()}):`)
  for (const side of sides) console.log(`  ${side.name.padEnd(14)} ${(median(side.times) / 1000).toFixed(2)} s   (${side.times.map((t) => (t / 1000).toFixed(2)).join(', ')})`)
  console.log(`  ratio          ${ratio.toFixed(2)}×   (target ≤ 2×)`)
  if (process.env.EXTENDED) for (const side of sides) console.log(`\n${side.name}:\n${await diagnostics(side.dir)}`)
  report({ bench: 'tsc', metric: 'tsc --noEmit: starter / plain Elysia', value: ratio, target: { max: 2 }, unit: '×', detail: `${(starter / 1000).toFixed(2)} s vs ${(elysia / 1000).toFixed(2)} s, median of ${rounds}, load ${loadAverage()}` })
} finally {
  rmSync(base, { recursive: true, force: true })
}

// --- internal ---

/** One cold `tsc --noEmit` in `dir`: its wall time in ms; throws with the diagnostics when it fails. */
async function check(dir: string): Promise<number> {
  const started = performance.now()
  const run = Bun.spawnSync([tsc, '--noEmit', '-p', '.'], { cwd: dir, stdout: 'pipe', stderr: 'pipe' })
  const elapsed = performance.now() - started
  if (run.exitCode !== 0) throw new Error(`tsc failed in ${dir}:\n${run.stdout.toString()}${run.stderr.toString()}`)
  return elapsed
}

async function diagnostics(dir: string): Promise<string> {
  const run = Bun.spawnSync([tsc, '--noEmit', '-p', '.', '--extendedDiagnostics'], { cwd: dir, stdout: 'pipe' })
  return run.stdout
    .toString()
    .split('\n')
    .filter((line) => /^(Files|Lines of TypeScript|Identifiers|Symbols|Types|Instantiations|Check time|Total time|Memory used)/.test(line))
    .join('\n')
}
