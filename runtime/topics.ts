/**
 * Which steps subscribe to which topic, the check every enqueue passes before anything is sent
 * (the data must satisfy the input schema of every subscriber), and the publish itself: one copy
 * per subscribing step. `ctx.enqueue`, `runtime.enqueue` and the CLI's `motia enqueue` all publish
 * through `publishTo`.
 */
import { MotiaError, ValidationError } from './errors.ts'
import { checkPublishOptions, type QueueAdapter } from './adapters/queue/types.ts'
import type { Logger } from './observability/logger.ts'
import type { LoadedStep } from './discovery/loaded-step.ts'
import { closest } from './suggest.ts'
import { compileSchema, formatIssues, type Validate } from './step/schema.ts'
import type { EnqueueMessage, FiredTrigger, QueueTriggerConfig } from './types/context.ts'

export interface Subscriber {
  step: LoadedStep
  trigger: FiredTrigger
  validate?: Validate
  /** The queue the copy goes to, when it is not the step's own: a workflow step's wait queue. */
  queue?: string
}

export type TopicIndex = Map<string, Subscriber[]>

/** Indexes the queue triggers of `steps` by topic. */
export function indexTopics(steps: readonly LoadedStep[]): TopicIndex {
  const topics: TopicIndex = new Map()
  for (const step of steps) {
    for (const trigger of step.triggers) {
      if (trigger.type !== 'queue' || typeof trigger.topic !== 'string') continue
      const list = topics.get(trigger.topic) ?? []
      const input = (trigger as QueueTriggerConfig).input
      list.push({ step, trigger, validate: input ? compileSchema(input) : undefined })
      topics.set(trigger.topic, list)
    }
    // A workflow step hears the topics it waits for through a queue of its own (runtime/workflows/).
    const workflow = step.config.workflow
    const waitsFor = typeof workflow === 'object' && workflow !== null && Array.isArray(workflow.waitsFor) ? workflow.waitsFor : []
    for (const topic of waitsFor) {
      if (typeof topic !== 'string' || topic.length === 0) continue
      const list = topics.get(topic) ?? []
      list.push({ step, trigger: { type: 'queue', topic, index: -1 }, queue: waitQueue(step.name) })
      topics.set(topic, list)
    }
  }
  return topics
}

/** The queue (subscriber name) through which a workflow step hears a topic it waits for. */
export function waitQueue(step: string): string {
  return `${step}#wait`
}

/** The queue a subscriber's copies go to. */
export function queueOf(subscriber: Subscriber): string {
  return subscriber.queue ?? subscriber.step.name
}

/**
 * Publishes `message` (checked already: `checkEnqueueMessage`) to the queue of every step that
 * subscribes to its topic, once its data passed every subscriber's input schema; nothing is sent
 * when one refuses it. Resolves the subscribers' names; with none, a warning is logged and nothing
 * is sent.
 */
export function publishTo(topics: TopicIndex, queue: QueueAdapter, message: EnqueueMessage, traceId: string, logger: Logger): Promise<string[]> {
  const subscribers = topics.get(message.topic) ?? []
  if (subscribers.length === 0) {
    const near = closest(message.topic, topics.keys())
    const fix = near ? `did you mean "${near}" (subscribed by ${subscriberNames(topics, near)})? Enqueue { topic: '${near}' }` : `add a queue step for "${message.topic}"`
    logger.warn(`enqueue to "${message.topic}" reached no subscriber: ${fix}`, { traceId, topic: message.topic })
    return Promise.resolve([])
  }
  // Most topics have no input schema: no check, and no await (nor async frame) for one.
  if (subscribers.some((s) => s.validate)) return checkMessage(message.topic, subscribers, message.data).then(() => send(queue, subscribers, message, traceId))
  return send(queue, subscribers, message, traceId)
}

/** The refusal of an enqueue from outside a step (runtime, CLI) to a topic no step subscribes to. */
export function unknownTopic(topics: TopicIndex, topic: string): MotiaError {
  const near = closest(topic, topics.keys())
  const known = [...topics.keys()].join(', ') || 'none'
  const message = near ? `no step subscribes to topic "${topic}". Did you mean "${near}"? Known topics: ${known}` : `no step subscribes to topic "${topic}"; known topics: ${known}`
  return new MotiaError(`[motia] ${message}`, { code: 'UNKNOWN_TOPIC', status: 404 })
}

/** `step "A"` or `steps "A", "B"`: who subscribes to `topic`. */
export function subscriberNames(topics: TopicIndex, topic: string): string {
  const names = (topics.get(topic) ?? []).map((s) => `"${s.step.name}"`)
  return `${names.length === 1 ? 'step' : 'steps'} ${names.join(', ')}`
}

/**
 * Throws a `ValidationError` naming the first subscriber whose input schema rejects `data`. Its
 * status is 400, as documented: data an HTTP handler enqueues usually comes from the request, so
 * an uncaught rejection answers the client with what is wrong.
 */
export async function checkMessage(topic: string, subscribers: readonly Subscriber[], data: unknown): Promise<void> {
  for (const { step, validate } of subscribers) {
    if (!validate) continue
    const result = await validate(data)
    if (!result.ok) {
      throw new ValidationError(
        `[motia] enqueue to "${topic}" rejected by the input schema of step "${step.name}" (${step.relativePath}): ${formatIssues(result.issues)}`,
        result.issues,
      )
    }
  }
}

/**
 * Throws a 400 `MotiaError` naming the field, the value and the fix when `message` is not an
 * enqueue message: an object with a topic, a `delayMs` that is a finite number ≥ 0 and a
 * `messageGroupId` that is a string. Every way in (ctx.enqueue, runtime.enqueue, the CLI, the
 * control route) passes here before anything is validated or stored.
 */
export function checkEnqueueMessage(message: unknown): asserts message is EnqueueMessage {
  if (message === null || typeof message !== 'object' || Array.isArray(message)) {
    throw new MotiaError(`[motia] enqueue takes one message object, got ${message === null ? 'null' : Array.isArray(message) ? 'an array' : typeof message}: call enqueue({ topic: 'order-placed', data: { id: 1 } })`, {
      code: 'INVALID_ENQUEUE',
      status: 400,
    })
  }
  const { topic } = message as { topic?: unknown }
  if (typeof topic !== 'string' || topic.length === 0) {
    throw new MotiaError(`[motia] enqueue needs a topic (a non-empty string), got ${JSON.stringify(topic) ?? 'undefined'}: call enqueue({ topic: 'order-placed', data: { id: 1 } })`, {
      code: 'INVALID_ENQUEUE',
      status: 400,
    })
  }
  checkPublishOptions(topic, message)
}

// --- internal ---

/** One copy of `message` per subscriber; resolves their names once the queue accepted them. */
function send(queue: QueueAdapter, subscribers: readonly Subscriber[], message: EnqueueMessage, traceId: string): Promise<string[]> {
  const names = subscribers.map(queueOf)
  try {
    return queue.publish(message.topic, names, message.data, { traceId, messageGroupId: message.messageGroupId, delayMs: message.delayMs, id: message.id }).then(() => names)
  } catch (error) {
    return Promise.reject(error)
  }
}
