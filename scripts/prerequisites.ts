// The programs the test suite starts for itself (each test file runs its own on a free port):
// `npm test` runs this first. A missing one is installed with apt-get when this runs as root on
// Debian/Ubuntu; one that cannot be had is reported in one line, and the tests that need it fail
// by name (test/helpers/prerequisites.ts throws the same line). Never fails itself: the suite runs.
//
//   bun scripts/prerequisites.ts                   check (and install) every program below
//   bun scripts/prerequisites.ts redis-server      only the ones named
//   MOTIA_TEST_INSTALL=0 bun scripts/...           report, never install
import { spawnSync } from 'node:child_process'
import { accessSync, constants, realpathSync } from 'node:fs'
import { basename, delimiter, dirname, join } from 'node:path'

/** Each program: the command looked up on PATH, the Debian package that ships it, and who needs it. */
export const prerequisites: ReadonlyArray<{ name: string; apt: string; neededBy: string }> = [
  { name: 'redis-server', apt: 'redis-server', neededBy: 'the Redis adapter and cluster tests' },
  { name: 'mosquitto', apt: 'mosquitto', neededBy: 'the mqtt plugin tests' },
  { name: 'rabbitmq-server', apt: 'rabbitmq-server', neededBy: 'the amqp plugin tests' },
  { name: 'chromium', apt: 'chromium', neededBy: 'the console and browser-client tests' },
  { name: 'python3', apt: 'python3', neededBy: 'the Python step tests' },
  { name: 'ruby', apt: 'ruby', neededBy: 'the Ruby step tests' },
]

// Debian puts daemons in sbin, which a non-root PATH often lacks.
const systemDirs = ['/usr/local/sbin', '/usr/sbin', '/sbin']

/**
 * The executable for `name`: PATH first, then the sbin folders. RabbitMQ's Debian wrapper
 * (/usr/sbin/rabbitmq-server) switches to the rabbitmq user and drops the environment a private
 * broker needs, so the real script beside it is returned instead.
 */
export function findBinary(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of [...path.split(delimiter).filter(Boolean), ...systemDirs]) {
    const file = join(dir, name)
    if (!isExecutable(file)) continue
    if (name !== 'rabbitmq-server') return file
    const real = realpathSync(file)
    const beside = join(dirname(real), 'rabbitmq-server')
    return basename(real) === 'rabbitmq-script-wrapper' && isExecutable(beside) ? beside : real
  }
  return undefined
}

/** The one line that says a program is missing and how to get it. */
export function missingLine(name: string): string {
  const known = prerequisites.find((p) => p.name === name)
  const why = known ? ` (${known.neededBy})` : ''
  return `[prerequisites] ${name} is missing${why}: install it with "apt-get install -y ${known?.apt ?? name}" as root (npm test does this itself when run as root), then run npm test again`
}

// --- internal ---

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK)
    return true
  } catch {
    return false
  }
}

function canInstall(): boolean {
  return process.env.MOTIA_TEST_INSTALL !== '0' && process.getuid?.() === 0 && findBinary('apt-get') !== undefined
}

function aptGet(args: string[]): boolean {
  const result = spawnSync(findBinary('apt-get')!, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, encoding: 'utf8' })
  return result.status === 0
}

function main(names: string[]): void {
  const unknown = names.filter((name) => !prerequisites.some((p) => p.name === name))
  if (unknown.length) {
    console.error(`[prerequisites] unknown program ${unknown.map((n) => `"${n}"`).join(', ')}: known are ${prerequisites.map((p) => p.name).join(', ')}`)
    process.exit(2)
  }
  const wanted = names.length ? prerequisites.filter((p) => names.includes(p.name)) : prerequisites
  let missing = wanted.filter((p) => !findBinary(p.name))
  if (missing.length && canInstall()) {
    console.log(`[prerequisites] installing ${missing.map((p) => p.apt).join(', ')} with apt-get`)
    aptGet(['update', '-qq'])
    // All at once; when that fails (one package unknown here), one by one so the others still land.
    if (!aptGet(['install', '-y', '-qq', '--no-install-recommends', ...missing.map((p) => p.apt)])) {
      for (const p of missing) aptGet(['install', '-y', '-qq', '--no-install-recommends', p.apt])
    }
    missing = missing.filter((p) => !findBinary(p.name))
  }
  for (const p of missing) console.error(missingLine(p.name))
}

if (import.meta.main) main(process.argv.slice(2))
