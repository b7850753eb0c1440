/**
 * The `cron` trigger, scheduled by croner (or, for a plain period such as every minute, by a timer
 * of its own: cron-schedule.ts `simplePeriod`): 5 fields, 6 with seconds, 7 with a year, or a nickname
 * (`@daily`, …). A tick that finds the previous run of the same step still going is skipped (and
 * logged) unless `allowOverlap` is set. A run is cut off after `timeoutMs` (default 30 s): it is
 * traced as failed and the step is free for its next tick, so one hung run never stops a schedule.
 */
import type { Cron } from 'croner'
import { MotiaError, toError } from '../errors.ts'
import { defineTrigger } from '../plugin.ts'
import type { LoadedStep } from '../discovery/loaded-step.ts'
import type { MotiaRuntime, PendingRun } from '../types/runtime.ts'
import type { CronTriggerConfig, FiredTrigger } from '../types/context.ts'
import { checkCronTrigger, cronOptions, defaultCronTimeoutMs, loadCron, nextTick, simplePeriod } from './cron-schedule.ts'

export const cronTrigger = defineTrigger<CronTriggerConfig>({
  type: 'cron',
  validate(trigger, step) {
    checkCronTrigger(trigger, `step "${step.name}" (${step.relativePath})`, step.relativePath)
  },
  register(step, trigger, runtime) {
    const warning = checkCronTrigger(trigger, `step "${step.name}" (${step.relativePath})`, step.relativePath)
    if (warning) runtime.logger.warn(warning, { step: step.name })
    const timeoutMs = trigger.timeoutMs ?? defaultCronTimeoutMs
    // The tick whose run is still going, when overlap is not allowed.
    let busy: Date | undefined
    const tick = (scheduledAt: Date) => {
      if (busy && !trigger.allowOverlap) {
        runtime.logger.warn(
          `[motia] cron step "${step.name}" skipped its tick of ${scheduledAt.toISOString()}: the run of ${busy.toISOString()} is still going (set allowOverlap: true to run ticks side by side, or a lower timeoutMs)`,
          { step: step.name, scheduledAt: scheduledAt.toISOString() },
        )
        return
      }
      const mine = scheduledAt
      busy = mine
      void runTick(step, trigger, runtime, scheduledAt, timeoutMs).finally(() => {
        if (busy === mine) busy = undefined
      })
    }
    const period = simplePeriod(trigger)
    if (period !== undefined) return every(period, tick)
    const Cron = loadCron()
    const job = new Cron(trigger.expression, cronOptions(trigger), (self: Cron) => {
      // Ticks fall on whole seconds; croner reports the moment the callback started (with ms) when no zone is set.
      tick(new Date(Math.floor((self.currentRun() ?? new Date()).getTime() / 1000) * 1000))
    })
    return () => job.stop()
  },
})

// --- internal ---

/**
 * Calls `tick` at every multiple of `periodMs` (a `simplePeriod` schedule), as croner would: a
 * timer that fires early waits for its moment, and ticks missed while the process was busy are
 * skipped, not caught up. Returns the function that stops it.
 */
function every(periodMs: number, tick: (scheduledAt: Date) => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined
  let stopped = false
  const schedule = (at: number) => {
    timer = setTimeout(() => {
      if (stopped) return
      if (Date.now() < at) return schedule(at)
      tick(new Date(at))
      schedule(nextTick(Math.max(at, Date.now()), periodMs))
    }, at - Date.now())
  }
  schedule(nextTick(Date.now(), periodMs))
  return () => {
    stopped = true
    clearTimeout(timer)
  }
}

type Outcome = { ok: true; output: unknown } | { ok: false; error: unknown } | 'timeout'

/** One tick: a trace, a span, and an outcome within `timeoutMs`. Never throws. */
async function runTick(step: LoadedStep, trigger: CronTriggerConfig, runtime: MotiaRuntime, scheduledAt: Date, timeoutMs: number): Promise<void> {
  if (runtime.cronLock && !(await claimTick(runtime, step, scheduledAt))) return
  const traceId = runtime.startTrace(`cron ${step.name}`, 'cron')
  const fields = { traceId, step: step.name, scheduledAt: scheduledAt.toISOString() }
  const failed = (error: Error) => runtime.logger.error(`[motia] cron step "${step.name}" failed: ${error.message}`, { ...fields, error })
  const input = { scheduledAt }
  let pending: PendingRun
  try {
    const runOptions = await runtime.admit(step, trigger as FiredTrigger, input, { traceId })
    if (!runOptions) return
    pending = runtime.begin(step, trigger as FiredTrigger, input, runOptions)
  } catch (thrown) {
    // `begin` has failed the run already; a condition that throws is reported the same way.
    return failed(toError(thrown))
  }
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs)
    timer.unref?.()
  })
  const settled = Promise.resolve(pending.result).then(
    (output): Outcome => ({ ok: true, output }),
    (error): Outcome => ({ ok: false, error }),
  )
  const outcome = await Promise.race([settled, deadline])
  clearTimeout(timer)
  if (outcome === 'timeout') {
    // JavaScript cannot stop the handler: its span ends now and whatever it does later is ignored.
    const error = new MotiaError(`timed out after ${timeoutMs} ms`, { code: 'TIMEOUT' })
    pending.fail(error)
    runtime.logger.error(`[motia] cron step "${step.name}" timed out after ${timeoutMs} ms: the run is marked failed and the next tick may start (raise timeoutMs for longer jobs)`, fields)
  } else if (outcome.ok) {
    pending.succeed(outcome.output)
  } else {
    const error = toError(outcome.error)
    pending.fail(error)
    failed(error)
  }
}

/** With several instances, the one whose claim wins runs the tick; when the claim fails, nobody here does. */
async function claimTick(runtime: MotiaRuntime, step: LoadedStep, scheduledAt: Date): Promise<boolean> {
  try {
    return await runtime.cronLock!.claim(step.name, scheduledAt.getTime())
  } catch (error) {
    runtime.logger.warn(`[motia] cron step "${step.name}" skipped its tick of ${scheduledAt.toISOString()}: ${toError(error).message}`, { step: step.name })
    return false
  }
}
