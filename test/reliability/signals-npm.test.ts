/**
 * Issue 22, point 9: a server started through npm stops when npm is told to stop. SIGTERM or
 * SIGINT sent to `npm run dev`, `npm start` or `npx motia dev` alone (as a supervisor, `docker
 * stop` or a process manager sends it: to one pid, not the group) ends the server gracefully and
 * leaves no process behind, although npm's `sh -c` does not pass signals on; and a server whose
 * launcher is killed outright stops too. The project uses the real launcher (bin/motia.mjs) through
 * node_modules/.bin, as an installed project does.
 */
import { afterEach, expect, test } from 'bun:test'
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { alive, descendants } from '../helpers/processes.ts'
import { freePort, makeProject, repoRoot, type TempProject } from '../helpers/project.ts'

let project: TempProject | undefined
const started: ChildProcess[] = []

afterEach(() => {
  // Whatever is left of a failed test: the process groups this file started, by their id.
  for (const proc of started.splice(0)) {
    try {
      process.kill(-proc.pid!, 'SIGKILL')
    } catch {}
  }
  project?.cleanup()
  project = undefined
})

/** A project whose `motia` comes from node_modules/.bin, as npm installs it. */
function npmProject(): TempProject {
  const made = makeProject({
    'package.json': JSON.stringify({ name: 'signals', private: true, type: 'module', scripts: { dev: 'motia dev', start: 'motia start' } }),
    'steps/http/hello.get.step.ts': `export const handler = async () => ({ status: 200, body: { hello: 'world' } })\n`,
  })
  mkdirSync(join(made.root, 'node_modules/.bin'), { recursive: true })
  symlinkSync(repoRoot, join(made.root, 'node_modules/motia'), 'dir')
  symlinkSync(join(repoRoot, 'bin/motia.mjs'), join(made.root, 'node_modules/.bin/motia'))
  return made
}

/** Starts `command` in its own process group and waits until the server answers. */
async function launch(command: string[], root: string, port: number) {
  let output = ''
  const proc = spawn(command[0]!, command.slice(1), {
    cwd: root,
    env: { ...process.env, PORT: String(port), MOTIA_LOG_FORMAT: 'json', npm_config_update_notifier: 'false' },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  started.push(proc)
  proc.stdout!.on('data', (chunk) => (output += chunk))
  proc.stderr!.on('data', (chunk) => (output += chunk))
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)))
  await poll(async () => (await fetch(`http://127.0.0.1:${port}/hello`).catch(() => undefined))?.ok === true, 60_000, () => `${command.join(' ')} never answered on ${port}:\n${output}`)
  const tree = descendants(proc.pid!)
  const server = tree.find((p) => p.args.includes('cli/index.ts'))
  expect(server).toBeDefined()
  expect(existsSync(join(root, '.motia/server.lock'))).toBe(true)
  return { proc, exited, tree, server: server!, output: () => output }
}

// SIGTERM goes to npm's pid alone, as `docker stop` or a process manager sends it. SIGINT goes to
// the process group, as Ctrl-C in a terminal sends it: sent to npm alone, npm's `sh -c` holds it
// until its child ends, so nothing of ours ever sees it (npm itself keeps waiting too).
for (const [name, command, signal, target] of [
  ['npm run dev', ['npm', 'run', 'dev'], 'SIGTERM', 'npm alone'],
  ['npm start', ['npm', 'start'], 'SIGTERM', 'npm alone'],
  ['npx motia dev', ['npx', 'motia', 'dev'], 'SIGTERM', 'npx alone'],
  ['npm run dev', ['npm', 'run', 'dev'], 'SIGINT', 'the process group'],
  ['npm start', ['npm', 'start'], 'SIGINT', 'the process group'],
] as const) {
  test(`${signal} to ${target} of ${name} stops the server gracefully and leaves no process behind`, async () => {
    project = npmProject()
    const port = freePort()
    const run = await launch([...command], project.root, port)
    process.kill(target === 'the process group' ? -run.proc.pid! : run.proc.pid!, signal)
    await run.exited
    // npm is gone at once; the server stops in its own time, within the poll below.
    await poll(() => Promise.resolve(run.tree.every((p) => !alive(p.pid))), 30_000, () => `still running: ${run.tree.filter((p) => alive(p.pid)).map((p) => p.args).join('; ')}\n${run.output()}`)
    // Graceful: the shutdown released the project's lock (a killed server leaves it). What the
    // server printed while stopping may be lost: npm, whose pipe it wrote to, is gone by then.
    expect(existsSync(join(project.root, '.motia/server.lock'))).toBe(false)
    expect(await fetch(`http://127.0.0.1:${port}/hello`).catch(() => 'closed')).toBe('closed')
  }, 90_000)
}

test('a server whose launcher is killed outright (SIGKILL) stops by itself', async () => {
  project = npmProject()
  const port = freePort()
  const run = await launch(['npm', 'run', 'dev'], project.root, port)
  process.kill(run.server.ppid, 'SIGKILL')
  await poll(() => Promise.resolve(!alive(run.server.pid)), 30_000, () => `the server outlived its launcher:\n${run.output()}`)
  expect(existsSync(join(project.root, '.motia/server.lock'))).toBe(false)
  expect(await fetch(`http://127.0.0.1:${port}/hello`).catch(() => 'closed')).toBe('closed')
}, 90_000)

// --- internal ---

async function poll(check: () => Promise<boolean>, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(describe())
    await Bun.sleep(100)
  }
}
