/**
 * The `cron` trigger, scheduled by croner: 5 fields, 6 with seconds, 7 with a year. A tick that
 * finds the previous run of the same step still going is skipped unless `allowOverlap` is set.
 */
import { Cron } from 'croner'
import { ConfigError, errorMessage } from '../errors.ts'
import { defineTrigger } from '../plugin.ts'
import type { CronTriggerConfig } from '../step/types.ts'

export const cronTrigger = defineTrigger<CronTriggerConfig>({
  type: 'cron',
  validate(trigger, step) {
    const where = `step "${step.name}" (${step.relativePath})`
    if (typeof trigger.expression !== 'string') {
      throw new ConfigError(`[motia] ${where}: cron trigger needs an expression, e.g. { type: 'cron', expression: '0 3 * * *' }`, { file: step.relativePath })
    }
    const fields = trigger.expression.trim().split(/\s+/).length
    // Nicknames (@daily, @hourly, …) are one field; croner validates them below.
    if (!trigger.expression.trim().startsWith('@') && (fields < 5 || fields > 7)) {
      throw new ConfigError(`[motia] ${where}: cron expression "${trigger.expression}" has ${fields} fields; use 5 (min hour day month weekday), 6 (seconds first) or 7 (year last)`, {
        file: step.relativePath,
      })
    }
    try {
      new Cron(trigger.expression, { paused: true, timezone: trigger.timezone }).stop()
    } catch (error) {
      throw new ConfigError(`[motia] ${where}: invalid cron expression "${trigger.expression}": ${errorMessage(error)}`, { file: step.relativePath, cause: error })
    }
  },
  register(step, trigger, runtime) {
    const job = new Cron(trigger.expression, { timezone: trigger.timezone, protect: !trigger.allowOverlap }, async (self: Cron) => {
      const scheduledAt = self.currentRun() ?? new Date()
      const traceId = runtime.startTrace(`cron ${step.name}`, 'cron')
      try {
        await runtime.run(step, trigger, { scheduledAt }, { traceId })
      } catch (error) {
        runtime.logger.error(`[motia] cron step "${step.name}" failed: ${errorMessage(error)}`, { traceId, step: step.name, error: error as Error })
      }
    })
    return () => job.stop()
  },
})
