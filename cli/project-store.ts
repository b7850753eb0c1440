/**
 * The project's stores, opened from the CLI without starting a server: the adapters named in
 * `motia.config.ts`, the Redis ones when `REDIS_URL` is set, or the embedded store in `.motia/`.
 * Safe while servers run on the same project (SQLite in WAL mode serves many processes, Redis
 * any number of clients); an embedded server notices new copies within its poll interval.
 */
import { existsSync } from 'node:fs'
import { createSqliteQueue } from '../runtime/adapters/queue/sqlite.ts'
import type { QueueAdapter } from '../runtime/adapters/queue/types.ts'
import { defaultDatabasePath } from '../runtime/adapters/sqlite/database.ts'
import { createSqliteState } from '../runtime/adapters/state/sqlite.ts'
import type { StateAdapter } from '../runtime/adapters/state/types.ts'
import { adapterContext, usesEmbeddedStore } from '../runtime/adapters/resolve.ts'
import { loadConfig, resolveFactory } from '../runtime/config.ts'
import { type AdapterContext, type ResolvedConfig } from '../runtime/types/runtime.ts'
import { MotiaError } from '../runtime/errors.ts'

export interface ProjectStores {
  queue: QueueAdapter
  state: StateAdapter
  close(): Promise<void>
}

/** Opens the stores of the project at `root`. */
export async function openProjectStores(root: string): Promise<ProjectStores> {
  const config = await loadConfig(root, {}, process.env)
  const database = defaultDatabasePath(root)
  if (usesEmbeddedStore(config, config.adapters) && !existsSync(database)) {
    throw new MotiaError(`[motia] no store yet in ${root}/.motia: run \`motia dev\` or \`motia start\` in the project first (or pass --dir <project>)`)
  }
  const queue = await openProjectQueue(root, config)
  let state: StateAdapter
  try {
    state = await resolveFactory(config.adapters.state, await redisOr(root, config, (r) => r.redisState(), () => createSqliteState({ path: database })), adapterContext(root, config))
  } catch (error) {
    await queue.close()
    throw error
  }
  return {
    queue,
    state,
    close: async () => void (await Promise.all([queue.close(), state.close()])),
  }
}

/** The project's queue: the one in motia.config.ts, else Redis when REDIS_URL is set, else the embedded store. */
export async function openProjectQueue(root: string, config: ResolvedConfig): Promise<QueueAdapter> {
  const fallback = await redisOr(root, config, (r) => r.redisQueue(), () => createSqliteQueue({ path: defaultDatabasePath(root) }))
  return resolveFactory(config.adapters.queue, fallback, adapterContext(root, config))
}

/** Runs `action` with the project's stores and closes them afterwards. */
export async function withProjectStores<T>(root: string, action: (stores: ProjectStores) => Promise<T>): Promise<T> {
  const stores = await openProjectStores(root)
  try {
    return await action(stores)
  } finally {
    await stores.close()
  }
}

// --- internal ---

type RedisFactories = typeof import('../runtime/adapters/redis/index.ts')

/** The Redis adapter when REDIS_URL is set (imported only then), else `embedded`. */
async function redisOr<T>(root: string, config: ResolvedConfig, pick: (redis: RedisFactories) => (context: AdapterContext) => Promise<T>, embedded: () => T): Promise<() => T | Promise<T>> {
  if (!config.redisUrl) return embedded
  const factory = pick(await import('../runtime/adapters/redis/index.ts'))
  return () => factory(adapterContext(root, config))
}
