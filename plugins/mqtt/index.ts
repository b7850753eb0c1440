/**
 * `motia/plugins/mqtt`: an `mqtt` trigger type on the `mqtt` package (mqtt.js), `ctx.mqtt.publish`
 * for steps, and `motia mqtt publish <topic> <payload>`.
 *
 * Delivery: each trigger has its own client and subscription. By default the subscription is
 * shared (`$share/motia-<Step>/<topic>`), so N instances of a project each take a share of the
 * messages, as queue steps do; `shared: false` gives every instance every message. A message is
 * handed to the step once the broker delivered it (MQTT acknowledges on receipt): a handler that
 * fails is logged, not retried. Use a queue or the amqp plugin for at-least-once work.
 * Clients reconnect on their own (every `reconnectMs`) and subscribe again.
 * The `mqtt` package is imported when the first trigger registers or the first publish happens.
 */
import { ConfigError, compileSchema, definePlugin, defineTrigger, errorMessage, type LoadedStep, type MotiaRuntime, type Schema } from 'motia'
import type { IClientOptions, MqttClient } from 'mqtt'
import { z } from 'zod'

export type MqttTrigger = {
  type: 'mqtt'
  /** Topic filter; `+` matches one level, `#` the rest. */
  topic: string
  qos?: 0 | 1 | 2
  /** Parse payloads as JSON (default true); false hands the step the payload as a string. */
  json?: boolean
  /** Share the subscription between instances (default true), or name the share group. */
  shared?: boolean | string
  /** Schema the payload must match; messages that do not are logged and dropped. */
  input?: Schema
}

/** Where the message came from, on `ctx.trigger.message` of an mqtt run. */
export interface MqttMessageInfo {
  topic: string
  qos: number
  retain: boolean
}

export interface MqttPublisher {
  /** Publishes `payload` (objects as JSON); resolves once the broker took it (qos ≥ 1) or it was sent. */
  publish(topic: string, payload: unknown, options?: { qos?: 0 | 1 | 2; retain?: boolean }): Promise<void>
}

declare module 'motia' {
  /** Steps may use `{ type: 'mqtt', … }` triggers, checked field by field; the handler's input is the `input` schema's type. */
  interface TriggerTypes {
    mqtt: MqttTrigger
  }
  interface PluginContext {
    /** Publishes to the MQTT broker of the mqtt plugin. */
    mqtt: MqttPublisher
  }
}

