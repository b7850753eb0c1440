/**
 * What a failed queue attempt leads to, in words for its log line: the next attempt's delay, time
 * and the attempts left, or the dead-letter queue. It uses the rules every adapter keeps
 * (`isFinal`, `backoffDelay`), so the line says what the adapter then does.
 */
import { isFinal } from '../adapters/queue/attempt.ts'
import { backoffDelay, type ConsumeOptions } from '../adapters/queue/types.ts'
import { isNonRetriable } from '../errors.ts'

export interface NextAttempt {
  /** Appended to the failure line, after `; `. */
  text: string
  /** Structured fields of the same line. */
  fields: { retryInMs?: number; nextAttemptAt?: string; attemptsLeft: number }
}

/**
 * After attempt `attempt` failed with `error`.
 *
 * @example
 * nextAttempt(new Error('x'), 1, { maxRetries: 3, backoff: { type: 'fixed', delayMs: 2000 } }, Date.parse('2026-01-01T10:00:00Z')).text
 * // 'next attempt in 2 s (at 10:00:02.000 UTC), 3 attempts left'
 */
export function nextAttempt(error: unknown, attempt: number, options: Pick<ConsumeOptions, 'maxRetries' | 'backoff'>, now = Date.now()): NextAttempt {
  if (isNonRetriable(error)) return { text: 'not retried (NonRetriableError): the message goes to the dead-letter queue', fields: { attemptsLeft: 0 } }
  if (isFinal(error, attempt, options)) {
    return { text: `no attempts left (maxRetries ${options.maxRetries}): the message goes to the dead-letter queue`, fields: { attemptsLeft: 0 } }
  }
  const retryInMs = backoffDelay(options.backoff, attempt)
  const at = new Date(now + retryInMs).toISOString()
  const attemptsLeft = options.maxRetries + 1 - attempt
  return {
    text: `next attempt in ${duration(retryInMs)} (at ${at.slice(11, 23)} UTC), ${attemptsLeft} attempt${attemptsLeft === 1 ? '' : 's'} left`,
    fields: { retryInMs, nextAttemptAt: at, attemptsLeft },
  }
}

// --- internal ---

function duration(ms: number): string {
  if (ms < 1000) return `${ms} ms`
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))} s`
  if (ms < 3_600_000) return `${Number((ms / 60_000).toFixed(1))} min`
  return `${Number((ms / 3_600_000).toFixed(1))} h`
}
