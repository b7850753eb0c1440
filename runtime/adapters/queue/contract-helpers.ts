/** Helpers the QueueAdapter contract suites share (and adapters' own tests use). */
import type { ConsumeOptions, QueueAdapter } from './types.ts'

export interface QueueContractOptions {
  name: string
  /** A fresh, empty adapter. Called once per test (or more); the suite closes it afterwards. */
  create: (settings?: QueueSettings) => QueueAdapter | Promise<QueueAdapter>
  /**
   * Two adapters on one fresh store (one database file, one Redis prefix), as two processes or
   * instances open it. The exactly-once cases race them; an adapter whose store lives in its
   * process (memory) leaves it out, and those cases race one adapter with itself.
   */
  createPair?: (settings?: QueueSettings) => Promise<[QueueAdapter, QueueAdapter]>
}

/** Adapter settings some contract cases need: every adapter's factory takes them. */
export interface QueueSettings {
  dedupWindowMs?: number
}

/** Consume options for tests: fast fixed backoff, three retries, ten at a time. */
export function consumeOptions(topic: string, step: string, overrides: Partial<ConsumeOptions> = {}): ConsumeOptions {
  return {
    topic,
    step,
    maxRetries: 3,
    backoff: { type: 'fixed', delayMs: 5 },
    visibilityTimeoutMs: 30_000,
    concurrency: 10,
    fifo: false,
    ...overrides,
  }
}

/** A promise and the function that resolves it, for handlers a test finishes by hand. */
export function deferred() {
  let resolve!: () => void
  const promise = new Promise<void>((done) => (resolve = done))
  return { promise, resolve }
}
