/**
 * `motia/testing`: run a project's steps in a test with in-memory adapters, call its endpoints
 * without a socket, and wait for background work. Also exports the adapter contract suites that
 * every implementation of an adapter interface must pass (queue, state, streams, traces, cron lock).
 *
 * @example
 * const app = await createTestRuntime({ root: import.meta.dir + '/..' })
 * const res = await app.request('POST', '/orders', { item: 'book', quantity: 1 })
 * await app.waitFor(async () => (await app.runtime.state.get('orders', (await res.json()).id)) !== undefined)
 * await app.stop()
 */
import { createRuntime, type Runtime } from '../runtime.ts'
import type { LogEntry } from '../observability/logger.ts'
import { createMemoryQueue } from '../adapters/queue/memory.ts'
import { createMemoryState } from '../adapters/state/memory.ts'
import { createMemoryStreams } from '../adapters/streams/memory.ts'
import { waitFor } from './wait.ts'

export { waitFor }
export { testQueueAdapter } from '../adapters/queue/contract.ts'
export { testStateAdapter } from '../adapters/state/contract.ts'
export { testStreamStore } from '../adapters/streams/contract.ts'
export { testTraceStore } from '../adapters/traces/contract.ts'
export { testCronLock } from '../adapters/cron-lock/contract.ts'
export { testWorkflowStore } from '../adapters/workflows/contract.ts'

export interface TestRuntime {
  runtime: Runtime
  /** Every log entry written so far, steps' included. */
  logs: LogEntry[]
  /** Sends a request to the project's HTTP server (no socket); objects are sent as JSON. */
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>
  /** Resolves once `check` returns true; rejects after `timeoutMs` (default 5000). */
  waitFor(check: () => boolean | Promise<boolean>, timeoutMs?: number): Promise<void>
  stop(): Promise<void>
}

/** Loads the project at `root` with in-memory adapters (whatever its config says) and no socket. */
export async function createTestRuntime(options: { root: string; env?: Record<string, string | undefined> }): Promise<TestRuntime> {
  const logs: LogEntry[] = []
  const runtime = await createRuntime({
    root: options.root,
    mode: 'test',
    logSink: (e) => logs.push(e),
    env: options.env ?? {},
    adapters: { queue: createMemoryQueue, state: createMemoryState, streams: createMemoryStreams },
  })
  await runtime.load()
  return {
    runtime,
    logs,
    request(method, path, body, headers = {}) {
      const init: RequestInit = { method, headers }
      if (body !== undefined) {
        init.body = typeof body === 'string' ? body : JSON.stringify(body)
        if (typeof body !== 'string') init.headers = { 'content-type': 'application/json', ...headers }
      }
      return runtime.server.handle(new Request(`http://localhost${path}`, init))
    },
    waitFor,
    stop: () => runtime.stop(),
  }
}
