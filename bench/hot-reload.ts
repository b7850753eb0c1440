/**
 * Hot-reload benchmark: the time from writing a step file to `motia dev` serving the new code, for
 * a TypeScript, a Python and a Ruby step, in the starter template with them added. The baseline is
 * plain Elysia under `bun --watch` (which restarts the process on a change), timed the same way.
 *
 *   bun bench/hot-reload.ts              # 9 rounds
 *   ROUNDS=15 bun bench/hot-reload.ts
 *   NO_PYTHON=1 NO_RUBY=1 bun bench/hot-reload.ts  # without them (left out anyway when python3 / ruby is missing)
 *
 * A round writes a new version into the file (the clock starts before the write) and polls the
 * step's route every 2 ms until it answers that version; the median of the rounds is shown with
 * the smallest and largest. The debounce of `motia dev` (about 50 ms after the last change) is
 * part of what is measured: it is part of what a user waits for.
 */
import { cpSync, rmSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join, resolve } from 'node:path'
import { freePort } from './chain.ts'
import { loadAverage, median, report } from './report.ts'

const repo = resolve(import.meta.dir, '..')
const rounds = Number(process.env.ROUNDS ?? 9)
const withPython = !process.env.NO_PYTHON && Bun.which('python3') !== null
const withRuby = !process.env.NO_RUBY && Bun.which('ruby') !== null
const project = join(repo, '.tmp', `bench-hot-reload-${process.pid}`)
const cli = join(repo, 'cli/index.ts')

interface Subject {
  name: string
  file: string
  path: string
  source: (version: number) => string
}

const typescript: Subject = {
  name: 'TypeScript step (motia dev)',
  file: 'steps/http/ts-version.get.step.ts',
  path: '/ts-version',
  source: (version) => `export const config = { triggers: [{ type: 'http' }] }\nexport const handler = async () => ({ status: 200, body: { version: ${version} } })\n`,
}
const python: Subject = {
  name: 'Python step (motia dev)',
  file: 'steps/py_version_step.py',
  path: '/py-version',
  source: (version) =>
    `from motia import http\n\nconfig = {"name": "PyVersion", "triggers": [http("GET", "/py-version")]}\n\nasync def handler(req, ctx):\n    return {"status": 200, "body": {"version": ${version}}}\n`,
}
const ruby: Subject = {
  name: 'Ruby step (motia dev)',
  file: 'steps/rb_version_step.rb',
  path: '/rb-version',
  source: (version) => `def config\n  { name: 'RbVersion', triggers: [http('GET', '/rb-version')] }\nend\n\ndef handler(req, ctx)\n  { status: 200, body: { version: ${version} } }\nend\n`,
}
const elysia: Subject = {
  name: 'plain Elysia (bun --watch)',
  file: 'elysia-server.ts',
  path: '/version',
  source: (version) =>
    `import { Elysia } from 'elysia'\nnew Elysia().get('/version', () => ({ version: ${version} })).listen({ port: Number(process.env.PORT), hostname: '127.0.0.1' })\n`,
}

rmSync(project, { recursive: true, force: true })
// Inside the checkout, so that the project's `motia` (and `elysia`) resolve to this checkout's.
cpSync(join(repo, 'templates/starter'), project, { recursive: true, filter: (src) => !src.includes('node_modules') && !src.includes('.motia') })
try {
  const load = loadAverage()
  const results: Array<{ subject: Subject; samples: number[] }> = []

  const steps = [typescript, ...(withPython ? [python] : []), ...(withRuby ? [ruby] : [])]
  for (const subject of steps) writeFileSync(join(project, subject.file), subject.source(0))
  const motia = await serve([process.execPath, cli, 'dev', '--port', '{port}', '--host', '127.0.0.1'], typescript.path)
  try {
    for (const subject of steps) await waitForVersion(motia.port, subject.path, 0)
    for (const subject of steps) results.push({ subject, samples: await time(subject, motia.port) })
  } finally {
    await motia.stop()
  }

  writeFileSync(join(project, elysia.file), elysia.source(0))
  const watched = await serve([process.execPath, '--watch', elysia.file], elysia.path)
  try {
    results.push({ subject: elysia, samples: await time(elysia, watched.port) })
  } finally {
    await watched.stop()
  }

  const baseline = median(results.find((r) => r.subject === elysia)!.samples)
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU'
  console.log(`\nhot reload: file write → new code answers, ${rounds} round(s), median (min–max); ${cpus().length} × ${cpu}; load ${load}; ${new Date().toISOString().slice(0, 10)}\n`)
  console.log(['what', 'median ms', 'min–max ms', 'ratio to bun --watch'].join(' | '))
  for (const { subject, samples } of results) {
    const m = median(samples)
    console.log([subject.name, m.toFixed(0), `${Math.min(...samples).toFixed(0)}–${Math.max(...samples).toFixed(0)}`, (m / baseline).toFixed(2)].join(' | '))
    if (subject !== elysia) {
      report({ bench: 'hot-reload', metric: `${subject.name}: reload / bun --watch restart`, value: m / baseline, unit: '×', detail: `${m.toFixed(0)} vs ${baseline.toFixed(0)} ms; ${rounds} rounds; load ${load}` })
    }
  }
} finally {
  rmSync(project, { recursive: true, force: true })
}

// --- internal ---

/** Starts `command` (with `{port}` replaced) in the project; resolves once `path` answers. */
async function serve(command: string[], path: string): Promise<{ port: number; stop(): Promise<void> }> {
  const port = freePort()
  const proc = Bun.spawn(
    command.map((part) => part.replace('{port}', String(port))),
    { cwd: project, env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', MOTIA_LOG_LEVEL: 'warn' }, stdout: 'ignore', stderr: 'inherit' },
  )
  const deadline = Date.now() + 60_000
  while (!(await fetch(`http://127.0.0.1:${port}${path}`).catch(() => undefined))?.ok) {
    if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`${command.join(' ')} did not answer ${path}`)
    await Bun.sleep(5)
  }
  return {
    port,
    async stop() {
      proc.kill('SIGTERM')
      await proc.exited
    },
  }
}

/** Writes `rounds` new versions of the subject's file; each sample is write → that version answered, in ms. */
async function time(subject: Subject, port: number): Promise<number[]> {
  const samples: number[] = []
  for (let round = 1; round <= rounds; round++) {
    // Let the previous reload settle (a watcher may still debounce its own write).
    await Bun.sleep(300)
    const started = performance.now()
    writeFileSync(join(project, subject.file), subject.source(round))
    await waitForVersion(port, subject.path, round)
    samples.push(performance.now() - started)
  }
  return samples
}

async function waitForVersion(port: number, path: string, version: number): Promise<void> {
  const deadline = Date.now() + 60_000
  for (;;) {
    const body = (await fetch(`http://127.0.0.1:${port}${path}`)
      .then((res) => (res.ok ? res.json() : undefined))
      .catch(() => undefined)) as { version?: number } | undefined
    if (body?.version === version) return
    if (Date.now() > deadline) throw new Error(`${path} never answered version ${version}`)
    await Bun.sleep(2)
  }
}