export const mqttOptionsSchema = z.object({
  url: z.string().regex(/^(mqtts?|wss?|tcp|tls):\/\//, 'must be a broker URL such as mqtt://localhost:1883'),
  username: z.string().optional(),
  password: z.string().optional(),
  /** Prefix of client ids (a random suffix is added per client). */
  clientId: z.string().optional(),
  reconnectMs: z.number().int().positive().optional(),
})

export type MqttOptions = Partial<z.input<typeof mqttOptionsSchema>>

const triggerSchema = z.object({
  type: z.literal('mqtt'),
  topic: z.string().min(1),
  qos: z.union([z.literal(0), z.literal(1), z.literal(2)]).optional(),
  json: z.boolean().optional(),
  shared: z.union([z.boolean(), z.string().regex(/^[^/+#]+$/, 'must be a group name without /, + or #')]).optional(),
})

/**
 * The mqtt plugin.
 *
 * @example
 * export default defineConfig({ plugins: [mqttPlugin({ url: process.env.MQTT_URL ?? 'mqtt://localhost:1883' })] })
 */
export function mqttPlugin(options: MqttOptions = {}) {
  const settings = { url: 'mqtt://localhost:1883', reconnectMs: 1000, ...options }
  let publisher: Promise<MqttClient> | undefined
  const clients = new Set<MqttClient>()

  const publishClient = (): Promise<MqttClient> => {
    publisher ??= connect(settings, 'pub').then((client) => (clients.add(client), client))
    return publisher
  }
  const publish: MqttPublisher['publish'] = async (topic, payload, opts = {}) => {
    const client = await publishClient()
    const body = typeof payload === 'string' || payload instanceof Uint8Array ? payload : JSON.stringify(payload)
    await client.publishAsync(topic, body as string, { qos: opts.qos ?? 0, retain: opts.retain ?? false })
  }

  const trigger = defineTrigger<MqttTrigger>({
    type: 'mqtt',
    schema: triggerSchema,
    validate(t, step) {
      const problem = topicProblem(t.topic)
      if (problem) throw new ConfigError(`[mqtt] step "${step.name}" (${step.relativePath}): topic "${t.topic}" ${problem}`, { file: step.relativePath })
    },
    async register(step, t, runtime) {
      const client = await connect(settings, step.name, runtime)
      clients.add(client)
      const filter = t.shared === false ? t.topic : `$share/${typeof t.shared === 'string' ? t.shared : `motia-${step.name}`}/${t.topic}`
      const validate = t.input ? compileSchema(t.input) : undefined
      client.on('message', (topic, buffer, packet) => {
        void deliver(runtime, step, t, validate, { topic, qos: packet.qos, retain: packet.retain }, buffer)
      })
      // mqtt.js subscribes again after a reconnect; `connect` fires for the first session too.
      const subscribe = () =>
        client.subscribe(filter, { qos: t.qos ?? 1 }, (error) => {
          if (error) runtime.logger.error(`[mqtt] step "${step.name}" could not subscribe to "${filter}": ${error.message}`)
          else runtime.logger.info(`[mqtt] step "${step.name}" subscribed to "${filter}"`, { step: step.name, topic: t.topic })
        })
      // Subscribes on every (re)connect: sessions are clean, so the broker forgot the last one.
      client.on('connect', subscribe)
      return async () => {
        clients.delete(client)
        await client.endAsync()
      }
    },
  })

  return definePlugin({
    name: 'mqtt',
    options: settings,
    optionsSchema: mqttOptionsSchema,
    triggers: [trigger],
    context: { mqtt: () => ({ publish }) satisfies MqttPublisher },
    commands: [
      {
        name: 'mqtt',
        description: 'publish to the MQTT broker: motia mqtt publish <topic> <payload>',
        usage: 'publish <topic> <payload>',
        async run(args, { log }) {
          const [verb, topic, payload] = args
          if (verb !== 'publish' || !topic || payload === undefined) throw new ConfigError('[mqtt] usage: motia mqtt publish <topic> <payload> (payload as JSON or text)')
          await publish(topic, parseJson(payload) ?? payload, { qos: 1 })
          log(`published to ${topic}`)
          for (const client of clients) await client.endAsync()
        },
      },
    ],
    async dispose() {
      await Promise.all([...clients].map((client) => client.endAsync(true)))
      clients.clear()
      publisher = undefined
    },
  })
}

export default mqttPlugin

// --- internal ---

async function connect(settings: MqttOptions & { url: string; reconnectMs: number }, role: string, runtime?: MotiaRuntime): Promise<MqttClient> {
  const mqtt = await import('mqtt')
  const clientOptions: IClientOptions = {
    clientId: `${settings.clientId ?? 'motia'}-${role}-${crypto.randomUUID().slice(0, 8)}`,
    username: settings.username,
    password: settings.password,
    reconnectPeriod: settings.reconnectMs,
    protocolVersion: 5,
    clean: true,
    resubscribe: false,
  }
  const client = mqtt.connect(settings.url, clientOptions)
  // Report each change of connection state once, not every reconnect attempt.
  let online = true
  client.on('offline', () => {
    if (online) runtime?.logger.warn(`[mqtt] ${role}: lost the broker at ${settings.url}; reconnecting every ${settings.reconnectMs} ms`)
    online = false
  })
  client.on('connect', () => {
    if (!online) runtime?.logger.info(`[mqtt] ${role}: reconnected to ${settings.url}`)
    online = true
  })
  client.on('error', (error) => runtime?.logger.warn(`[mqtt] ${role}: ${error.message}`))
  return client
}

async function deliver(
  runtime: MotiaRuntime,
  step: LoadedStep,
  trigger: MqttTrigger & { index: number },
  validate: ReturnType<typeof compileSchema> | undefined,
  message: MqttMessageInfo,
  buffer: Buffer,
): Promise<void> {
  const text = buffer.toString('utf8')
  let payload: unknown = text
  if (trigger.json !== false) {
    payload = parseJson(text)
    if (payload === undefined) {
      runtime.logger.warn(`[mqtt] step "${step.name}": message on "${message.topic}" is not JSON; dropped (set json: false to take text)`, { step: step.name, topic: message.topic })
      return
    }
  }
  if (validate) {
    const result = await validate(payload)
    if (!result.ok) {
      const issues = result.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ')
      runtime.logger.warn(`[mqtt] step "${step.name}": message on "${message.topic}" does not match its input schema (${issues}); dropped`, { step: step.name, topic: message.topic })
      return
    }
    payload = result.value
  }
  const traceId = runtime.startTrace(`mqtt ${message.topic}`, 'mqtt')
  try {
    await runtime.run(step, { ...trigger, message }, payload, { traceId })
  } catch (error) {
    runtime.logger.error(`[mqtt] step "${step.name}" failed on "${message.topic}": ${errorMessage(error)}`, { traceId, step: step.name, topic: message.topic })
  }
}

/** Why a topic filter is invalid, or undefined. */
function topicProblem(topic: string): string | undefined {
  const levels = topic.split('/')
  for (const [i, level] of levels.entries()) {
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) return 'uses # other than as the whole last level (a/b/#)'
    if (level.includes('+') && level !== '+') return 'uses + other than as a whole level (a/+/c)'
  }
  if (topic.startsWith('$share/')) return "is already a shared subscription: give the plain topic and set shared: '<group>'"
  return undefined
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
