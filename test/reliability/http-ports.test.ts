/**
 * Issue 9, point 7, through the real CLI: a server owns its port. Bun lets servers that both ask
 * for `reusePort` share one, the kernel splitting connections between them; a second server,
 * motia or not, must instead be refused with the documented one-line error.
 */
import { afterEach, expect, test } from 'bun:test'
import { freePort, makeProject, repoRoot, type TempProject } from '../helpers/project.ts'
import { startCli, type CliProcess } from '../helpers/cli.ts'

const cleanups: Array<() => unknown> = []

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function project(name: string): TempProject {
  const made = makeProject({ 'steps/http/who.get.step.ts': `export const handler = async () => ({ status: 200, body: { app: '${name}' } })` })
  cleanups.push(() => made.cleanup())
  return made
}

async function start(args: string[], root: string): Promise<CliProcess> {
  const cli = await startCli(args, root)
  cleanups.push(() => cli.stop())
  return cli
}

/**
 * Runs `motia <args>` expecting it to exit; one that serves instead (the bug) is killed after
 * `timeoutMs` and reported with code -1, so a failure is quick and leaves no server behind.
 */
async function runCli(args: string[], cwd: string, timeoutMs = 20_000): Promise<{ code: number; stderr: string }> {
  const proc = Bun.spawn([process.execPath, `${repoRoot}/cli/index.ts`, ...args], { cwd, env: { ...process.env, MOTIA_LOG_FORMAT: 'json' }, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' })
  const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs)
  const [stderr, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited])
  clearTimeout(timer)
  return { code: proc.signalCode ? -1 : code, stderr }
}

const inUse = (port: number) => `[motia] port ${port} is in use: stop the process that holds it, or pass --port <n> (or set PORT)\n`

test('a second motia dev on a port in use is refused, and every request still reaches the first', async () => {
  const port = freePort()
  const first = await start(['dev', '--port', String(port)], project('first').root)
  const second = await runCli(['dev', '--port', String(port)], project('second').root)
  expect(second.code).toBe(1)
  expect(second.stderr).toBe(inUse(port))
  const apps = new Set<string>()
  for (let i = 0; i < 20; i++) apps.add(((await (await first.fetch('/who')).json()) as { app: string }).app)
  expect([...apps]).toEqual(['first'])
}, 60_000)

test('motia start on all interfaces is refused while motia dev holds the port on loopback', async () => {
  const port = freePort()
  await start(['dev', '--port', String(port)], project('first').root)
  const second = await runCli(['start', '--port', String(port)], project('second').root)
  expect(second.code).toBe(1)
  expect(second.stderr).toBe(inUse(port))
}, 60_000)

test('a port held by another program that allows sharing (reusePort) is refused too', async () => {
  const other = Bun.serve({ port: 0, hostname: '127.0.0.1', reusePort: true, fetch: () => new Response('not motia') })
  cleanups.push(() => other.stop(true))
  const result = await runCli(['dev', '--port', String(other.port)], project('late').root)
  expect(result.code).toBe(1)
  expect(result.stderr).toBe(inUse(other.port!))
  expect(await (await fetch(other.url)).text()).toBe('not motia')
}, 60_000)

test('while motia serves, another program cannot take its port, even asking to share it', async () => {
  const port = freePort()
  await start(['dev', '--port', String(port)], project('owner').root)
  expect(() => Bun.serve({ port, hostname: '127.0.0.1', reusePort: true, fetch: () => new Response('intruder') })).toThrow(/in use/)
}, 60_000)
