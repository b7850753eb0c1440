/**
 * Start-up benchmark: `motia start` on the starter template against plain Elysia
 * (`bench/raw-elysia.ts`), in one run: the time from spawning the process to its first answered
 * request, and its resident memory once idle. The CPU time the process used up to its first answer
 * (/proc) is printed beside: on a loaded machine it moves much less than the wall time. `motia dev` and the executable `motia build` makes
 * are measured in the same rotation and reported beside, without a target.
 *
 *   bun bench/startup.ts               # 5 rounds
 *   ROUNDS=9 IDLE_MS=2000 bun bench/startup.ts
 *   NO_BUILD=1 bun bench/startup.ts    # skip the executable (its build takes a few seconds)
 *   BEFORE=../other-checkout bun bench/startup.ts   # that checkout's `motia start` too, in the rotation
 *   WITH_STORE=1 bun bench/startup.ts  # the project has its embedded store already (a project that ran before)
 *
 * By default the project is a fresh copy of the template: it has no `.motia/motia.db`, and the
 * embedded store opens at its first write (nothing writes during the rounds). With WITH_STORE the
 * store file exists before the first round, so every start opens SQLite, as a project that has
 * enqueued or stored something once does.
 *
 * Each round starts every side once, in an order that rotates, pinned to core 0 when taskset is
 * there (this process polls from the other core, every 2 ms). The median of the rounds is shown.
 * Targets: cold start ≤ 1.3× and idle RSS ≤ 1.2× raw Elysia.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { freePort } from './chain.ts'
import { loadAverage, median, report } from './report.ts'

const repo = resolve(import.meta.dir, '..')
const rounds = Number(process.env.ROUNDS ?? 5)
const idleMs = Number(process.env.IDLE_MS ?? 1000)
const pin = Bun.which('taskset') && navigator.hardwareConcurrency >= 2 ? ['taskset', '-c', '0'] : []
const project = join(repo, '.tmp', `bench-startup-${process.pid}`)
// Linux counts CPU time in clock ticks of 1/100 s (USER_HZ, the same on every common build).
const clockTicks = 100

interface Side {
  name: string
  path: string
  command: (port: number) => string[]
  cwd?: string
}

rmSync(project, { recursive: true, force: true })
// Inside the checkout, so that the project's `motia` resolves to this checkout's runtime.
cpSync(join(repo, 'templates/starter'), project, { recursive: true, filter: (src) => !src.includes('node_modules') && !src.includes('.motia') })
const cli = join(repo, 'cli/index.ts')
// An empty file is an empty SQLite database: the first start creates the tables in it.
if (process.env.WITH_STORE) mkdirSync(join(project, '.motia'), { recursive: true }), writeFileSync(join(project, '.motia/motia.db'), '')
const sides: Side[] = [
  { name: 'raw Elysia', path: '/hello', command: () => [process.execPath, join(repo, 'bench/raw-elysia.ts')] },
  { name: 'motia start', path: '/default', command: (port) => [process.execPath, cli, 'start', '--port', String(port), '--host', '127.0.0.1'] },
  { name: 'motia dev', path: '/default', command: (port) => [process.execPath, cli, 'dev', '--port', String(port), '--host', '127.0.0.1'] },
]
// Another checkout's `motia start` on a copy of the project inside that checkout, so that its
// `motia` resolves to that checkout's runtime.
const before = process.env.BEFORE ? resolve(process.env.BEFORE) : undefined
const beforeProject = before && join(before, '.tmp', `bench-startup-${process.pid}`)
if (before && beforeProject) {
  cpSync(project, beforeProject, { recursive: true })
  sides.push({ name: 'motia start (BEFORE)', path: '/default', cwd: beforeProject, command: (port) => [process.execPath, join(before, 'cli/index.ts'), 'start', '--port', String(port), '--host', '127.0.0.1'] })
}
try {
  if (!process.env.NO_BUILD) {
    const built = Bun.spawnSync([process.execPath, cli, 'build', '--outfile', 'dist/starter'], { cwd: project, stdout: 'pipe', stderr: 'pipe' })
    if (built.exitCode !== 0) throw new Error(`motia build failed:\n${built.stderr.toString()}`)
    sides.push({ name: 'built executable', path: '/default', command: () => [join(project, 'dist/starter')] })
  }
  const samples = new Map<string, Array<{ ms: number; cpuMs: number; rssMiB: number }>>(sides.map((side) => [side.name, []]))
  const load = loadAverage()
  for (let round = 0; round < rounds; round++) {
    for (const side of sides.map((_, i) => sides[(i + round) % sides.length]!)) samples.get(side.name)!.push(await measure(side))
  }
  const pick = (name: string) => ({ ms: median(samples.get(name)!.map((s) => s.ms)), cpuMs: median(samples.get(name)!.map((s) => s.cpuMs)), rssMiB: median(samples.get(name)!.map((s) => s.rssMiB)) })
  const raw = pick('raw Elysia')
  console.log(`\nstart-up on the starter template, ${rounds} round(s) rotating, median shown; idle RSS ${idleMs} ms after the first answer; load ${load}\n`)
  console.log(['server', 'first answer ms', 'ratio', 'CPU to it ms', 'ratio', 'idle RSS MiB', 'ratio', 'rounds (ms)'].join(' | '))
  for (const side of sides) {
    const s = pick(side.name)
    const all = samples.get(side.name)!.map((x) => x.ms.toFixed(0)).join(' ')
    console.log([side.name, s.ms.toFixed(1), (s.ms / raw.ms).toFixed(2), s.cpuMs.toFixed(0), (s.cpuMs / raw.cpuMs).toFixed(2), s.rssMiB.toFixed(1), (s.rssMiB / raw.rssMiB).toFixed(2), all].join(' | '))
  }
  const start = pick('motia start')
  const detail = `${start.ms.toFixed(0)} vs ${raw.ms.toFixed(0)} ms (CPU ${start.cpuMs.toFixed(0)} vs ${raw.cpuMs.toFixed(0)} ms), ${start.rssMiB.toFixed(1)} vs ${raw.rssMiB.toFixed(1)} MiB; ${rounds} rounds; load ${load}`
  report({ bench: 'startup', metric: 'motia start: first answer / raw Elysia', value: start.ms / raw.ms, target: { max: 1.3 }, unit: '×', detail })
  report({ bench: 'startup', metric: 'motia start: CPU to first answer / raw Elysia', value: start.cpuMs / raw.cpuMs, unit: '×', detail })
  report({ bench: 'startup', metric: 'motia start: idle RSS / raw Elysia', value: start.rssMiB / raw.rssMiB, target: { max: 1.2 }, unit: '×', detail })
  for (const other of ['motia dev', 'built executable', 'motia start (BEFORE)'].filter((name) => samples.has(name))) {
    const s = pick(other)
    report({ bench: 'startup', metric: `${other}: first answer / raw Elysia`, value: s.ms / raw.ms, unit: '×', detail: `${s.ms.toFixed(0)} ms, CPU ${s.cpuMs.toFixed(0)} ms, ${s.rssMiB.toFixed(1)} MiB idle` })
  }
} finally {
  rmSync(project, { recursive: true, force: true })
  if (beforeProject) rmSync(beforeProject, { recursive: true, force: true })
}

// --- internal ---

/** Starts `side`, times its first answer (wall and CPU), reads its RSS once idle, and stops it. */
async function measure(side: Side): Promise<{ ms: number; cpuMs: number; rssMiB: number }> {
  const port = freePort()
  const started = performance.now()
  const server = Bun.spawn([...pin, ...side.command(port)], {
    cwd: side.cwd ?? project,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', MOTIA_LOG_LEVEL: 'warn' },
    stdout: 'ignore',
    stderr: 'inherit',
  })
  try {
    const url = `http://127.0.0.1:${port}${side.path}`
    const deadline = Date.now() + 30_000
    while (!(await fetch(url).catch(() => undefined))?.ok) {
      if (Date.now() > deadline || server.exitCode !== null) throw new Error(`${side.name} did not answer ${url}`)
      await Bun.sleep(2)
    }
    const ms = performance.now() - started
    const cpu = cpuMs(server.pid)
    await Bun.sleep(idleMs)
    return { ms, cpuMs: cpu, rssMiB: rssMiB(server.pid) }
  } finally {
    server.kill('SIGTERM')
    await server.exited
  }
}

/** User and system CPU time `pid` has used, in ms (fields 14 and 15 of /proc/<pid>/stat, after the command name). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks
}

/** Resident memory of `pid` (the server itself: under taskset, exec keeps the pid), in MiB. */
function rssMiB(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
  return Number(kb) / 1024
}
