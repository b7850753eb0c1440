/**
 * The project's stores, opened from the CLI without starting a server: the adapters named in
 * `motia.config.ts`, or the embedded store in `.motia/`. Safe while a server runs on the same
 * project (SQLite in WAL mode serves many processes); the server notices new copies within its
 * poll interval.
 */
import { existsSync } from 'node:fs'
import { createSqliteQueue } from '../runtime/adapters/queue/sqlite.ts'
import type { QueueAdapter } from '../runtime/adapters/queue/types.ts'
import { defaultDatabasePath } from '../runtime/adapters/sqlite/database.ts'
import { createSqliteState } from '../runtime/adapters/state/sqlite.ts'
import type { StateAdapter } from '../runtime/adapters/state/types.ts'
import { loadConfig, resolveFactory } from '../runtime/config.ts'
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
  if ((!config.adapters.queue || !config.adapters.state) && !existsSync(database)) {
    throw new MotiaError(`[motia] no store yet in ${root}/.motia: run \`motia dev\` or \`motia start\` in the project first (or pass --dir <project>)`)
  }
  const [queue, state] = await Promise.all([
    resolveFactory(config.adapters.queue, () => createSqliteQueue({ path: database })),
    resolveFactory(config.adapters.state, () => createSqliteState({ path: database })),
  ])
  return {
    queue,
    state,
    close: async () => void (await Promise.all([queue.close(), state.close()])),
  }
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
