/**
 * The behaviour every CronLock must show. Each implementation's test file calls this once, with
 * a `create` that returns locks sharing one claim space (two instances of one project):
 *
 * @example
 * const shared = createMemoryCronLock()
 * testCronLock({ name: 'memory', create: () => shared })
 */
import { describe, expect, test } from 'bun:test'
import { closedAfterEach } from '../../testing/fresh.ts'
import type { CronLock } from './types.ts'

export interface CronLockContractOptions {
  name: string
  /**
   * Locks of one fresh claim space: each call within a test returns a lock that shares claims
   * with the others of that test (an instance each), and none with earlier tests.
   */
  create: () => CronLock | Promise<CronLock>
  /** Called before each test, to start a new claim space (e.g. a new Redis prefix). */
  reset?: () => void
}

export function testCronLock({ name, create, reset }: CronLockContractOptions): void {
  describe(`CronLock contract: ${name}`, () => {
    const fresh = closedAfterEach(create)
    const instances = async (count: number) => {
      reset?.()
      return Promise.all(Array.from({ length: count }, () => fresh()))
    }

    test('of three instances claiming the same ticks, exactly one wins each', async () => {
      const locks = await instances(3)
      const ticks = Array.from({ length: 20 }, (_, i) => 1_700_000_000_000 + i * 1000)
      const wins = await Promise.all(ticks.map(async (tick) => (await Promise.all(locks.map((lock) => lock.claim('Report', tick)))).filter(Boolean).length))
      expect(wins).toEqual(ticks.map(() => 1))
    })

    test('a tick is claimed once, even by the instance that won it', async () => {
      const [lock] = await instances(1)
      expect(await lock!.claim('Report', 1000)).toBe(true)
      expect(await lock!.claim('Report', 1000)).toBe(false)
    })

    test("another step's tick at the same time, and the same step's next tick, are claimed separately", async () => {
      const [a, b] = await instances(2)
      expect(await a!.claim('Report', 1000)).toBe(true)
      expect(await b!.claim('Other', 1000)).toBe(true)
      expect(await b!.claim('Report', 2000)).toBe(true)
    })
  })
}
