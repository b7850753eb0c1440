/**
 * The embedded durable StateAdapter on bun:sqlite, sharing the project's `.motia/motia.db` with
 * the queue. Each write is one immediate transaction: read, apply, write, so an `update` is atomic
 * against other handlers in this process and against any other process using the file.
 */
import type { Database } from 'bun:sqlite'
import { openDatabase, settled } from '../sqlite/database.ts'
import { applyUpdateOps, checkStateAddress } from './ops.ts'
import type { StateAdapter, StateWrite } from './types.ts'

export interface SqliteStateOptions {
  /** The database file; `.motia/motia.db` in a project. `:memory:` for a private, volatile one. */
  path: string
}

/**
 * @example
 * const state = createSqliteState({ path: '.motia/motia.db' })
 */
export function createSqliteState(options: SqliteStateOptions): StateAdapter {
  const shared = openDatabase(options.path)
  createTable(shared.db)
  // The statements and the write transaction are built at the first state operation, not at every
  // start (~1 ms and a few hundred KiB for a project that may never use state).
  let statements: Statements | undefined
  let transaction: ReturnType<typeof writer> | undefined
  const sql = () => (statements ??= prepare(shared.db))
  let closed = false

  const read = (group: string, key: string): unknown => {
    const row = sql().get.get({ group, key }) as { value: string } | null
    return row ? JSON.parse(row.value) : undefined
  }
  const writer = () =>
    shared.db.transaction((group: string, key: string, next: (old: unknown) => unknown): StateWrite => {
      const oldValue = read(group, key)
      const newValue = next(oldValue)
      if (newValue === undefined) sql().delete.run({ group, key })
      else sql().put.run({ group, key, value: JSON.stringify(newValue) })
      return { oldValue, newValue: newValue === undefined ? undefined : JSON.parse(JSON.stringify(newValue)) }
    })
  const write = (group: string, key: string, next: (old: unknown) => unknown): StateWrite => (transaction ??= writer()).immediate(group, key, next)
  const guarded = <T>(action: () => T): Promise<T> => settled(() => closed, 'state', action)
  const at = <T>(group: string, key: string | undefined, action: () => T): Promise<T> =>
    guarded(() => {
      checkStateAddress(group, key)
      return action()
    })

  return {
    get: (group, key) => at(group, key, () => read(group, key) as never),
    set: (group, key, value) => at(group, key, () => write(group, key, () => value) as never),
    update: (group, key, ops) => at(group, key, () => write(group, key, (old) => applyUpdateOps(old, ops)) as never),
    delete: (group, key) => at(group, key, () => write(group, key, () => undefined) as never),
    list: (group) =>
      at(group, undefined, () => (sql().list.all({ group }) as Array<{ key: string; value: string }>).map((row) => ({ key: row.key, value: JSON.parse(row.value) }))),
    listGroups: () => guarded(() => (sql().groups.all() as Array<{ name: string }>).map((row) => row.name)),
    clear: (group) =>
      at(group, undefined, () =>
        shared.db
          .transaction(() => {
            const removed = (sql().list.all({ group }) as Array<{ key: string; value: string }>).map((row) => ({ key: row.key, value: JSON.parse(row.value) as unknown }))
            sql().clear.run({ group })
            return removed
          })
          .immediate(),
      ),
    async close() {
      if (closed) return
      closed = true
      shared.release()
    },
  }
}

// --- internal ---

function createTable(db: Database): void {
  db.run(`CREATE TABLE IF NOT EXISTS motia_state (
    group_name TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (group_name, key)
  ) WITHOUT ROWID`)
}

type Statements = ReturnType<typeof prepare>

function prepare(db: Database) {
  return {
    get: db.prepare('SELECT value FROM motia_state WHERE group_name = :group AND key = :key'),
    put: db.prepare(
      'INSERT INTO motia_state (group_name, key, value) VALUES (:group, :key, :value) ON CONFLICT (group_name, key) DO UPDATE SET value = excluded.value',
    ),
    delete: db.prepare('DELETE FROM motia_state WHERE group_name = :group AND key = :key'),
    list: db.prepare('SELECT key, value FROM motia_state WHERE group_name = :group ORDER BY key'),
    groups: db.prepare('SELECT DISTINCT group_name AS name FROM motia_state ORDER BY group_name'),
    clear: db.prepare('DELETE FROM motia_state WHERE group_name = :group'),
  }
}
