/**
 * Messages that name the file and the fix, with the real CLI (issue #9 point 19): `--dir` naming
 * a folder that does not exist, a stale lock naming a live process that is not a motia server, a
 * start banner with broken step files, and a built executable's arguments.
 */
import { afterEach, describe, expect, test } from 'bun:test'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCli, startCli, type CliProcess } from '../helpers/cli.ts'
import { freePort, makeProject, type TempProject } from '../helpers/project.ts'
import { waitFor } from '../../runtime/testing/wait.ts'
import pkg from '../../package.json' with { type: 'json' }

let project: TempProject | undefined
let cli: CliProcess | undefined
let other: ReturnType<typeof Bun.spawn> | undefined

afterEach(async () => {
  await cli?.stop()
  other?.kill()
  await other?.exited
  project?.cleanup()
  cli = project = other = undefined
})

const ping = `export const handler = async () => ({ status: 200, body: 'pong' })\n`

describe('--dir naming a folder that does not exist', () => {
  const commands = [['dev'], ['start'], ['build'], ['enqueue', '-t', 'jobs', '--data', '{}'], ['dlq', 'list'], ['dlq', 'replay', '--all'], ['state', 'list'], ['generate', 'types'], ['generate', 'openapi']]

  test('every command answers one line, exits 1 and creates nothing', async () => {
    project = makeProject()
    for (const command of commands) {
      const result = await runCli([...command, '--dir', 'missing/app'], project.root)
      expect({ command, code: result.code }).toEqual({ command, code: 1 })
      expect(result.stderr).toBe(`[motia] --dir missing/app: no such folder (${join(project.root, 'missing/app')}); pass the folder of your project (the one with steps/ and package.json)\n`)
      expect(existsSync(join(project.root, 'missing'))).toBe(false)
    }
  }, 60_000)

  test('a file given as --dir is refused too', async () => {
    project = makeProject({ 'notes.txt': 'hi' })
    const result = await runCli(['start', '--dir', 'notes.txt'], project.root)
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(`[motia] --dir notes.txt: ${join(project.root, 'notes.txt')} is a file, not a folder; pass the folder of your project\n`)
  })
})

describe('a stale project lock', () => {
  test('naming a live process that is not a motia server is taken over', async () => {
    project = makeProject({ 'steps/http/ping.get.step.ts': ping })
    other = Bun.spawn(['sleep', '60'], { stdout: 'ignore', stderr: 'ignore' })
    const pid = other.pid
    await waitFor(() => readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('sleep'))
    mkdirSync(join(project.root, '.motia'))
    writeFileSync(join(project.root, '.motia/server.lock'), JSON.stringify({ pid, mode: 'dev', startedAt: 1, token: 'old' }))
    cli = await startCli(['start', '--port', String(freePort())], project.root)
    expect(await (await cli.fetch('/ping')).text()).toBe('pong')
    const lock = JSON.parse(readFileSync(join(project.root, '.motia/server.lock'), 'utf8')) as { pid: number; token: string }
    expect(lock.pid).not.toBe(pid)
    expect(lock.token).not.toBe('old')
  }, 60_000)
})

describe('the start banner', () => {
  test('says how many step files failed instead of "no steps yet"', async () => {
    project = makeProject({ 'steps/http/broken.get.step.ts': 'export const config = {\n', 'steps/queue/x.step.ts': 'export const config = {}\n' })
    cli = await startCli(['dev', '--port', String(freePort())], project.root)
    expect(cli.output()).toContain('motia dev: 0 step(s), 2 failed to load')
    expect(cli.output()).toContain('(2 step file(s) failed to load: see the errors above; fix them and they load)')
    expect(cli.output()).not.toContain('no steps yet')
  }, 60_000)
})

describe('a built executable', () => {
  test('answers --help and --version, and refuses other arguments without starting', async () => {
    project = makeProject({ 'package.json': JSON.stringify({ name: '@acme/tiny-api', version: '1.2.3' }), 'steps/http/ping.get.step.ts': ping })
    const built = await runCli(['build', '--outfile', 'dist/tiny'], project.root)
    expect(built.code).toBe(0)
    const exe = join(project.root, 'dist/tiny')
    const run = async (...args: string[]) => {
      const proc = Bun.spawn([exe, ...args], { cwd: project!.root, env: { PATH: '/usr/bin:/bin', PORT: String(freePort()) }, stdout: 'pipe', stderr: 'pipe' })
      const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000)
      const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
      clearTimeout(timer)
      return { stdout, stderr, code }
    }
    const help = await run('--help')
    expect(help).toMatchObject({ code: 0, stderr: '' })
    expect(help.stdout).toStartWith('Usage: tiny-api [options]\n')
    expect(help.stdout).toContain('-p, --port <port>')
    expect((await run('-h')).stdout).toBe(help.stdout)

    expect(await run('--version')).toEqual({ code: 0, stderr: '', stdout: `tiny-api 1.2.3 (motia ${pkg.version})\n` })
    expect((await run('-v')).code).toBe(0)

    const usage = 'tiny-api takes --port <port>, --host <host>, --debug, --help and --version'
    expect(await run('--prot', '3000')).toEqual({ code: 1, stdout: '', stderr: `[motia] unknown argument "--prot": ${usage}\n` })
    expect(await run('start')).toEqual({ code: 1, stdout: '', stderr: `[motia] unknown argument "start": ${usage}\n` })
    expect(await run('--port')).toEqual({ code: 1, stdout: '', stderr: `[motia] --port needs a value: ${usage}\n` })
    expect(await run('--port=http')).toEqual({ code: 1, stdout: '', stderr: '[motia] --port must be a number from 0 to 65535, got "http"\n' })
    // Nothing started: no project lock or store was created.
    expect(existsSync(join(project.root, '.motia/server.lock'))).toBe(false)
    expect(existsSync(join(project.root, '.motia/motia.db'))).toBe(false)
  }, 120_000)
})
