import { describe, expect, test } from 'bun:test'
import { Cron } from 'croner'
import { ConfigError } from '../errors.ts'
import type { CronTriggerConfig } from '../types/context.ts'
import { checkCronTrigger, cronNicknames, cronOptions, nextTick, simplePeriod, zoneFree } from './cron-schedule.ts'

const check = (fields: Partial<CronTriggerConfig>) => checkCronTrigger({ type: 'cron', expression: '* * * * *', ...fields } as CronTriggerConfig, 'step "Job" (steps/cron/job.step.ts)', 'steps/cron/job.step.ts')
const refusal = (fields: Partial<CronTriggerConfig>): string => {
  try {
    check(fields)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return (error as ConfigError).message
  }
  throw new Error(`accepted ${JSON.stringify(fields)}`)
}
/** The next `count` runs after `from`, in UTC. */
const runs = (expression: string, count: number, from = new Date('2030-01-01T00:00:00Z')) =>
  new Cron(expression, { ...cronOptions({ timezone: 'UTC' }), paused: true }).nextRuns(count, from).map((d) => d.toISOString())

describe('cron expressions', () => {
  test('an unknown time zone is refused at load, naming the step and the fix', () => {
    expect(refusal({ timezone: 'Mars/Olympus' })).toBe(
      '[motia] step "Job" (steps/cron/job.step.ts): unknown timezone "Mars/Olympus": use an IANA zone such as "Europe/Paris", "America/New_York" or "UTC", or leave timezone out for the machine\'s zone',
    )
    expect(refusal({ timezone: '' })).toContain('unknown timezone ""')
    expect(refusal({ timezone: 42 as never })).toContain('unknown timezone 42')
    expect(check({ timezone: 'Europe/Paris' })).toBeUndefined()
    expect(check({ timezone: 'UTC' })).toBeUndefined()
  })

  test('every documented nickname loads and means what the docs say', () => {
    for (const nickname of cronNicknames) expect(check({ expression: nickname })).toBeUndefined()
    expect(check({ expression: '@DAILY' })).toBeUndefined()
    expect(runs('@daily', 2)).toEqual(['2030-01-02T00:00:00.000Z', '2030-01-03T00:00:00.000Z'])
    expect(runs('@midnight', 1)).toEqual(runs('@daily', 1))
    expect(runs('@hourly', 2)).toEqual(['2030-01-01T01:00:00.000Z', '2030-01-01T02:00:00.000Z'])
    // 2030-01-01 is a Tuesday: @weekly is Sunday midnight.
    expect(runs('@weekly', 1)).toEqual(['2030-01-06T00:00:00.000Z'])
    expect(runs('@monthly', 1)).toEqual(['2030-02-01T00:00:00.000Z'])
    expect(runs('@yearly', 1)).toEqual(['2031-01-01T00:00:00.000Z'])
    expect(runs('@annually', 1)).toEqual(runs('@yearly', 1))
  })

  test('a schedule that fires alike in every zone is computed in UTC, with the ticks it has in any zone', () => {
    const alike = ['* * * * *', '*/5 * * * *', '0/15 * * * *', '*/3 * * * ?', '*/30 * * * * *', '0 */15 * * * *', '* * * * * *', '* * * * * * *']
    // Quarter-hour offsets (Kathmandu +5:45, St John's -3:30), a half-hour daylight-saving change (Lord Howe), Paris' change on 2030-03-31.
    const zones = ['Asia/Kathmandu', 'America/St_Johns', 'Australia/Lord_Howe', 'Europe/Paris']
    const ticks = (expression: string, options: object, from: Date) => new Cron(expression, { ...options, paused: true }).nextRuns(100, from).map((d) => d.toISOString())
    for (const expression of alike) {
      expect(zoneFree(expression)).toBe(true)
      expect(cronOptions({ expression })).toEqual({ utcOffset: 0, sloppyRanges: true })
      for (const timezone of zones) {
        for (const from of [new Date('2030-03-31T00:55:00Z'), new Date('2030-04-06T15:01:30Z')]) {
          expect(ticks(expression, cronOptions({ expression }), from)).toEqual(ticks(expression, cronOptions({ expression, timezone }), from))
        }
      }
    }
    for (const expression of ['0 * * * *', '*/10 * * * *', '5/15 * * * *', '30 * * * *', '* 3 * * *', '* * 1 * *', '* * * 6 *', '* * * * 1', '0 * * * * * 2031', '@hourly', '* * *']) {
      expect(zoneFree(expression)).toBe(false)
    }
    expect(cronOptions({ expression: '0 3 * * *' })).toEqual({ timezone: undefined, sloppyRanges: true })
    expect(cronOptions({ expression: '* * * * *', timezone: 'Europe/Paris' })).toEqual({ timezone: 'Europe/Paris', sloppyRanges: true })
  })

  test('a plain period gives the ticks croner gives, from any moment', () => {
    const periods: Record<string, number> = {
      '* * * * *': 60_000,
      '*/5 * * * *': 300_000,
      '0/15 * * * *': 900_000,
      '*/3 * * * ?': 180_000,
      '*/30 * * * * *': 30_000,
      '0 */15 * * * *': 900_000,
      '* * * * * *': 1000,
      '* * * * * * *': 1000,
      '0/20 * * * * *': 20_000,
    }
    for (const [expression, period] of Object.entries(periods)) {
      expect(simplePeriod({ expression })).toBe(period)
      for (const from of [new Date('2030-03-31T00:55:00Z'), new Date('2030-04-06T15:01:30.250Z'), new Date('2030-04-06T15:15:00Z')]) {
        const ours: string[] = []
        for (let at = from.getTime(); ours.length < 50; ) ours.push(new Date((at = nextTick(at, period))).toISOString())
        expect(ours).toEqual(new Cron(expression, { ...cronOptions({ expression }), paused: true }).nextRuns(50, from).map((d) => d.toISOString()))
      }
    }
    // Croner's: other minutes or seconds, a zone, or seconds finer than a minute within a wider period.
    for (const expression of ['0 * * * *', '*/10 * * * *', '15 * * * * *', '*/30 */5 * * * *', '*/7 * * * * *', '@hourly', '0 3 * * *']) expect(simplePeriod({ expression })).toBeUndefined()
    expect(simplePeriod({ expression: '* * * * *', timezone: 'UTC' })).toBeUndefined()
  })

  test('other nicknames are refused with the list of known ones', () => {
    expect(refusal({ expression: '@reboot' })).toContain('unknown cron nickname "@reboot": use one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly')
    expect(refusal({ expression: '@every 5m' })).toContain('unknown cron nickname "@every 5m"')
  })

  test('Quartz-style steps and ? are accepted', () => {
    expect(check({ expression: '0/30 * * * * *' })).toBeUndefined()
    expect(check({ expression: '0 0/15 * * * ?' })).toBeUndefined()
    expect(check({ expression: '0 0 12 ? * MON-FRI' })).toBeUndefined()
    expect(runs('0/30 * * * * *', 3)).toEqual(['2030-01-01T00:00:30.000Z', '2030-01-01T00:01:00.000Z', '2030-01-01T00:01:30.000Z'])
    expect(runs('5/20 * * * *', 3)).toEqual(['2030-01-01T00:05:00.000Z', '2030-01-01T00:25:00.000Z', '2030-01-01T00:45:00.000Z'])
  })

  test('a schedule that can never fire is a warning, not an error', () => {
    expect(check({ expression: '0 0 30 2 *' })).toBe(
      '[motia] step "Job" (steps/cron/job.step.ts): cron expression "0 0 30 2 *" never fires: no date from now on matches it (check the day of month against the month, and the year); the step will not run',
    )
    expect(check({ expression: '0 0 31 4 *' })).toContain('never fires')
    expect(check({ expression: '0 0 12 1 1 * 2001' })).toContain('never fires')
    expect(check({ expression: '0 0 29 2 *' })).toBeUndefined()
  })

  test('wrong field counts, bad fields, timeouts and overlap flags are refused', () => {
    expect(refusal({ expression: '* * *' })).toContain('has 3 fields; use 5')
    expect(refusal({ expression: '61 * * * *' })).toContain('invalid cron expression "61 * * * *"')
    expect(refusal({ expression: '' })).toContain('cron trigger needs an expression')
    expect(refusal({ timeoutMs: 0 })).toContain('cron timeoutMs must be a positive number of milliseconds, got 0')
    expect(refusal({ timeoutMs: '5s' as never })).toContain('got "5s"')
    expect(refusal({ allowOverlap: 'yes' as never })).toContain('allowOverlap must be true or false')
  })
})
