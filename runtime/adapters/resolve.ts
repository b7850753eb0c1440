/**
 * Which adapters a project runs on: the ones named in `motia.config.ts` (or passed by a test),
 * else the Redis ones when `REDIS_URL` is set, else the embedded store in `.motia/` (queue, state,
 * streams) and memory traces. The Redis modules are imported only when Redis is chosen, the
 * embedded queue and state (and SQLite) only once their file exists or is first written, the
 * embedded stream store only on a project's first stream operation, the default workflow store
 * (and its tables) only at the first operation on a durable run.
 */
import { existsSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { resolveFactory } from '../config.ts'
import { type AdapterContext, type ResolvedConfig } from '../types/runtime.ts'
import { createMemoryTraceStore } from './traces/memory.ts'
import type { TraceStore } from './traces/types.ts'
import type { QueueAdapter } from './queue/types.ts'
import type { SqliteQueueOptions } from './queue/sqlite.ts'
import type { CronLock } from './cron-lock/types.ts'
import { defaultDatabasePath } from './sqlite/path.ts'
import { acquireProjectLock, type ProjectLock } from '../project-lock.ts'
import type { Logger } from '../observability/logger.ts'
import { queueOnFirstWrite, stateOnFirstWrite, storeExists } from './embedded-on-first-write.ts'
import type { StateAdapter } from './state/types.ts'
import { createLazyStreamStore } from './streams/lazy.ts'
import type { StreamStore } from './streams/types.ts'
import { createLazyWorkflowStore } from './workflows/lazy.ts'
import type { WorkflowStore } from './workflows/types.ts'

export interface ResolvedAdapters {
  queue: QueueAdapter
  state: StateAdapter
  traces: TraceStore
  /** Stream items; the Redis store also shares every instance's changes (see streams/hub.ts). */
  streams: StreamStore
  /** Set with several instances (Redis): claims each cron tick for one of them. */
  cronLock?: CronLock
  /** Durable workflow runs: beside the queue (SQLite, Redis), or in memory when the queue and state are given (tests). */
  workflows: WorkflowStore
  /** True when the queue or the state is the embedded store, which one server per project may use. */
  embedded: boolean
  close(): Promise<void>
}

export type AdapterChoice = ResolvedConfig['adapters']

/** True when the queue or the state will be the embedded store: the caller then takes the project lock. */
export function usesEmbeddedStore(config: ResolvedConfig, adapters: AdapterChoice): boolean {
  return !config.redisUrl && (!adapters.queue || !adapters.state)
}

/** The context adapter factories get: the Redis URL and the project's key prefix. */
export function adapterContext(root: string, config: ResolvedConfig): AdapterContext {
  return { root, redisUrl: config.redisUrl, prefix: `motia:${projectName(root)}:` }
}

/** Opens the project's adapters. `reclaimLeases` is passed to the embedded queue (see sqlite.ts). */
export async function resolveAdapters(
  root: string,
  config: ResolvedConfig,
  adapters: AdapterChoice,
  options: { reclaimLeases?: boolean; onWarning?: (message: string) => void; onError?: (error: Error) => void } = {},
): Promise<ResolvedAdapters> {
  const context = adapterContext(root, config)
  const database = defaultDatabasePath(root)
  const redis = config.redisUrl ? await import('./redis/index.ts') : undefined
  // With REDIS_URL, every adapter the config leaves out is the Redis one, given the project's context.
  const viaRedis = <T>(create: (r: NonNullable<typeof redis>) => Promise<T>) => (redis ? () => create(redis) : undefined)
  const opened: Array<{ close(): Promise<void> }> = []
  const open = async <T extends { close(): Promise<void> }>(value: Promise<T>): Promise<T> => {
    const adapter = await value
    opened.push(adapter)
    return adapter
  }
  try {
    // One after the other: a Redis that cannot be reached fails the first, with one message.
    const queue = await open(
      resolveFactory(adapters.queue, viaRedis((r) => r.createRedisQueue({ ...context, onError: options.onError })) ?? (() => embeddedQueue({ path: database, reclaimLeases: options.reclaimLeases, onWarning: options.onWarning })), context),
    )
    const state = await open(resolveFactory(adapters.state, viaRedis((r) => r.createRedisState(context)) ?? (() => embeddedState(database)), context))
    const traces = await open(resolveFactory(adapters.traces, viaRedis((r) => r.createRedisTraceStore(context)) ?? (() => createMemoryTraceStore()), context))
    const streams = await open(resolveFactory(adapters.streams, viaRedis((r) => r.createRedisStreams(context)) ?? (() => embeddedStreams(database)), context))
    const embedded = usesEmbeddedStore(config, adapters)
    const workflows = await open(
      resolveFactory(adapters.workflows, viaRedis((r) => r.createRedisWorkflowStore(context)) ?? (() => defaultWorkflows(embedded ? database : undefined)), context),
    )
    const lockFactory = adapters.cronLock ?? (redis ? () => redis.createRedisCronLock(context) : undefined)
    const cronLock = lockFactory ? await open(resolveFactory<CronLock>(lockFactory, () => undefined as never, context)) : undefined
    return {
      queue,
      state,
      traces,
      streams,
      cronLock,
      workflows,
      embedded,
      close: async () => void (await Promise.all(opened.map((adapter) => adapter.close()))),
    }
  } catch (error) {
    await Promise.all(opened.map((adapter) => adapter.close().catch(() => undefined)))
    throw error
  }
}

/**
 * The adapters a server runs on. The embedded store is the default, and one server per project may
 * use it (project-lock.ts): the lock is taken first. Redis mode takes none: any number of
 * instances share one Redis.
 */
export async function openServerAdapters(
  root: string,
  config: ResolvedConfig,
  choice: AdapterChoice,
  mode: 'dev' | 'start' | 'test',
  logger: Pick<Logger, 'warn'>,
): Promise<{ adapters: ResolvedAdapters; lock?: ProjectLock }> {
  const lock = usesEmbeddedStore(config, choice) && mode !== 'test' ? acquireProjectLock(root, mode) : undefined
  try {
    const adapters = await resolveAdapters(root, config, choice, { reclaimLeases: lock !== undefined, onWarning: (message) => logger.warn(message), onError: redisErrorLogger(logger) })
    return { adapters, lock }
  } catch (error) {
    lock?.release()
    throw error
  }
}

/**
 * Logs Redis trouble seen outside a request (a worker that lost its connection) once per outage,
 * not once per retry: the first error warns, the rest are quiet for a minute.
 */
export function redisErrorLogger(logger: { warn(message: string, fields?: Record<string, unknown>): void }): (error: Error) => void {
  let quietUntil = 0
  return (error) => {
    if (Date.now() < quietUntil) return
    quietUntil = Date.now() + 60_000
    logger.warn(`[motia] Redis: ${error.message}; consumers pause and reconnect by themselves`)
  }
}

// --- internal ---

/** The embedded queue: opened now when its file exists (it may hold copies to deliver), else at the first write (embedded-on-first-write.ts). */
async function embeddedQueue(options: SqliteQueueOptions): Promise<QueueAdapter> {
  return storeExists(options.path) ? (await import('./queue/sqlite.ts')).createSqliteQueue(options) : queueOnFirstWrite(options)
}

/** The embedded state store, opened as the queue is. */
async function embeddedState(path: string): Promise<StateAdapter> {
  return storeExists(path) ? (await import('./state/sqlite.ts')).createSqliteState({ path }) : stateOnFirstWrite({ path })
}

/** The embedded stream store, loaded and opened on first use: most projects have no streams. */
function embeddedStreams(path: string): StreamStore {
  return createLazyStreamStore(async () => (await import('./streams/sqlite.ts')).createSqliteStreams({ path }))
}

/** The default workflow store, loaded and opened on first use: beside the queue in `path`, else in memory. */
function defaultWorkflows(path: string | undefined): WorkflowStore {
  return createLazyWorkflowStore(async () =>
    path ? (await import('./workflows/sqlite.ts')).createSqliteWorkflowStore({ path }) : (await import('./workflows/memory.ts')).createMemoryWorkflowStore(),
  )
}

/** The project's name for key prefixes: package.json's `name`, else the folder's. */
function projectName(root: string): string {
  const manifest = join(root, 'package.json')
  if (existsSync(manifest)) {
    try {
      const name = (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name
      if (typeof name === 'string' && name) return name.replace(/[^A-Za-z0-9._@/-]/g, '_')
    } catch {
      // A broken package.json is someone else's error to report.
    }
  }
  return basename(root).replace(/[^A-Za-z0-9._@/-]/g, '_')
}
