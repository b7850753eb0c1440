/**
 * The one SQLite file that the embedded adapters share (`.motia/motia.db` by default). Opened once
 * per path and process, in WAL mode, and closed when the last adapter using it closes.
 *
 * WAL with `synchronous = NORMAL` keeps every committed transaction through a process crash
 * (kill -9); only a power loss can take the last few, which is the usual trade for ~20x the
 * write rate of `FULL`.
 */
import { Database } from 'bun:sqlite'
import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'

export interface SharedDatabase {
  db: Database
  path: string
  /** Drops this user's reference; the file closes with the last one. */
  release(): void
}

/** Where the embedded adapters keep a project's data. */
export function defaultDatabasePath(root: string): string {
  return resolve(root, '.motia', 'motia.db')
}

/** Opens (or shares) the database at `path`, creating its folder. `:memory:` gives a private one. */
export function openDatabase(path: string): SharedDatabase {
  const key = path === ':memory:' ? `:memory:${++privateCount}` : resolve(path)
  let entry = open.get(key)
  if (!entry) {
    if (path !== ':memory:') mkdirSync(dirname(key), { recursive: true })
    const db = new Database(path === ':memory:' ? ':memory:' : key, { create: true, strict: true })
    db.run('PRAGMA journal_mode = WAL')
    db.run('PRAGMA synchronous = NORMAL')
    db.run('PRAGMA busy_timeout = 5000')
    db.run('PRAGMA foreign_keys = OFF')
    entry = { db, users: 0 }
    open.set(key, entry)
  }
  entry.users++
  const shared = entry
  let released = false
  return {
    db: shared.db,
    path: key,
    release() {
      if (released) return
      released = true
      if (--shared.users > 0) return
      open.delete(key)
      shared.db.close()
    },
  }
}

/**
 * Runs a synchronous store operation as a promise: rejected once `isClosed()` says the store is
 * closed (naming `what`), and rejected rather than thrown when the operation fails.
 */
export function settled<T>(isClosed: () => boolean, what: string, action: () => T): Promise<T> {
  if (isClosed()) return Promise.reject(new Error(`[motia] the sqlite ${what} is closed`))
  try {
    return Promise.resolve(action())
  } catch (error) {
    return Promise.reject(error)
  }
}

// --- internal ---

const open = new Map<string, { db: Database; users: number }>()
let privateCount = 0
