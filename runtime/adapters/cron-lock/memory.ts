/**
 * A CronLock within one process: several runtimes in one process (tests, an embedding app) run
 * each tick once. Claims are forgotten after `ttlMs`, so memory stays bounded.
 */
import type { CronLock } from './types.ts'

export interface MemoryCronLockOptions {
  /** How long a claim is remembered. Default 10 min, as for the Redis lock. */
  ttlMs?: number
  /** The clock, for tests. */
  now?: () => number
}

/**
 * @example
 * const lock = createMemoryCronLock()
 * export default defineConfig({ adapters: { cronLock: lock } })
 */
export function createMemoryCronLock(options: MemoryCronLockOptions = {}): CronLock {
  const ttlMs = options.ttlMs ?? 10 * 60_000
  const now = options.now ?? Date.now
  // Claim key → when it may be forgotten; insertion order is expiry order.
  const claims = new Map<string, number>()
  return {
    async claim(step, scheduledAt) {
      const at = now()
      for (const [key, expires] of claims) {
        if (expires > at) break
        claims.delete(key)
      }
      const key = `${step}:${scheduledAt}`
      if (claims.has(key)) return false
      claims.set(key, at + ttlMs)
      return true
    },
    async close() {
      claims.clear()
    },
  }
}
