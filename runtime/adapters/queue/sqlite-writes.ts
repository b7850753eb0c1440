/**
 * The write side of the embedded queue: publishes, acks, retries and dead letters are gathered
 * for one turn of the event loop and committed in one transaction (batched writes are what make
 * SQLite fast, see docs/adapters/embedded.md). A publish resolves only after its transaction
 * committed. A batch that fails is written again one write at a time, so only the write that
 * cannot be stored fails; acks, retries and dead letters that cannot be stored (disk full, I/O
 * error) wait and are written once the store takes writes again.
 */
import type { Database } from 'bun:sqlite'
import { errorMessage } from '../../errors.ts'
import { isStoreFailure, storeUnavailable } from '../sqlite/database.ts'
import { tell } from './attempt.ts'
import { commit, letterOf, type Route, type Statements, type Write } from './sqlite-store.ts'

export interface WriteQueueOptions {
  sql: Statements
  db: Database
  /** The database file, for messages. */
  path: string
  outage: Outage
  dedupWindowMs: number
  /** Asks for a tick soon; the owner calls `flush` at each tick. */
  schedule: () => void
  /** True while a tick is queued. */
  scheduled: () => boolean
}

export type WriteQueue = ReturnType<typeof createWriteQueue>

export function createWriteQueue(options: WriteQueueOptions) {
  const { sql, db, path, outage, schedule } = options
  let pending: Write[] = []
  let flushed: Array<() => void> = []
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  let prunedAt = 0
  let stopped = false

  const commitNow = (writes: readonly Write[], inside?: Inside) => {
    // Expired idempotency ids are dropped at most once a minute, in the same transaction.
    const prune = Date.now() - prunedAt > 60_000
    commit(sql, db, writes, { dedupWindowMs: options.dedupWindowMs, prune }, inside)
    if (prune) prunedAt = Date.now()
  }

  const writeOneByOne = (writes: readonly Write[]) => {
    let failure: unknown
    for (const write of writes) {
      try {
        commitNow([write])
        settled([write], false, outage)
      } catch (error) {
        failure = error
        if (write.kind === 'publish') write.reject(isStoreFailure(error) ? storeUnavailable(path, error, `the message to "${write.topic}" was not enqueued`) : error)
        else pending.push(write)
      }
    }
    if (failure !== undefined && (pending.length > 0 || isStoreFailure(failure))) outage.down(failure)
    if (pending.length > 0 && !retryTimer && !stopped) {
      retryTimer = setTimeout(() => {
        retryTimer = undefined
        schedule()
      }, outage.delay())
    }
  }

  return {
    push(write: Write): void {
      pending.push(write)
      schedule()
    },

    /**
     * Commits what was gathered since the last tick; called once per tick. `inside` (the
     * consumers' takes and leases) runs within the same transaction when there are writes: true
     * when it ran and committed with them, false when the caller must do that work on its own. A
     * batch that failed is undone for `inside` too (`rollback`) before its writes are tried one
     * by one, without it.
     */
    flush(inside?: Inside): boolean {
      const writes = pending
      pending = []
      let together = false
      if (writes.length > 0) {
        try {
          commitNow(writes, inside)
          together = inside !== undefined
          settled(writes, true, outage)
        } catch {
          inside?.rollback()
          // Written again one by one, so that only what cannot be stored fails.
          writeOneByOne(writes)
        }
      }
      for (const done of flushed.splice(0)) done()
      return together
    },

    /** Resolves once every write queued so far was tried (written, or kept for a retry). */
    drain(): Promise<void> {
      if (pending.length === 0 && !options.scheduled()) return Promise.resolve()
      return new Promise<void>((resolve) => {
        flushed.push(resolve)
        schedule()
      })
    },

    stop(): void {
      stopped = true
      clearTimeout(retryTimer)
    },
  }
}

/** What the consumers do within a tick's transaction (sqlite-consumers.ts). */
export interface Inside {
  /** Gives a new copy to a consumer of this process that runs it at once. */
  route: Route
  /** Runs last: the leases. */
  after(): void
  /** The transaction failed: what `route` and `after` took is forgotten. */
  rollback(): void
}

/** After a commit: publishes resolve, dead letters are announced; a whole batch proves the store writable. */
function settled(writes: readonly Write[], whole: boolean, outage: Outage): void {
  let grew = false
  for (const write of writes) {
    if (write.kind === 'publish') {
      grew = true
      write.resolve()
    } else if (write.kind === 'dead' && write.stored) {
      grew = true
      tell(write.onDeadLetter, letterOf(write.row, write.error, Date.now()))
    }
  }
  if (whole && grew) outage.up()
}

export type Outage = ReturnType<typeof createOutage>

/**
 * Whether the store takes writes, and how long to wait before trying again while it does not:
 * from 50 ms, doubling up to 5 s. Each change is told once.
 */
export function createOutage(path: string, warn: ((message: string) => void) | undefined) {
  let delay = 0
  return {
    down(error: unknown) {
      if (delay > 0) {
        delay = Math.min(delay * 2, 5000)
        return
      }
      delay = 50
      warn?.(`[motia] the queue store ${path} cannot take writes (${errorMessage(error)}): enqueues answer 503 and consumers pause until it can; free disk space or fix the file's permissions`)
    },
    up() {
      if (delay === 0) return
      delay = 0
      warn?.(`[motia] the queue store ${path} takes writes again: consumers resume`)
    },
    /** The pause before the next try. */
    delay: () => (delay > 0 ? delay : 50),
  }
}
