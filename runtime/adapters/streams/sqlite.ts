/**
 * The embedded StreamStore on bun:sqlite, in the project's `.motia/motia.db` beside the queue and
 * the state. `seq` keeps insertion order for `list`; an update keeps an item's place.
 */
import type { Database } from 'bun:sqlite'
import { openDatabase, settled } from '../sqlite/database.ts'
import { withImmediate, type ImmediateStreamStore, type StreamStore, type StreamWrite } from './types.ts'

export function createSqliteStreams(options: { path: string }): StreamStore {
  const shared = openDatabase(options.path)
  const sql = prepare(shared.db)
  let closed = false

  const read = (stream: string, group: string, id: string): unknown => {
    const row = sql.get.get({ stream, group, id }) as { data: string } | null
    return row ? JSON.parse(row.data) : undefined
  }
  const write = shared.db.transaction((stream: string, group: string, id: string, next: unknown): StreamWrite => {
    const oldValue = read(stream, group, id)
    if (next === undefined) {
      sql.delete.run({ stream, group, id })
      return { oldValue, newValue: undefined }
    }
    // One serialization: what is stored is also what `newValue` is read back from.
    const data = JSON.stringify(next)
    sql.put.run({ stream, group, id, data })
    return { oldValue, newValue: JSON.parse(data) }
  })
  const guarded = <T>(action: () => T): Promise<T> => settled(() => closed, 'stream store', action)
  const open = () => {
    if (closed) throw new Error('[motia] the sqlite stream store is closed')
  }
  // bun:sqlite never waits: the hub writes through these without a turn (types.ts).
  const immediate: ImmediateStreamStore = {
    get: (stream, groupId, id) => (open(), read(stream, groupId, id)),
    set: (stream, groupId, id, data) => (open(), write.immediate(stream, groupId, id, data)),
    delete: (stream, groupId, id) => (open(), write.immediate(stream, groupId, id, undefined)),
  }

  return withImmediate({
    get: (stream, groupId, id) => guarded(() => read(stream, groupId, id) as never),
    set: (stream, groupId, id, data) => guarded(() => write.immediate(stream, groupId, id, data) as never),
    delete: (stream, groupId, id) => guarded(() => write.immediate(stream, groupId, id, undefined) as never),
    list: (stream, groupId) =>
      guarded(() => (sql.list.all({ stream, group: groupId }) as Array<{ id: string; data: string }>).map((row) => ({ id: row.id, data: JSON.parse(row.data) }))),
    listGroups: (stream) => guarded(() => (sql.groups.all({ stream }) as Array<{ name: string }>).map((row) => row.name)),
    async close() {
      if (closed) return
      closed = true
      shared.release()
    },
  }, () => immediate)
}

// --- internal ---

function prepare(db: Database) {
  db.run(`CREATE TABLE IF NOT EXISTS motia_streams (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    stream TEXT NOT NULL,
    group_id TEXT NOT NULL,
    id TEXT NOT NULL,
    data TEXT NOT NULL,
    UNIQUE (stream, group_id, id)
  )`)
  return {
    get: db.prepare('SELECT data FROM motia_streams WHERE stream = :stream AND group_id = :group AND id = :id'),
    put: db.prepare(
      'INSERT INTO motia_streams (stream, group_id, id, data) VALUES (:stream, :group, :id, :data) ON CONFLICT (stream, group_id, id) DO UPDATE SET data = excluded.data',
    ),
    delete: db.prepare('DELETE FROM motia_streams WHERE stream = :stream AND group_id = :group AND id = :id'),
    list: db.prepare('SELECT id, data FROM motia_streams WHERE stream = :stream AND group_id = :group ORDER BY seq'),
    groups: db.prepare('SELECT DISTINCT group_id AS name FROM motia_streams WHERE stream = :stream ORDER BY group_id'),
  }
}
