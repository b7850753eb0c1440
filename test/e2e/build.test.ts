/**
 * End to end: `motia build` on the starter, then the executable alone in an empty folder (no
 * node_modules, no sources) serves the endpoints and runs the queue step.
 */
import { afterAll, expect, test } from 'bun:test'
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, makeProject, repoRoot } from '../helpers/project.ts'
import { runCli } from '../helpers/cli.ts'

const project = makeProject()
cpSync(join(repoRoot, 'templates/starter'), project.root, { recursive: true })
// Answers with a variable that only the `.env` of the folder the executable runs in sets, and
// one that only the project's `.env` at build time sets: that one must not be baked in.
project.write('steps/http/env.get.step.ts', `
  export const config = { name: 'ReadEnv' }
  export const handler = async () => ({ status: 200, body: { secret: process.env.MOTIA_BUILD_SECRET ?? null, baked: process.env.MOTIA_BUILD_ONLY ?? null } })
`)
project.write('.env', 'MOTIA_BUILD_ONLY=leaked\n')
const runDir = mkdtempSync(join(tmpdir(), 'motia-exe-'))

afterAll(() => {
  project.cleanup()
  rmSync(runDir, { recursive: true, force: true })
})

test('builds one executable that runs alone in an empty folder', async () => {
  const buildStarted = performance.now()
  const built = await runCli(['build', '--outfile', 'dist/api'], project.root)
  const buildSeconds = (performance.now() - buildStarted) / 1000
  expect(built.stderr).toBe('')
  expect(built.code).toBe(0)
  expect(built.stdout).toContain('✓ built dist/api')

  const lock = JSON.parse(readFileSync(join(project.root, 'motia.lock.json'), 'utf8'))
  expect(lock.steps.map((s: { name: string }) => s.name).sort()).toEqual(['GetOrder', 'HelloWorld', 'OrderReport', 'PlaceOrder', 'ReadEnv', 'RecordOrder'])
  expect(lock.steps.find((s: { name: string }) => s.name === 'PlaceOrder')).toMatchObject({
    file: 'steps/http/orders/index.post.step.ts',
    routes: ['POST /orders'],
    enqueues: ['order-placed'],
    flows: ['orders'],
    hash: expect.stringMatching(/^[0-9a-f]{64}$/),
  })
  expect(lock.steps.find((s: { name: string }) => s.name === 'RecordOrder').topics).toEqual(['order-placed'])
  expect(existsSync(join(project.root, '.motia/build'))).toBe(false)

  const exe = join(runDir, 'api')
  cpSync(join(project.root, 'dist/api'), exe)
  await Bun.write(join(runDir, '.env'), 'MOTIA_LOG_FORMAT=json\nMOTIA_BUILD_SECRET=from-dotenv\n')
  const port = freePort()
  const started = performance.now()
  const proc = Bun.spawn([exe], { cwd: runDir, env: { PATH: '/usr/bin:/bin', PORT: String(port) }, stdout: 'pipe', stderr: 'pipe' })
  try {
    const base = `http://127.0.0.1:${port}`
    let hello: Response | undefined
    while (!hello && performance.now() - started < 15_000) hello = await fetch(`${base}/default`).catch(() => Bun.sleep(10).then(() => undefined))
    const firstResponseMs = performance.now() - started
    expect(await hello!.json()).toEqual({ message: 'Hello World from Motia!' })
    expect(await (await fetch(`${base}/env`)).json()).toEqual({ secret: 'from-dotenv', baked: null })

    const placed = await fetch(`${base}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ item: 'lamp', quantity: 1 }) })
    expect(placed.status).toBe(202)
    const { id } = (await placed.json()) as { id: string }
    let order: Response | undefined
    for (let i = 0; i < 200 && order?.status !== 200; i++) {
      order = await fetch(`${base}/orders/${id}`)
      if (order.status !== 200) await Bun.sleep(25)
    }
    expect(await order!.json()).toMatchObject({ id, item: 'lamp', status: 'recorded' })
    expect(existsSync(join(runDir, '.motia/motia.db'))).toBe(true)
    console.log(
      `build: ${(statSync(exe).size / 1024 / 1024).toFixed(1)} MB executable, built in ${buildSeconds.toFixed(2)} s, first response ${firstResponseMs.toFixed(0)} ms after start`,
    )
    proc.kill('SIGTERM')
    expect(await proc.exited).toBe(0)
    expect(await new Response(proc.stderr).text()).toContain('SIGTERM: stopping')
  } finally {
    proc.kill('SIGKILL')
    await proc.exited
  }
}, 60_000)

test('a broken step fails the build with its file named, in one line', async () => {
  const broken = makeProject({ 'steps/queue/bad.step.ts': 'export const config = {}\n' })
  try {
    const result = await runCli(['build'], broken.root)
    expect(result.code).toBe(1)
    expect(result.stderr.trim()).toBe(
      '[motia] steps/queue/bad.step.ts does not export a handler. Add: export const handler: Handlers<typeof config> = async (input, ctx) => { ... }',
    )
  } finally {
    broken.cleanup()
  }
})

test('--minify and --sourcemap build a smaller-or-equal working executable; a bad --target is one line', async () => {
  const small = await runCli(['build', '--outfile', 'dist/min', '--minify', '--sourcemap'], project.root)
  expect(small.stderr).toBe('')
  expect(small.code).toBe(0)
  const port = freePort()
  const proc = Bun.spawn([join(project.root, 'dist/min')], { cwd: runDir, env: { PATH: '/usr/bin:/bin', PORT: String(port) }, stdout: 'pipe', stderr: 'pipe' })
  try {
    let res: Response | undefined
    for (let i = 0; i < 300 && !res; i++) res = await fetch(`http://127.0.0.1:${port}/default`).catch(() => Bun.sleep(20).then(() => undefined))
    expect(await res!.json()).toEqual({ message: 'Hello World from Motia!' })
  } finally {
    proc.kill('SIGTERM')
    await proc.exited
  }
  const bad = await runCli(['build', '--target', 'bun-plan9-sparc'], project.root)
  expect(bad.code).toBe(1)
  expect(bad.stderr).toStartWith('[motia] bun build failed: ')
  expect(bad.stderr.trim().split('\n')).toHaveLength(1)
}, 60_000)
