/**
 * Cutting a run off after a deadline. The work itself cannot be stopped (a promise has no cancel),
 * so a run that times out is abandoned: the caller hears about the timeout at once and never
 * about the work's later outcome. Runs with the same timeout share one timer (`DeadlineList`).
 */
import { TimeoutError } from './errors.ts'

/**
 * Calls `work` and then `done` exactly once: with `undefined` when it succeeds, its error when it
 * throws or rejects, or a `TimeoutError` once `timeoutMs` pass first. Callback-shaped so that the
 * queue's hot path pays for one timer and no extra promise; work that has finished when `work()`
 * returns (a value, or a fulfilled promise) calls `done` before `runWithTimeout` returns, with no
 * deadline kept at all.
 *
 * @example
 * runWithTimeout(() => handler(message), 30_000, (error) => (error ? retry(error) : ack()))
 */
export function runWithTimeout(work: () => unknown, timeoutMs: number, done: (error: unknown) => void): void {
  const startedAt = performance.now()
  let result: unknown
  try {
    result = work()
  } catch (error) {
    return done(error ?? new Error('handler threw undefined'))
  }
  // Finished already (a value, or a promise fulfilled before it was returned): no deadline to keep.
  if (finishedNow(result)) return done(undefined)
  let finished = false
  const finish = (error: unknown) => {
    if (finished) return
    finished = true
    if (deadline) deadlinesOf(timeoutMs).finish(deadline)
    done(error)
  }
  // Counted from the start of the work: its synchronous part spent some of the time already.
  // setTimeout fires at once for delays past its 32-bit range: such a timeout means "never".
  const deadline = timeoutMs <= maxTimerMs ? deadlinesOf(timeoutMs).add(() => finish(new TimeoutError(timeoutMs)), startedAt) : undefined
  const pending = result as PromiseLike<unknown> // not finished now, so a thenable
  pending.then(
    () => finish(undefined),
    (error: unknown) => finish(error ?? new Error('handler rejected with undefined')),
  )
}

/** `runWithTimeout` as a promise: resolves with `work`'s value or rejects with its error or a `TimeoutError`. */
export function withTimeout<T>(work: () => T | Promise<T>, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let value: T
    runWithTimeout(
      () => {
        const result = work()
        return isThenable(result) ? result.then((v) => void (value = v)) : void (value = result as T)
      },
      timeoutMs,
      (error) => (error === undefined ? resolve(value) : reject(error)),
    )
  })
}

/** The longest delay `setTimeout` keeps (about 24.8 days). */
export const maxTimerMs = 2 ** 31 - 1

/** True for a promise or any object with a `then` method (what `await` adopts). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function'
}

/**
 * True when what a handler returned needs no waiting: a plain value, or a promise fulfilled before
 * it was returned (an async handler that awaited nothing). `Bun.peek(value)` is then its value.
 */
export function finishedNow(value: unknown): boolean {
  return !isThenable(value) || (value instanceof Promise && Bun.peek.status(value) === 'fulfilled')
}

// --- internal ---

interface Deadline {
  at: number
  /** Cleared once the work finished (or expired): the entry is then only waiting to be dropped. */
  expire: (() => void) | undefined
}

/**
 * The deadlines of running work that share one timeout length. Entries of one length expire in
 * the order they were added, so one timer, set for the oldest live entry, serves them all: a
 * run costs an array push and a flag instead of a timer set and cleared (a queue runs one per
 * message). Finished entries are dropped from the front as they finish, and the array is
 * compacted once most of it is finished entries, so a hung run holds only small entries behind it.
 */
class DeadlineList {
  private entries: Deadline[] = []
  private head = 0
  private live = 0
  private timer: ReturnType<typeof setTimeout> | undefined
  private firing = false

  constructor(private readonly ms: number) {}

  /** Adds work that started at `startedAt` (`performance.now()`). */
  add(expire: () => void, startedAt: number): Deadline {
    const entry: Deadline = { at: startedAt + this.ms, expire }
    this.entries.push(entry)
    this.live++
    // A timer left armed while nothing ran is taken up again: cheaper than a new one per run
    // when runs come one at a time.
    if (this.timer) this.timer.ref()
    else if (!this.firing) this.timer = setTimeout(this.fire, Math.max(1, Math.ceil(entry.at - performance.now())))
    return entry
  }

  finish(entry: Deadline): void {
    if (entry.expire === undefined) return
    entry.expire = undefined
    this.live--
    this.tidy()
  }

  private readonly fire = () => {
    this.timer = undefined
    this.firing = true
    const now = performance.now()
    try {
      while (this.head < this.entries.length) {
        const entry = this.entries[this.head]!
        if (entry.expire !== undefined && entry.at > now) break
        this.head++
        const expire = entry.expire
        if (expire === undefined) continue
        entry.expire = undefined
        this.live--
        expire()
      }
    } finally {
      this.firing = false
      this.tidy()
      // Work an expiry started (a queue pumps its next message) was added meanwhile: the timer
      // is set here, for the oldest live entry.
      const next = this.entries[this.head]
      if (next && !this.timer) this.timer = setTimeout(this.fire, Math.max(1, Math.ceil(next.at - now)))
    }
  }

  private tidy(): void {
    const { entries } = this
    while (this.head < entries.length && entries[this.head]!.expire === undefined) this.head++
    if (this.head === entries.length) {
      // Nothing runs: the timer stays armed but no longer keeps the process alive; when it
      // fires with nothing due, it is not armed again.
      this.entries = []
      this.head = 0
      this.timer?.unref()
    } else if (entries.length > 1024 && this.live * 2 < entries.length) {
      this.entries = entries.filter((entry, i) => i >= this.head && entry.expire !== undefined)
      this.head = 0
    }
  }
}

const deadlines = new Map<number, DeadlineList>()

function deadlinesOf(ms: number): DeadlineList {
  let list = deadlines.get(ms)
  if (!list) deadlines.set(ms, (list = new DeadlineList(ms)))
  return list
}
