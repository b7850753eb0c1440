/**
 * The `queue` trigger: consumes the (topic, step) queue of the configured adapter. Data is
 * validated against `input` again on delivery (a schema may have changed since the enqueue);
 * data that no longer fits goes straight to the dead-letter queue. Each delivery is one run of the
 * step, cut off after `config.timeoutMs`; a failed attempt logs one error line saying when the next
 * attempt runs and how many remain (or that the message goes to dead letters), and a dead-lettered
 * message logs one warning.
 */
import { ConfigError, NonRetriableError, errorMessage, isNonRetriable, toError } from '../errors.ts'
import { queueDefaults, type AttemptControl, type QueueMessage } from '../adapters/queue/types.ts'
import { defineTrigger } from '../plugin.ts'
import type { PendingRun, RunOptions } from '../types/runtime.ts'
import { finishedNow, maxTimerMs } from '../timeout.ts'
import { nextAttempt } from './queue-retry.ts'
import { compileSchema, formatIssues, isSchema } from '../step/schema.ts'
import type { QueueTriggerConfig } from '../types/context.ts'

export const queueTrigger = defineTrigger<QueueTriggerConfig>({
  type: 'queue',
  validate(trigger, step) {
    const where = `step "${step.name}" (${step.relativePath})`
    if (typeof trigger.topic !== 'string' || trigger.topic.length === 0) {
      throw new ConfigError(`[motia] ${where}: queue trigger needs a topic: set topic, or put the file under steps/queue/<topic>/`, { file: step.relativePath })
    }
    if (trigger.input !== undefined && !isSchema(trigger.input)) {
      throw new ConfigError(`[motia] ${where}: input must be a zod (Standard Schema) or JSON Schema object`, { file: step.relativePath })
    }
    const options = ['maxRetries', 'concurrency', 'visibilityTimeoutMs', 'timeoutMs', 'backoff', 'type']
    for (const key of Object.keys(trigger)) {
      if (['type', 'topic', 'input', 'config', 'index', 'condition'].includes(key)) continue
      const hint = options.includes(key) ? `queue options go in config, e.g. { type: 'queue', topic: '${trigger.topic}', config: { ${key}: ... } }` : 'a queue trigger takes topic, input and config'
      throw new ConfigError(`[motia] ${where}: unknown queue trigger field "${key}": ${hint}`, { file: step.relativePath })
    }
    const c = trigger.config ?? {}
    const bad = (field: string, rule: string) => new ConfigError(`[motia] ${where}: queue config.${field} must be ${rule}`, { file: step.relativePath })
    if (c.maxRetries !== undefined && !(Number.isInteger(c.maxRetries) && c.maxRetries >= 0)) throw bad('maxRetries', 'a whole number ≥ 0')
    if (c.concurrency !== undefined && !(Number.isInteger(c.concurrency) && c.concurrency >= 1)) throw bad('concurrency', 'a whole number ≥ 1')
    if (c.visibilityTimeoutMs !== undefined && !(c.visibilityTimeoutMs > 0)) throw bad('visibilityTimeoutMs', 'a positive number of ms')
    if (c.timeoutMs !== undefined && !(typeof c.timeoutMs === 'number' && c.timeoutMs > 0 && c.timeoutMs <= maxTimerMs)) {
      throw bad('timeoutMs', `a positive number of ms, at most ${maxTimerMs} (about 24 days)`)
    }
    if (c.timeoutMs !== undefined && c.visibilityTimeoutMs !== undefined && c.timeoutMs > c.visibilityTimeoutMs) {
      throw bad('timeoutMs', `at most config.visibilityTimeoutMs (${c.visibilityTimeoutMs}), or the message is delivered again while the first run still goes on: raise visibilityTimeoutMs or lower timeoutMs`)
    }
    if (c.backoff && !(['fixed', 'exponential'].includes(c.backoff.type) && c.backoff.delayMs >= 0)) {
      throw bad('backoff', "{ type: 'fixed' | 'exponential', delayMs: number ≥ 0 }")
    }
    if (c.type !== undefined && c.type !== 'standard' && c.type !== 'fifo') throw bad('type', "'standard' or 'fifo'")
  },
  async register(step, trigger, runtime) {
    const topic = trigger.topic!
    const c = trigger.config ?? {}
    const validate = trigger.input ? compileSchema(trigger.input) : undefined
    const logger = runtime.logger
    // The lease outlasts the run: a longer timeout lengthens the default visibility timeout.
    const visibilityTimeoutMs = c.visibilityTimeoutMs ?? Math.max(queueDefaults.visibilityTimeoutMs, c.timeoutMs ?? 0)
    const timeoutMs = c.timeoutMs ?? visibilityTimeoutMs
    const retries = { maxRetries: c.maxRetries ?? queueDefaults.maxRetries, backoff: c.backoff ?? queueDefaults.backoff }
    const failed = (message: QueueMessage, error: unknown) => {
      const next = nextAttempt(error, message.attempt, retries)
      const fields = { traceId: message.traceId, step: step.name, topic, attempt: message.attempt, messageId: message.id, ...next.fields }
      if (isNonRetriable(error)) logger.error(`[motia] step "${step.name}" refused a message on "${topic}": ${errorMessage(error)}; ${next.text}`, fields)
      else logger.error(`[motia] step "${step.name}" failed on "${topic}" (attempt ${message.attempt}): ${errorMessage(error)}; ${next.text}`, { ...fields, error: error as Error })
    }

    /** The slow way in: an asynchronous check of the data (`check`, when started), or the trigger's condition. */
    async function admitThenRun(message: QueueMessage, attempt: AttemptControl, check = validate?.(message.data)): Promise<void> {
      let data = message.data
      if (check) {
        const result = await check
        if (!result.ok) throw unfit(result.issues)
        data = result.value
      }
      // A message the trigger's condition turns down is acknowledged: it was handled by skipping it.
      const runOptions = trigger.condition
        ? await runtime.admit(step, trigger, data, { traceId: message.traceId, attempt: message.attempt })
        : { traceId: message.traceId, attempt: message.attempt }
      if (runOptions) await execute(data, runOptions, message, attempt)
    }

    /**
     * One run of the step on a delivered message. A handler that already finished (an async
     * handler that awaited nothing) is settled at once, without a promise of its own.
     */
    function execute(data: unknown, runOptions: RunOptions, message: QueueMessage, attempt: AttemptControl): Promise<void> {
      let run: PendingRun
      try {
        run = runtime.begin(step, trigger, data, runOptions)
      } catch (thrown) {
        // Handlers may throw null, strings or plain objects: the dead letter gets a readable message.
        const error = toError(thrown)
        failed(message, error)
        return Promise.reject(error)
      }
      const result = run.result
      if (finishedNow(result)) {
        run.succeed(Bun.peek(result))
        return settled
      }
      let abandoned = false
      // Cut off by the adapter: the span ends now, the run's own outcome no longer counts.
      attempt.onAbandon = (reason) => {
        abandoned = true
        run.fail(reason)
        failed(message, reason)
      }
      return Promise.resolve(result).then(
        (output) => run.succeed(output),
        (thrown: unknown) => {
          const error = toError(thrown)
          run.fail(error)
          if (!abandoned) failed(message, error)
          throw error
        },
      )
    }

    function unfit(issues: Parameters<typeof formatIssues>[0]): NonRetriableError {
      return new NonRetriableError(`message on "${topic}" does not match the input schema of "${step.name}": ${formatIssues(issues)}`)
    }

    return runtime.queue.consume(
      {
        topic,
        step: step.name,
        ...retries,
        visibilityTimeoutMs,
        timeoutMs,
        concurrency: c.concurrency ?? queueDefaults.concurrency,
        fifo: c.type === 'fifo',
        onDeadLetter: (letter) =>
          logger.warn(
            `[motia] step "${step.name}" dead-lettered a message on "${topic}" after ${letter.attempts} attempt(s): ${letter.error} (replay it with motia dlq replay ${letter.id})`,
            { traceId: letter.traceId, step: step.name, topic, attempts: letter.attempts, error: letter.error, messageId: letter.id },
          ),
      },
      (message, attempt) => {
        // A condition, or a schema that checks asynchronously, needs awaits; the common case none.
        if (trigger.condition) return admitThenRun(message, attempt)
        let data = message.data
        if (validate) {
          const checked = validate(data)
          if (checked instanceof Promise) return admitThenRun(message, attempt, checked)
          if (!checked.ok) return Promise.reject(unfit(checked.issues))
          data = checked.value
        }
        return execute(data, { traceId: message.traceId, attempt: message.attempt }, message, attempt)
      },
    )
  },
})

// --- internal ---

/** What a delivery that finished at once resolves with: one promise for all of them. */
const settled = Promise.resolve()
