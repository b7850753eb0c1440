/** Helpers the QueueAdapter contract suites share (and adapters' own tests use). */
import type { ConsumeOptions, QueueAdapter } from './types.ts'

export interface QueueContractOptions {
  name: string
  /** A fresh, empty adapter. Called once per test; the suite closes it afterwards. */
  create: () => QueueAdapter | Promise<QueueAdapter>
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
