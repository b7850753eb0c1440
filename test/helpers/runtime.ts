/**
 * A real runtime (no socket) on a temporary project, with either the in-memory adapters or the
 * embedded SQLite store in the project's `.motia/`, for tests that must hold for both.
 *
 * @example
 * const booted = await bootRuntime('sqlite', { 'steps/queue/jobs/run.step.ts': '...' })
 * await booted.runtime.enqueue({ topic: 'jobs', data: {} })
 * await booted.stop()
 */
import { createRuntime, type Runtime } from '../../runtime/runtime.ts'
import { createMemoryQueue } from '../../runtime/adapters/queue/memory.ts'
import { createMemoryState } from '../../runtime/adapters/state/memory.ts'
import { createSqliteQueue } from '../../runtime/adapters/queue/sqlite.ts'
import { defaultDatabasePath } from '../../runtime/adapters/sqlite/database.ts'
import type { QueueAdapter } from '../../runtime/adapters/queue/types.ts'
import type { LogEntry } from '../../runtime/observability/logger.ts'
import { createTestRuntime, type TestRuntime } from '../../runtime/testing/index.ts'
import { afterEach } from 'bun:test'
import { makeProject, type TempProject } from './project.ts'

export type AdapterKind = 'memory' | 'sqlite'
export const adapterKinds: AdapterKind[] = ['memory', 'sqlite']

export interface BootedRuntime {
  runtime: Runtime
  project: TempProject
  logs: LogEntry[]
  /** Stops the runtime; later calls return the same promise. */
  stopRuntime(): Promise<void>
  /** Stops the runtime (once) and removes the project. */
  stop(): Promise<void>
}

/** Writes `files` into a new project and loads it; `wrapQueue` may wrap the queue adapter (a spy). */
export async function bootRuntime(
  kind: AdapterKind,
  files: Record<string, string> | TempProject,
  options: { wrapQueue?: (queue: QueueAdapter) => QueueAdapter } = {},
): Promise<BootedRuntime> {
  const project = 'root' in files && typeof files.root === 'string' ? (files as TempProject) : makeProject(files as Record<string, string>)
  const logs: LogEntry[] = []
  const wrap = options.wrapQueue ?? ((queue: QueueAdapter) => queue)
  const runtime = await createRuntime({
    root: project.root,
    mode: 'test',
    logSink: (entry) => logs.push(entry),
    env: {},
    adapters: kind === 'memory' ? { queue: () => wrap(createMemoryQueue()), state: createMemoryState } : options.wrapQueue ? { queue: () => wrap(sqliteQueue(project.root)) } : undefined,
  })
  await runtime.load()
  let stopped: Promise<void> | undefined
  const stopRuntime = () => (stopped ??= runtime.stop())
  return { runtime, project, logs, stopRuntime, stop: () => stopRuntime().finally(() => project.cleanup()) }
}

/**
 * For a test file: `start(files)` writes `files` into a new project and loads it with
 * `createTestRuntime` (in-memory adapters, no socket); `current()` is the runtime the running test
 * started. After each test that runtime is stopped and its project removed.
 *
 * @example
 * const { start, current } = testRuntimeEachTest()
 * const { runtime } = await start({ 'steps/http/ping.get.step.ts': '...' })
 * await current().waitFor(...)
 */
export function testRuntimeEachTest(): { start(files: Record<string, string>): Promise<TestRuntime>; current(): TestRuntime } {
  let project: TempProject | undefined
  let app: TestRuntime | undefined
  afterEach(async () => {
    await app?.stop()
    project?.cleanup()
    app = project = undefined
  })
  return {
    async start(files) {
      project = makeProject(files)
      app = await createTestRuntime({ root: project.root })
      return app
    },
    current() {
      if (!app) throw new Error('no test runtime started in this test: call start(files) first')
      return app
    },
  }
}

// --- internal ---

function sqliteQueue(root: string): QueueAdapter {
  return createSqliteQueue({ path: defaultDatabasePath(root) })
}
