/**
 * Cutting a run off after a deadline. The work itself cannot be stopped (a promise has no cancel),
 * so a run that times out is abandoned: the caller hears about the timeout at once and never
 * about the work's later outcome.
 */
import { TimeoutError } from './errors.ts'

/**
 * Calls `work` and then `done` exactly once: with `undefined` when it succeeds, its error when it
 * throws or rejects, or a `TimeoutError` once `timeoutMs` pass first. Callback-shaped so that the
 * queue's hot path pays for one timer and no extra promise.
 *
 * @example
 * runWithTimeout(() => handler(message), 30_000, (error) => (error ? retry(error) : ack()))
 */
export function runWithTimeout(work: () => unknown, timeoutMs: number, done: (error: unknown) => void): void {
  let finished = false
  const finish = (error: unknown) => {
    if (finished) return
    finished = true
    clearTimeout(timer)
    done(error)
  }
  // setTimeout fires at once for delays past its 32-bit range: such a timeout means "never".
  const timer = timeoutMs <= maxTimerMs ? setTimeout(() => finish(new TimeoutError(timeoutMs)), timeoutMs) : undefined
  let result: unknown
  try {
    result = work()
  } catch (error) {
    return finish(error ?? new Error('handler threw undefined'))
  }
  if (!isThenable(result)) return finish(undefined)
  result.then(
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

// --- internal ---

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function'
}
