/**
 * Cron expressions as the `cron` trigger reads them: checked once at load (fields, nicknames,
 * time zone, whether the schedule can ever fire) and turned into croner options.
 */
import { Cron } from 'croner'
import { ConfigError, errorMessage } from '../errors.ts'
import type { CronTriggerConfig } from '../types/context.ts'

/** Nicknames croner expands (see docs/triggers/cron.md); any other `@…` is refused with this list. */
export const cronNicknames = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']

/** How long a cron run may take before it is cut off, unless the trigger sets `timeoutMs`. */
export const defaultCronTimeoutMs = 30_000

/**
 * croner options every cron trigger uses. `sloppyRanges` accepts Quartz-style steps (`0/30`,
 * `5/15`) as Motia does; `?` is always read as `*`.
 */
export function cronOptions(trigger: Pick<CronTriggerConfig, 'timezone'>): { timezone?: string; sloppyRanges: true } {
  return { timezone: trigger.timezone, sloppyRanges: true }
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
  let next: Date | null
  try {
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

function isTimeZone(zone: unknown): boolean {
  if (typeof zone !== 'string' || zone === '') return false
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone })
    return true
  } catch {
    return false
  }
}
