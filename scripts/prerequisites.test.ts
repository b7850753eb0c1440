/**
 * scripts/prerequisites.ts, run as `npm test` runs it, with a PATH that lacks a program: one clear
 * line naming it and how to install it; and a test file that needs that program fails each of its
 * tests by name, so they stay in the `N pass / N fail` count.
 */
import { afterAll, describe, expect, test } from 'bun:test'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { repoRoot } from '../test/helpers/project.ts'
import { findBinary } from './prerequisites.ts'

// A PATH with no programs at all: bun is run by its full path.
const emptyDir = mkdtempSync(join(tmpdir(), 'motia-empty-path-'))
afterAll(() => rmSync(emptyDir, { recursive: true, force: true }))

async function run(args: string[], env: Record<string, string>) {
  const proc = Bun.spawn([process.execPath, ...args], { cwd: repoRoot, env: { HOME: process.env.HOME ?? '/root', ...env }, stdout: 'pipe', stderr: 'pipe' })
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
  return { stdout, stderr, code }
}

describe('scripts/prerequisites.ts', () => {
  test('a program missing from PATH is one line naming it, what needs it and the command that installs it; the script still exits 0', async () => {
    const result = await run(['scripts/prerequisites.ts', 'redis-server'], { PATH: emptyDir, MOTIA_TEST_INSTALL: '0' })
    expect(result.code).toBe(0)
    expect(result.stdout).toBe('')
    expect(result.stderr.trim().split('\n')).toEqual([
      '[prerequisites] redis-server is missing (the Redis adapter and cluster tests): install it with "apt-get install -y redis-server" as root (npm test does this itself when run as root), then run npm test again',
    ])
  })

  test('a program that is there prints nothing', async () => {
    expect(findBinary('redis-server')).toBeDefined()
    const result = await run(['scripts/prerequisites.ts', 'redis-server'], { PATH: process.env.PATH ?? '', MOTIA_TEST_INSTALL: '0' })
    expect(result).toEqual({ stdout: '', stderr: '', code: 0 })
  })

  test('an unknown program name is refused with the known ones', async () => {
    const result = await run(['scripts/prerequisites.ts', 'redis'], { PATH: process.env.PATH ?? '' })
    expect(result.code).toBe(2)
    expect(result.stderr.trim()).toBe('[prerequisites] unknown program "redis": known are redis-server, mosquitto, rabbitmq-server, chromium, python3, ruby')
  })

  test("RabbitMQ's Debian wrapper is looked through to the script that keeps the environment", () => {
    const server = findBinary('rabbitmq-server')
    expect(server).toBeDefined()
    expect(server!.endsWith('/rabbitmq-server')).toBe(true)
    expect(server).not.toContain('sbin')
  })
})

describe('installing with apt-get (a stand-in apt-get on PATH that records its calls)', () => {
  const isRoot = process.getuid?.() === 0

  /** A PATH holding only a fake apt-get; `installs` says whether its install creates the program. */
  function fakeApt(installs: boolean) {
    const dir = mkdtempSync(join(tmpdir(), 'motia-fake-apt-'))
    const bin = join(dir, 'bin')
    mkdirSync(bin)
    const calls = join(dir, 'calls')
    writeFileSync(
      join(bin, 'apt-get'),
      `#!/bin/sh\nPATH=/usr/bin:/bin\necho "$*" >> ${calls}\n` +
        (installs ? `case "$1" in install) printf '#!/bin/sh\\n' > ${bin}/redis-server; chmod +x ${bin}/redis-server;; esac\n` : 'case "$1" in install) exit 100;; esac\n'),
      { mode: 0o755 },
    )
    const read = () => (existsSync(calls) ? readFileSync(calls, 'utf8').trim().split('\n') : [])
    return { path: `${bin}:${dirname(process.execPath)}`, calls: read, remove: () => rmSync(dir, { recursive: true, force: true }) }
  }

  test(isRoot ? 'as root, a missing program is installed with apt-get and then found: no line is printed' : 'not as root, apt-get is never run and the missing program is reported', async () => {
    const apt = fakeApt(true)
    try {
      const result = await run(['scripts/prerequisites.ts', 'redis-server'], { PATH: apt.path })
      if (isRoot) {
        expect(apt.calls()).toEqual(['update -qq', 'install -y -qq --no-install-recommends redis-server'])
        expect(result.stdout).toBe('[prerequisites] installing redis-server with apt-get\n')
        expect(result.stderr).toBe('')
      } else {
        expect(apt.calls()).toEqual([])
        expect(result.stderr).toContain('[prerequisites] redis-server is missing')
      }
      expect(result.code).toBe(0)
    } finally {
      apt.remove()
    }
  })

  test('an install that fails is tried package by package, then reported in one line per program', async () => {
    const apt = fakeApt(false)
    try {
      const result = await run(['scripts/prerequisites.ts', 'redis-server', 'python3'], { PATH: apt.path })
      if (isRoot) {
        const flags = 'install -y -qq --no-install-recommends'
        expect(apt.calls()).toEqual(['update -qq', `${flags} redis-server python3`, `${flags} redis-server`, `${flags} python3`])
      }
      const lines = result.stderr.trim().split('\n')
      expect(lines).toHaveLength(2)
      expect(lines[0]).toStartWith('[prerequisites] redis-server is missing (the Redis adapter and cluster tests): install it with "apt-get install -y redis-server"')
      expect(lines[1]).toStartWith('[prerequisites] python3 is missing (the Python step tests): install it with "apt-get install -y python3"')
      expect(result.code).toBe(0)
    } finally {
      apt.remove()
    }
  })

  test('MOTIA_TEST_INSTALL=0 never runs apt-get', async () => {
    const apt = fakeApt(true)
    try {
      const result = await run(['scripts/prerequisites.ts', 'redis-server'], { PATH: apt.path, MOTIA_TEST_INSTALL: '0' })
      expect(apt.calls()).toEqual([])
      expect(result.stderr).toContain('[prerequisites] redis-server is missing')
    } finally {
      apt.remove()
    }
  })
})

describe('a test file whose program is missing', () => {
  const fixture = './scripts/prerequisites-fixture.ts'

  test('with redis-server, its two tests pass', async () => {
    const result = await run(['test', fixture], { PATH: process.env.PATH ?? '' })
    expect(result.stderr).toContain('(pass) the server has a url')
    expect(result.stderr).toMatch(/^ 2 pass\n 0 fail$/m)
    expect(result.code).toBe(0)
  }, 60_000)

  test('without it, each test fails by name with the one line, and both are counted', async () => {
    const result = await run(['test', fixture], { PATH: emptyDir })
    const output = result.stderr
    expect(output).toContain('(fail) the server has a url')
    expect(output).toContain('(fail) the server has a port')
    expect(output).toContain('MissingPrerequisiteError: [prerequisites] redis-server is missing (the Redis adapter and cluster tests): install it with "apt-get install -y redis-server"')
    expect(output).toMatch(/^ 0 pass\n 2 fail$/m)
    expect(result.code).toBe(1)
  }, 60_000)
})
