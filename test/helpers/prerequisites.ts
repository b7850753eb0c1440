/**
 * The programs tests start for themselves (redis-server, mosquitto, rabbitmq-server, chromium),
 * found the way scripts/prerequisites.ts finds and installs them. A missing one is one clear line,
 * and every test that needed it fails by name: bun reports a failed `beforeAll` as one unnamed
 * failure and drops the tests of its file from the count, so setup that starts a program goes
 * through `beforeAllTests`.
 */
import { beforeAll, beforeEach } from 'bun:test'
import { findBinary, missingLine } from '../../scripts/prerequisites.ts'

export class MissingPrerequisiteError extends Error {
  override name = 'MissingPrerequisiteError'
}

/** The path of the program `name`; throws the one-line `MissingPrerequisiteError` when it is not installed. */
export function requireBinary(name: string): string {
  const file = findBinary(name)
  if (!file) throw new MissingPrerequisiteError(missingLine(name))
  return file
}

/**
 * `beforeAll` whose failure (a missing program, a server that would not start, a setup that did not
 * finish within `timeoutMs`) fails each test of the scope by name with that error, instead of
 * vanishing from the `N pass / N fail` count.
 *
 * @example
 * let redis: TestRedis
 * beforeAllTests(async () => void (redis = await startRedisServer()))
 */
export function beforeAllTests(setup: () => unknown, timeoutMs = 90_000): void {
  let failure: unknown
  beforeAll(async () => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the setup of these tests did not finish within ${timeoutMs / 1000} s`)), timeoutMs)
    })
    try {
      await Promise.race([setup(), late])
    } catch (error) {
      failure = error
    } finally {
      clearTimeout(timer)
    }
  }, timeoutMs + 10_000)
  beforeEach(() => {
    if (failure !== undefined) throw failure
  })
}
