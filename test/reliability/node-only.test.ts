/**
 * Issue 9, points 20 and 21: from a machine with only Node and npm to a running project. The
 * framework is packed with `npm pack` and installed from the tarball with npm, a project is made
 * with `npx motia create`, installed, type-checked, tested and served through its npm scripts, and
 * stopped with SIGTERM, with no `bun` on PATH at any point. Slow by nature (two npm installs); it
 * reuses the npm cache and asks the registry only for what is not cached.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { removeInBackground } from '../helpers/cleanup.ts'
import { descendants } from '../helpers/processes.ts'
import { freePort, repoRoot } from '../helpers/project.ts'

const work = mkdtempSync(join(tmpdir(), 'motia-node-only-'))
const bin = join(work, 'bin')
let env: Record<string, string>
let dev: ChildProcess | undefined

beforeAll(() => {
  // PATH: node, npm and npx linked into one folder, then the system folders that hold no bun.
  mkdirSync(bin)
  for (const tool of ['node', 'npm', 'npx']) {
    const found = Bun.which(tool)
    if (!found) throw new Error(`${tool} is not on PATH: this test needs Node.js and npm`)
    symlinkSync(found, join(bin, tool))
  }
  const system = ['/usr/local/bin', '/usr/bin', '/bin'].filter((dir) => existsSync(dir) && !existsSync(join(dir, 'bun')))
  env = {
    PATH: [bin, ...system].join(':'),
    HOME: process.env.HOME ?? work,
    CI: 'true',
    npm_config_prefer_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    npm_config_strict_allow_scripts: 'true',
  }
})

afterAll(() => {
  if (dev?.exitCode === null && dev.pid) process.kill(-dev.pid, 'SIGKILL')
  // Two npm installs: deleting them can outlast a hook's limit on a loaded machine.
  removeInBackground(work)
})

test('pack, install with npm, npx motia create, typecheck, test, dev, SIGTERM: all without bun on PATH', async () => {
  expect(Bun.which('bun', { PATH: env.PATH })).toBeNull()

  // The framework as npm would publish it, installed with install scripts off: the launcher must
  // not need bun's postinstall (npm 12 blocks it unless the project allows it).
  const packed = await run(['npm', 'pack', '--ignore-scripts', '--pack-destination', work], repoRoot)
  const tarball = join(work, packed.stdout.trim().split('\n').at(-1)!)
  const tools = join(work, 'tools')
  mkdirSync(tools)
  writeFileSync(join(tools, 'package.json'), '{ "private": true }\n')
  await run(['npm', 'install', '--ignore-scripts', tarball], tools)
  expect(readFileSync(join(tools, 'node_modules/bun/bin/bun.exe'), 'utf8')).toContain('postinstall script was not run')

  // `npx motia create` installs with npm itself (npx says it is npm); --no-install leaves it to
  // the next steps it prints. Every npm install here is strict (npm 12's default: an install
  // script that allowScripts does not name fails the install).
  const created = await run(['npx', 'motia', 'create', '../my-app', '-t', 'starter'], tools)
  expect(created.out).toContain('Next: cd ../my-app && npm run dev')
  const app = join(work, 'my-app')
  const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'))
  expect(manifest.dependencies.motia).toBe(`file:${tarball}`)
  expect(existsSync(join(app, '.gitignore'))).toBe(true)

  const manual = await run(['npx', 'motia', 'create', '../js-app', '--no-install', '-t', 'starter-js'], tools)
  expect(manual.out).toContain('Next: cd ../js-app && npm install && npm run dev')
  const jsApp = join(work, 'js-app')
  expect(existsSync(join(jsApp, 'node_modules'))).toBe(false)
  await run(['npm', 'install'], jsApp)

  for (const project of [app, jsApp]) {
    expect((await run(['npm', 'run', 'typecheck'], project)).code).toBe(0)
    expect((await run(['npm', 'test'], project)).out).toMatch(/\b2 pass\b/)
  }

  const port = freePort()
  let output = ''
  dev = spawn(join(bin, 'npm'), ['run', 'dev', '--', '--port', String(port)], { cwd: app, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  dev.stdout!.on('data', (chunk) => (output += chunk))
  dev.stderr!.on('data', (chunk) => (output += chunk))
  const exited = new Promise<number | null>((resolve) => dev!.on('exit', (code) => resolve(code)))
  const hello = await poll(async () => {
    const res = await fetch(`http://127.0.0.1:${port}/default`).catch(() => undefined)
    return res?.ok ? res.json() : undefined
  }, 60_000, () => `npm run dev never answered on ${port}:\n${output}`)
  expect(hello).toEqual({ message: 'Hello World from Motia!' })

  // SIGTERM to the motia process itself here; SIGTERM to npm alone is covered by
  // test/reliability/signals-npm.test.ts (the launcher follows npm's shell).
  // The launcher is the parent of the Bun process that runs cli/index.ts.
  const launcher = descendants(dev.pid!).find((proc) => proc.args.includes('cli/index.ts'))?.ppid
  expect(launcher).toBeGreaterThan(0)
  process.kill(launcher!, 'SIGTERM')
  expect(await exited).toBe(0)
  expect(output).toContain('SIGTERM: stopping')
  expect(await fetch(`http://127.0.0.1:${port}/default`).catch(() => 'closed')).toBe('closed')
}, 600_000)

// --- internal ---

/** Runs a tool from the Node-only PATH; throws with its output when it fails. */
async function run(command: string[], cwd: string): Promise<{ code: number; stdout: string; out: string }> {
  const proc = Bun.spawn([join(bin, command[0]!), ...command.slice(1)], { cwd, env, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' })
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
  if (code !== 0) throw new Error(`${command.join(' ')} (in ${cwd}) exited with ${code}:\n${stdout}\n${stderr}`)
  return { code, stdout, out: `${stdout}\n${stderr}` }
}

async function poll<T>(check: () => Promise<T | undefined>, timeoutMs: number, describe: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(describe())
    await Bun.sleep(100)
  }
}
