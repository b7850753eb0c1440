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
import { MotiaError, errorMessage } from '../../errors.ts'

export interface SharedDatabase {
  db: Database
  path: string
  /** Drops this user's reference; the file closes with the last one. */
  release(): void
}

export { defaultDatabasePath } from './path.ts'

/**
 * Opens (or shares) the database at `path`, creating its folder. `:memory:` gives a private one.
 * A file that is not a readable SQLite database is refused with a `MotiaError` naming it and the fix.
 */
export function openDatabase(path: string): SharedDatabase {
  const key = path === ':memory:' ? `:memory:${++privateCount}` : resolve(path)
  let entry = open.get(key)
  if (!entry) {
    entry = { db: connect(path === ':memory:' ? ':memory:' : key), users: 0 }
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

/**
 * True for SQLite errors that say the store cannot be used right now (disk full, I/O error, locked,
 * read-only, damaged), as opposed to a statement or a row that is wrong.
 */
export function isStoreFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && storeFailureCodes.test(code)
}

/** The 503 a write answers while the store at `path` cannot take it; `what` says what was lost. */
export function storeUnavailable(path: string, error: unknown, what: string): MotiaError {
  return new MotiaError(
    `[motia] ${what}: the store ${path} cannot take writes right now (${errorMessage(error)}); free disk space or fix the file's permissions, then retry`,
    { code: 'STORE_UNAVAILABLE', status: 503, cause: error },
  )
}

/** The one-line refusal of a database file that cannot be opened or read. */
export function unusableStore(path: string, error: unknown): MotiaError {
  return new MotiaError(
    `[motia] cannot open the store ${path} (${errorMessage(error)}): move it away to start with an empty store (mv ${path} ${path}.broken; its messages, dead letters and state stay in the moved file), or restore it from a backup`,
    { code: 'STORE_UNUSABLE', cause: error },
  )
}

// --- internal ---

const storeFailureCodes = /^SQLITE_(FULL|IOERR|READONLY|BUSY|LOCKED|CANTOPEN|CORRUPT|NOTADB|NOMEM|PROTOCOL|PERM)/

/** Opens and sets up one connection; reading the schema proves the file is a database. */
function connect(file: string): Database {
  let db: Database | undefined
  try {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
    db = new Database(file, { create: true, strict: true })
    // First: other processes may be opening (and creating or upgrading) the same store right now,
    // and switching to WAL waits for their lock only once a busy timeout is set.
    db.run('PRAGMA busy_timeout = 5000')
    db.run('PRAGMA journal_mode = WAL')
    db.run('PRAGMA synchronous = NORMAL')
    db.run('PRAGMA foreign_keys = OFF')
    db.query('SELECT count(*) FROM sqlite_master').get()
    return db
  } catch (error) {
    db?.close()
    throw unusableStore(file, error)
  }
}

const open = new Map<string, { db: Database; users: number }>()
let privateCount = 0
