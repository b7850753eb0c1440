import { expect, test } from 'bun:test'
import { testCronLock } from './contract.ts'
import { createMemoryCronLock } from './memory.ts'
import type { CronLock } from './types.ts'

// The instances of one test share one memory lock; closing it once per instance is harmless.
let shared: CronLock = createMemoryCronLock()
testCronLock({ name: 'memory', create: () => shared, reset: () => void (shared = createMemoryCronLock()) })

test('a claim is forgotten after ttlMs, so memory stays bounded', async () => {
  let now = 0
  const lock = createMemoryCronLock({ ttlMs: 1000, now: () => now })
  expect(await lock.claim('Report', 1)).toBe(true)
  now = 999
  expect(await lock.claim('Report', 1)).toBe(false)
  now = 1000
  expect(await lock.claim('Report', 1)).toBe(true)
})
