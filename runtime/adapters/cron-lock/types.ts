/**
 * CronLock: decides which instance runs a cron tick when several serve one project.
 *
 * Guarantees (every implementation; contract.ts checks them): `claim(step, scheduledAt)` answers
 * true for exactly one caller per (step, scheduledAt) among every caller of one lock (one process
 * for the memory lock, every instance on one Redis and prefix for the Redis lock); ticks of
 * different steps, or of one step at different times, are claimed separately.
 * Not guaranteed: that the winner runs the tick to the end (a claim is not a lease); agreement
 * between instances whose clocks differ by more than a second (ticks are whole seconds).
 * Lifecycle: opened by the runtime when `adapters.cronLock` is set or `REDIS_URL` selects Redis
 * (runtime/adapters/resolve.ts); without one, every instance runs every tick. `close()` at
 * shutdown. Implementations: memory.ts, ../redis/cron-lock.ts.
 */

export interface CronLock {
  /** True for exactly one caller per (step, scheduledAt) across every instance. */
  claim(step: string, scheduledAt: number): Promise<boolean>
  close(): Promise<void>
}
