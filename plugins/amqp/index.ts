/**
 * `motia/plugins/amqp`: an `amqp` trigger type on RabbitMQ (the `amqplib` package), and
 * `ctx.amqp.publish` / `ctx.amqp.sendToQueue` for steps.
 *
 * Delivery is at least once: a message is acknowledged only after the step's handler succeeded.
 * A handler that fails gets the message again, up to `maxRetries` more times (the copy carries
 * its attempt number in the `x-motia-attempt` header), then it is rejected: RabbitMQ dead-letters
 * it when the queue has a dead-letter exchange, else drops it (logged). A process that dies with
 * messages unacknowledged hands them back to the broker, which delivers them to another consumer.
 * Payloads that are not JSON or fail the trigger's `input` are rejected at once (never retried).
 * One connection per plugin, one channel per trigger (its `prefetch` bounds running handlers);
 * lost connections are reopened every `reconnectMs` and the consumers started again.
 * `amqplib` is imported when the first trigger registers or the first publish happens.
 */
import { MotiaError, compileSchema, definePlugin, defineTrigger, errorMessage, type LoadedStep, type MotiaRuntime, type Schema } from 'motia'
import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib'
import { z } from 'zod'

export type AmqpTrigger = {
  type: 'amqp'
  /** The queue to consume; declared (durable) when it does not exist. */
  queue: string
  /** Bind the queue to this exchange (declared as `exchangeType`, default topic). */
  exchange?: string
  exchangeType?: 'topic' | 'direct' | 'fanout'
  /** Binding key, default `#` (everything). */
  routingKey?: string
  /** Handlers running at once for this step (default 10). */
  prefetch?: number
  /** Redeliveries after a failed run (default 3). */
  maxRetries?: number
  /** Set on a queue this trigger declares: where rejected messages go. */
  deadLetterExchange?: string
  input?: Schema
}

export interface AmqpPublisher {
  /** Publishes to an exchange; resolves once the broker confirmed it. Objects are sent as JSON. */
  publish(exchange: string, routingKey: string, payload: unknown): Promise<void>
  /** Sends straight to a queue; resolves once the broker confirmed it. */
  sendToQueue(queue: string, payload: unknown): Promise<void>
}

declare module 'motia' {
  /** Steps may use `{ type: 'amqp', … }` triggers, checked field by field; the handler's input is the `input` schema's type. */
  interface TriggerTypes {
    amqp: AmqpTrigger
  }
  interface PluginContext {
    /** Publishes to RabbitMQ through the amqp plugin; continues the run's trace. */
    amqp: AmqpPublisher
  }
}

