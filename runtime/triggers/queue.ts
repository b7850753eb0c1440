/**
 * The `queue` trigger: consumes the (topic, step) queue of the configured adapter. Data is
 * validated against `input` again on delivery (a schema may have changed since the enqueue);
 * data that no longer fits goes straight to the dead-letter queue.
 */
import { ConfigError, NonRetriableError, errorMessage, isNonRetriable } from '../errors.ts'
import { queueDefaults } from '../adapters/queue/types.ts'
import { defineTrigger } from '../plugin.ts'
import { compileSchema, formatIssues, isSchema } from '../step/schema.ts'
import type { QueueTriggerConfig } from '../step/types.ts'

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
    const options = ['maxRetries', 'concurrency', 'visibilityTimeoutMs', 'backoff', 'type']
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
    return runtime.queue.consume(
      {
        topic,
        step: step.name,
        maxRetries: c.maxRetries ?? queueDefaults.maxRetries,
        backoff: c.backoff ?? queueDefaults.backoff,
        visibilityTimeoutMs: c.visibilityTimeoutMs ?? queueDefaults.visibilityTimeoutMs,
        concurrency: c.concurrency ?? queueDefaults.concurrency,
        fifo: c.type === 'fifo',
      },
      async (message) => {
        let data = message.data
        if (validate) {
          const result = await validate(data)
          if (!result.ok) throw new NonRetriableError(`message on "${topic}" does not match the input schema of "${step.name}": ${formatIssues(result.issues)}`)
          data = result.value
        }
        try {
          await runtime.run(step, trigger, data, { traceId: message.traceId })
        } catch (error) {
          const fields = { traceId: message.traceId, step: step.name, topic, attempt: message.attempt, messageId: message.id }
          if (isNonRetriable(error)) logger.error(`[motia] step "${step.name}" refused a message on "${topic}": ${errorMessage(error)}`, fields)
          else logger.error(`[motia] step "${step.name}" failed on "${topic}" (attempt ${message.attempt}): ${errorMessage(error)}`, { ...fields, error: error as Error })
          throw error
        }
      },
    )
  },
})
