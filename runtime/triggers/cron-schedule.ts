/**
 * Cron expressions as the `cron` trigger reads them: checked once at load (fields, nicknames,
 * time zone, whether the schedule can ever fire) and turned into croner options, or, for a plain
 * period (every minute, every 5 minutes, every 30 s: `simplePeriod`), into that period. croner is
 * loaded only for the other expressions: importing it and computing its first run cost a server's
 * start ~12 ms and ~2.5 MiB (docs/performance-startup.md), for schedules a division gives.
 */
import type { Cron } from 'croner'
import { ConfigError, errorMessage } from '../errors.ts'
import type { CronTriggerConfig } from '../types/context.ts'

/** Nicknames croner expands (see docs/triggers/cron.md); any other `@…` is refused with this list. */
export const cronNicknames = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']

/** How long a cron run may take before it is cut off, unless the trigger sets `timeoutMs`. */
export const defaultCronTimeoutMs = 30_000

/**
 * croner options every cron trigger uses. `sloppyRanges` accepts Quartz-style steps (`0/30`,
 * `5/15`) as Motia does; `?` is always read as `*`.
 *
 * Without a `timezone` the schedule is the machine's local time, and the first local-time date
 * operation of the process loads the time zone data (~15 ms and ~3.5 MiB in Bun). A schedule that
 * fires at the same instants in every zone (`zoneFree`: every minute, every 5 minutes, every
 * 30 seconds) is computed in UTC instead, which gives the same ticks without that cost.
 */
export function cronOptions(trigger: { timezone?: string; expression?: unknown }): { timezone?: string; utcOffset?: number; sloppyRanges: true } {
  if (trigger.timezone === undefined && zoneFree(trigger.expression)) return { utcOffset: 0, sloppyRanges: true }
  return { timezone: trigger.timezone, sloppyRanges: true }
}

/**
 * True when `expression` fires at the same instants whatever the time zone: every field above the
 * minutes is `*` (or `?`), and the minutes are `*` or a step that divides 15 (`*\/5`, `0/15`).
 * Every zone's offset today is a whole number of quarter hours, so shifting such a minute set by
 * any offset (or a daylight-saving change) gives the same set; seconds are never shifted.
 */
export function zoneFree(expression: unknown): boolean {
  if (typeof expression !== 'string') return false
  const fields = expression.trim().split(/\s+/)
  if (fields.length < 5 || fields.length > 7) return false
  const [minute, ...above] = fields.length === 5 ? fields : fields.slice(1)
  if (!above.every((field) => field === '*' || field === '?')) return false
  const step = /^(?:\*|0)\/(\d+)$/.exec(minute!)
  return minute === '*' || (step !== null && Number(step[1]) > 0 && 15 % Number(step[1]) === 0)
}

/**
 * The period in ms of a schedule without a `timezone` that fires at every multiple of it counted
 * from the epoch, or undefined: every minute (`* * * * *`), every n minutes where n divides 15
 * (`*\/5 * * * *`, `0/15 * * * *`), at second 0 of those (`0 *\/5 * * * *`), or every s seconds
 * where s divides 60 (`*\/30 * * * * *`, `* * * * * *`). Every field above the minutes is `*` or
 * `?` (a `zoneFree` schedule), so these are the ticks croner gives in UTC and in any zone.
 */
export function simplePeriod(trigger: { timezone?: string; expression?: unknown }): number | undefined {
  if (trigger.timezone !== undefined || !zoneFree(trigger.expression)) return undefined
  const fields = (trigger.expression as string).trim().split(/\s+/)
  const seconds = fields.length === 5 ? '0' : fields[0]!
  const minute = fields.length === 5 ? fields[0]! : fields[1]!
  const minutes = minute === '*' ? 1 : Number(stepOf(minute))
  if (seconds === '0') return minutes * 60_000
  const everySeconds = seconds === '*' ? 1 : stepOf(seconds)
  // Seconds finer than a minute, within every minute only: `*\/30 *\/5 …` is no single period.
  if (everySeconds === undefined || minutes !== 1 || 60 % everySeconds !== 0) return undefined
  return everySeconds * 1000
}

/** The first multiple of `periodMs` after `afterMs`: the next tick of a `simplePeriod` schedule. */
export function nextTick(afterMs: number, periodMs: number): number {
  return (Math.floor(afterMs / periodMs) + 1) * periodMs
}

/** croner's Cron class, loaded at the first schedule that needs it (see above). */
export function loadCron(): typeof Cron {
  return (require('croner') as typeof import('croner')).Cron
}

/**
 * Throws a `ConfigError` naming the step, the field and the fix when the expression, time zone or
 * timeout is wrong. Returns a warning when the schedule is valid but can never fire.
 */
export function checkCronTrigger(trigger: CronTriggerConfig, where: string, file: string): string | undefined {
  const refuse = (message: string, cause?: unknown) => new ConfigError(`[motia] ${where}: ${message}`, { file, cause })
  const expression = trigger.expression
  if (typeof expression !== 'string' || expression.trim() === '') {
    throw refuse(`cron trigger needs an expression, e.g. { type: 'cron', expression: '0 3 * * *' }`)
  }
  const text = expression.trim()
  if (text.startsWith('@')) {
    if (!cronNicknames.includes(text.toLowerCase())) {
      throw refuse(`unknown cron nickname "${text}": use one of ${cronNicknames.join(', ')}, or a 5-field expression such as '*/5 * * * *'`)
    }
  } else {
    const fields = text.split(/\s+/).length
    if (fields < 5 || fields > 7) {
      throw refuse(`cron expression "${expression}" has ${fields} fields; use 5 (min hour day month weekday), 6 (seconds first) or 7 (year last)`)
    }
  }
  if (trigger.timezone !== undefined && !isTimeZone(trigger.timezone)) {
    throw refuse(`unknown timezone ${JSON.stringify(trigger.timezone)}: use an IANA zone such as "Europe/Paris", "America/New_York" or "UTC", or leave timezone out for the machine's zone`)
  }
  if (trigger.timeoutMs !== undefined && !(typeof trigger.timeoutMs === 'number' && Number.isFinite(trigger.timeoutMs) && trigger.timeoutMs > 0)) {
    throw refuse(`cron timeoutMs must be a positive number of milliseconds, got ${JSON.stringify(trigger.timeoutMs)}`)
  }
  if (trigger.allowOverlap !== undefined && typeof trigger.allowOverlap !== 'boolean') {
    throw refuse(`cron allowOverlap must be true or false, got ${JSON.stringify(trigger.allowOverlap)}`)
  }
  // A plain period is a valid schedule that fires.
  if (simplePeriod(trigger) !== undefined) return undefined
  let next: Date | null
  try {
    const Cron = loadCron()
    const job = new Cron(expression, { ...cronOptions(trigger), paused: true })
    next = job.nextRun()
    job.stop()
  } catch (error) {
    throw refuse(`invalid cron expression "${expression}": ${errorMessage(error).replace(/^Cron\w*: /, '')}`, error)
  }
  if (next === null) {
    return `[motia] ${where}: cron expression "${expression}" never fires: no date from now on matches it (check the day of month against the month, and the year); the step will not run`
  }
  return undefined
}

// --- internal ---

/** `*\/n` or `0/n` (n > 0) → n; undefined for anything else. */
function stepOf(field: string): number | undefined {
  const step = /^(?:\*|0)\/(\d+)$/.exec(field)
  return step && Number(step[1]) > 0 ? Number(step[1]) : undefined
}

function isTimeZone(zone: unknown): boolean {
  if (typeof zone !== 'string' || zone === '') return false
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone })
    return true
  } catch {
    return false
  }
}