export const amqpOptionsSchema = z.object({
  url: z.string().regex(/^amqps?:\/\//, 'must be a broker URL such as amqp://localhost:5672'),
  reconnectMs: z.number().int().positive().optional(),
  /** How the connection is named in RabbitMQ's management UI and `rabbitmqctl list_connections`. */
  connectionName: z.string().min(1).optional(),
})

export type AmqpOptions = Partial<z.input<typeof amqpOptionsSchema>>

const triggerSchema = z.object({
  type: z.literal('amqp'),
  queue: z.string().min(1),
  exchange: z.string().min(1).optional(),
  exchangeType: z.enum(['topic', 'direct', 'fanout']).optional(),
  routingKey: z.string().optional(),
  prefetch: z.number().int().positive().optional(),
  maxRetries: z.number().int().min(0).optional(),
  deadLetterExchange: z.string().optional(),
})

const traceHeader = 'x-motia-trace-id'
const attemptHeader = 'x-motia-attempt'

/**
 * The amqp plugin.
 *
 * @example
 * export default defineConfig({ plugins: [amqpPlugin({ url: process.env.AMQP_URL ?? 'amqp://localhost:5672' })] })
 */
export function amqpPlugin(options: AmqpOptions = {}) {
  const settings = { url: 'amqp://localhost:5672', reconnectMs: 1000, ...options }
  const broker = createBroker(settings)

  const publisher = (traceId?: string): AmqpPublisher => ({
    async publish(exchange, routingKey, payload) {
      const channel = await broker.publishChannel()
      await confirmed(channel, (done) => channel.publish(exchange, routingKey, encode(payload), properties(traceId), done))
    },
    async sendToQueue(queue, payload) {
      const channel = await broker.publishChannel()
      await confirmed(channel, (done) => channel.sendToQueue(queue, encode(payload), properties(traceId), done))
    },
  })

  const trigger = defineTrigger<AmqpTrigger>({
    type: 'amqp',
    schema: triggerSchema,
    key: (t) => `amqp queue ${t.queue}`,
    register(step, t, runtime) {
      broker.logger = runtime.logger
      return broker.consume(async (connection) => {
        const channel = await connection.createChannel()
        // A channel error closes the channel; without a listener it would end the process.
        channel.on('error', (error: Error) => runtime.logger.warn(`[amqp] step "${step.name}": channel error on "${t.queue}": ${error.message}`))
        await channel.assertQueue(t.queue, { durable: true, ...(t.deadLetterExchange ? { deadLetterExchange: t.deadLetterExchange } : {}) })
        if (t.exchange) {
          await channel.assertExchange(t.exchange, t.exchangeType ?? 'topic', { durable: true })
          await channel.bindQueue(t.queue, t.exchange, t.routingKey ?? '#')
        }
        await channel.prefetch(t.prefetch ?? 10)
        const validate = t.input ? compileSchema(t.input) : undefined
        const { consumerTag } = await channel.consume(t.queue, (message) => {
          if (message) void handle(runtime, channel, step, t, validate, message)
        })
        runtime.logger.info(`[amqp] step "${step.name}" consumes queue "${t.queue}"`, { step: step.name, queue: t.queue })
        return async () => {
          await channel.cancel(consumerTag).catch(() => {})
          await channel.close().catch(() => {})
        }
      })
    },
  })

  return definePlugin({
    name: 'amqp',
    options: settings,
    optionsSchema: amqpOptionsSchema,
    triggers: [trigger],
    context: { amqp: (ctx) => publisher(ctx.traceId) },
    dispose: () => broker.close(),
  })
}

export default amqpPlugin

// --- internal ---

type Stop = () => Promise<void>

/** One connection, reopened when lost; consumers are started on it and again after a reconnect. */
function createBroker(settings: { url: string; reconnectMs: number; connectionName?: string }) {
  let connection: Promise<ChannelModel> | undefined
  let publishing: Promise<ConfirmChannel> | undefined
  let closing = false
  const consumers = new Map<(c: ChannelModel) => Promise<Stop>, Stop | undefined>()
  const broker = {
    logger: undefined as MotiaRuntime['logger'] | undefined,
    connect(): Promise<ChannelModel> {
      connection ??= open()
      return connection
    },
    publishChannel(): Promise<ConfirmChannel> {
      publishing ??= broker.connect().then(async (c) => {
        const channel = await c.createConfirmChannel()
        channel.on('error', (error: Error) => broker.logger?.warn(`[amqp] publish channel error: ${error.message}`))
        channel.on('close', () => (publishing = undefined))
        return channel
      })
      return publishing
    },
    async consume(start: (c: ChannelModel) => Promise<Stop>): Promise<Stop> {
      consumers.set(start, undefined)
      consumers.set(start, await start(await broker.connect()))
      return async () => {
        const stop = consumers.get(start)
        consumers.delete(start)
        await stop?.()
      }
    },
    async close() {
      closing = true
      const open = connection
      connection = undefined
      await (await open?.catch(() => undefined))?.close().catch(() => {})
    },
  }

  async function open(): Promise<ChannelModel> {
    const amqp = await import('amqplib')
    const c = await amqp.connect(settings.url, { clientProperties: { connection_name: settings.connectionName ?? 'motia' } })
    c.on('error', (error: Error) => broker.logger?.warn(`[amqp] connection error: ${error.message}`))
    c.on('close', () => {
      if (closing) return
      broker.logger?.warn(`[amqp] lost the broker at ${settings.url}; reconnecting every ${settings.reconnectMs} ms`)
      connection = undefined
      publishing = undefined
      void reconnect()
    })
    return c
  }

  async function reconnect(): Promise<void> {
    while (!closing) {
      await new Promise((r) => setTimeout(r, settings.reconnectMs))
      try {
        const c = await broker.connect()
        for (const start of consumers.keys()) consumers.set(start, await start(c))
        broker.logger?.info(`[amqp] reconnected to ${settings.url}`)
        return
      } catch {
        connection = undefined
      }
    }
  }

  return broker
}

async function handle(
  runtime: MotiaRuntime,
  channel: Channel,
  step: LoadedStep,
  trigger: AmqpTrigger & { index: number },
  validate: ReturnType<typeof compileSchema> | undefined,
  message: ConsumeMessage,
): Promise<void> {
  const headers = message.properties.headers ?? {}
  const attempt = Number(headers[attemptHeader] ?? 1)
  const fields = { step: step.name, queue: trigger.queue }
  let payload: unknown
  try {
    payload = JSON.parse(message.content.toString('utf8'))
  } catch {
    runtime.logger.warn(`[amqp] step "${step.name}": message on "${trigger.queue}" is not JSON; rejected`, fields)
    return settle(() => channel.nack(message, false, false))
  }
  if (validate) {
    const result = await validate(payload)
    if (!result.ok) {
      const issues = result.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ')
      runtime.logger.warn(`[amqp] step "${step.name}": message on "${trigger.queue}" does not match its input schema (${issues}); rejected`, fields)
      return settle(() => channel.nack(message, false, false))
    }
    payload = result.value
  }
  const traceId = typeof headers[traceHeader] === 'string' ? (headers[traceHeader] as string) : runtime.startTrace(`amqp ${trigger.queue}`, 'amqp')
  try {
    await runtime.run(step, { ...trigger, attempt, redelivered: message.fields.redelivered }, payload, { traceId })
    settle(() => channel.ack(message))
  } catch (error) {
    const maxRetries = trigger.maxRetries ?? 3
    if (attempt > maxRetries) {
      runtime.logger.error(
        `[amqp] step "${step.name}" failed on "${trigger.queue}" ${attempt} times: ${errorMessage(error)}; no attempts left (maxRetries ${maxRetries}): rejected, to the queue's dead-letter exchange if it has one, else dropped`,
        { ...fields, traceId, attemptsLeft: 0 },
      )
      return settle(() => channel.nack(message, false, false))
    }
    const left = maxRetries + 1 - attempt
    runtime.logger.warn(
      `[amqp] step "${step.name}" failed on "${trigger.queue}" (attempt ${attempt}): ${errorMessage(error)}; delivering again now, at the back of the queue (${left} attempt${left === 1 ? '' : 's'} left)`,
      { ...fields, traceId, attemptsLeft: left },
    )
    // A copy with the next attempt number goes to the back of the queue before the original is
    // acknowledged: a crash in between delivers twice, never zero times.
    try {
      channel.sendToQueue(trigger.queue, message.content, { ...message.properties, headers: { ...headers, [attemptHeader]: attempt + 1, [traceHeader]: traceId } })
      channel.ack(message)
    } catch {
      settle(() => channel.nack(message, false, true))
    }
  }
}

function encode(payload: unknown): Buffer {
  return payload instanceof Uint8Array ? Buffer.from(payload) : Buffer.from(JSON.stringify(payload))
}

/** Acks and nacks on a channel that closed meanwhile (shutdown, lost connection) are moot: the broker requeued the message. */
function settle(action: () => void): void {
  try {
    action()
  } catch {
    // the channel is gone
  }
}

function properties(traceId: string | undefined) {
  return { persistent: true, contentType: 'application/json', headers: traceId ? { [traceHeader]: traceId } : {} }
}

function confirmed(channel: ConfirmChannel, send: (done: (error: unknown) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => send((error) => (error ? reject(new MotiaError(`[amqp] the broker refused the message: ${errorMessage(error)}`, { code: 'AMQP_NACK' })) : resolve())))
}
