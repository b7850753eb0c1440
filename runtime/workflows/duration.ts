/**
 * Durations as workflows take them: milliseconds, or a number with a unit (`'15m'`, `'3d'`), or a
 * `Date` to wait until. Anything else is refused with what was given and the forms accepted.
 */
import { MotiaError } from '../errors.ts'
import type { Duration } from '../types/context.ts'

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }

/** The longest duration accepted: 10 years, far beyond any queue's or store's horizon worth trusting. */
export const maxDurationMs = 10 * 365 * 86_400_000

/** Milliseconds in `duration`; throws a 400 `MotiaError` naming `where` for anything else. */
export function parseDuration(duration: unknown, where: string): number {
  let ms: number | undefined
  if (typeof duration === 'number') ms = duration
  else if (typeof duration === 'string') {
    const found = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)\s*$/.exec(duration)
    if (found) ms = Number(found[1]) * units[found[2]!]!
  }
  if (ms === undefined || !Number.isFinite(ms) || ms < 0 || ms > maxDurationMs) {
    throw new MotiaError(
      `[motia] ${where}: ${JSON.stringify(duration) ?? String(duration)} is not a duration: pass milliseconds (a number from 0 to 10 years), a string such as '500ms', '30s', '15m', '2h', '3d', '1w', or a Date`,
      { code: 'INVALID_DURATION', status: 400 },
    )
  }
  return Math.round(ms)
}

/** When `duration` (or a `Date`) ends, counted from `now`. */
export function deadline(duration: unknown, now: number, where: string): number {
  if (duration instanceof Date) {
    const at = duration.getTime()
    if (Number.isNaN(at)) throw new MotiaError(`[motia] ${where}: the Date is invalid: pass a valid Date or a duration such as '15m'`, { code: 'INVALID_DURATION', status: 400 })
    return at
  }
  return now + parseDuration(duration as Duration, where)
}
