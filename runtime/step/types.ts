/**
 * The Step model: what a step file exports (`config`, `handler`) and the types that infer a
 * handler's input, output and allowed enqueues from its config.
 */
import type { PluginContext } from '../plugin.ts'
import type { InferSchema, InferSchemaInput, Schema } from './schema.ts'
import type { Logger } from '../observability/logger.ts'
import type { StateManager } from '../adapters/state/types.ts'
import type { StreamsContext } from '../streams/types.ts'
import type { MatchHandlers, MotiaRequest, ResponseWriter, StreamTriggerInput, TriggerCondition, TriggerGuards } from '../compat/motia-types.ts'

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS'

/** Queue delivery options of one subscribing step. */
export interface QueueOptions {
  /** Retries after the first attempt before the message is dead-lettered. Default 3. */
  maxRetries?: number
  /** Wait between attempts. Default exponential from 1000 ms. */
  backoff?: { type: 'fixed' | 'exponential'; delayMs: number }
  /**
   * How long one attempt may hold a message before it is delivered again. Default 30 000 ms, or
   * `timeoutMs` when that is longer.
   */
  visibilityTimeoutMs?: number
  /**
   * How long one run of the handler may take: then it is cut off, its slot freed, and the message
   * retried (dead-lettered with "timed out after N ms" after `maxRetries`). What the cut-off run
   * does later is ignored. Default: `visibilityTimeoutMs`.
   */
  timeoutMs?: number
  /** Handler runs in parallel for this step on one instance. Default 10 (1 per group for fifo). */
  concurrency?: number
  /** `fifo` keeps order per `messageGroupId`. Default `standard`. */
  type?: 'standard' | 'fifo'
}

export interface HttpTriggerConfig {
  type: 'http'
  /** Inferred from the file name under `steps/http/` when omitted. */
  method?: HttpMethod
  /** `/users/:id`. Inferred from the folder under `steps/http/` when omitted. */
  path?: string
  bodySchema?: Schema
  /**
   * Media types the body may have. Default `['application/json']` (which covers `…+json` too);
   * others get 415. JSON and `application/x-www-form-urlencoded` bodies are parsed into
   * `req.body`; other listed types are left unread, on `req.request`.
   */
  contentTypes?: readonly string[]
  /** A schema for the query object, or a list of documented parameters. */
  queryParams?: Schema | ReadonlyArray<{ name: string; description?: string; required?: boolean }>
  /** Response body schema per status code. */
  responseSchema?: Readonly<Record<number, Schema>>
  middleware?: ReadonlyArray<Middleware>
  /** Runs the handler only when true; otherwise the request gets 404 (see docs/triggers/http.md). */
  condition?: TriggerCondition
}

export interface QueueTriggerConfig {
  type: 'queue'
  /** Inferred from the folder under `steps/queue/` when omitted. */
  topic?: string
  input?: Schema
  config?: QueueOptions
  /** Runs the handler only when true; otherwise the message is acknowledged and skipped. */
  condition?: TriggerCondition
}

export interface CronTriggerConfig {
  type: 'cron'
  /** 5 fields, 6 with seconds first, 7 with a trailing year. */
  expression: string
  /** IANA zone, e.g. `Europe/Paris`. Default: the machine's zone. */
  timezone?: string
  /** Start a tick while the previous one still runs. Default false: the tick is skipped and logged. */
  allowOverlap?: boolean
  /** A run still going after this long is marked failed and no longer holds the next tick. Default 30 000. */
  timeoutMs?: number
  /** Runs the handler only when true; otherwise the tick is skipped. */
  condition?: TriggerCondition
}

export interface StateTriggerConfig {
  type: 'state'
  /** Only changes in this group. */
  group?: string
  condition?: TriggerCondition<StateChange>
}

export interface StreamTriggerConfig {
  type: 'stream'
  streamName?: string
  groupId?: string
  itemId?: string
  condition?: TriggerCondition
}

/** Trigger types of plugins outside the core. */
export interface CustomTriggerConfig {
  type: string
  [option: string]: unknown
}

export type TriggerConfig =
  | HttpTriggerConfig
  | QueueTriggerConfig
  | CronTriggerConfig
  | StateTriggerConfig
  | StreamTriggerConfig

export type EnqueueDeclaration = string | { readonly topic: string; readonly label?: string; readonly conditional?: boolean }

/** What a step file exports as `config`. */
export interface StepConfig {
  /** Unique in the project. Defaults to the file name in PascalCase. */
  name?: string
  description?: string
  flows?: readonly string[]
  triggers?: ReadonlyArray<TriggerConfig | CustomTriggerConfig>
  /** Topics this step may enqueue to. */
  enqueues?: readonly EnqueueDeclaration[]
  /** Documents state groups, topics or other steps this step touches, for the flow graph. */
  virtualEnqueues?: readonly EnqueueDeclaration[]
  /** Topics this step is drawn as listening to in the flow graph, without a queue trigger. */
  virtualSubscribes?: readonly string[]
  /** Files the step reads at run time (Motia bundles them; here they are read from disk as they are). */
  includeFiles?: readonly string[]
}

/**
 * Types a step's config while keeping its literal types, so `Handlers<typeof config>` can infer.
 * Same as writing `as const satisfies StepConfig`.
 *
 * @example
 * export const config = defineStep({ triggers: [{ type: 'queue', topic: 'user-created' }] })
 */
export function defineStep<const C extends StepConfig>(config: C): C {
  return config
}

// --- handler input and output ---

/** What an http handler receives. */
export interface HttpRequest<Body = unknown, Query = Record<string, string | string[]>> {
  body: Body
  params: Record<string, string>
  query: Query
  /** Motia's name for `params`. */
  pathParams: Record<string, string>
  /** Motia's name for `query`. */
  queryParams: Query
  headers: Record<string, string>
  method: string
  path: string
  /** The raw Fetch request, for what the fields above do not cover. */
  raw: Request
  /** Motia (≥ 1.0.3) handlers destructure `({ request, response })`: this same request, seen as Motia's. */
  request: MotiaRequest<Body, Query>
  /** The imperative response writer of Motia ≥ 1.0.3 (status, headers, stream, close). */
  response: ResponseWriter
}

/** A server-sent event, as yielded by a streaming http handler. */
export interface ServerSentEvent {
  event?: string
  id?: string
  data: unknown
  retry?: number
}

/** What an http handler returns. `body` may be an async iterable to stream server-sent events. */
export interface HttpResponse<Status extends number = number, Body = unknown> {
  status: Status
  headers?: Record<string, string>
  body?: Body | AsyncIterable<ServerSentEvent | string>
}

/** A state change, under our names and Motia's (`group_id`, `item_id`, `old_value`, `new_value`). */
export interface StateChange<T = unknown> {
  event: 'created' | 'updated' | 'deleted'
  group: string
  key: string
  oldValue: T | undefined
  newValue: T | undefined
  /** Motia: always `'state'`. */
  type: 'state'
  group_id: string
  item_id: string
  old_value: T | undefined
  new_value: T | undefined
}

export interface CronInput {
  /** When the tick was due. */
  scheduledAt: Date
}

/** The trigger that fired, after folder conventions were merged in. */
export type FiredTrigger = (TriggerConfig | CustomTriggerConfig) & { index: number }

export type Middleware = (
  req: HttpRequest,
  ctx: FlowContext,
  next: () => Promise<HttpResponse>,
) => Promise<HttpResponse>

/**
 * Topic → message data, across the whole project. Empty here; the `types.d.ts` that
 * `motia generate types` writes (and `motia dev` keeps current) fills it in by module
 * augmentation, so `enqueue` checks `data` against the input schemas of the topic's subscribers.
 * A topic it does not list takes any data.
 *
 * @example
 * declare module 'motia' {
 *   interface Topics {
 *     'user-created': QueueInput<typeof import('./steps/queue/user-created/welcome.step.ts').config, 0>
 *   }
 * }
 */
export interface Topics {}

/**
 * The data the queue trigger `config.triggers[Index]` of a step accepts: the input type of its
 * `input` schema, so fields with defaults stay optional; `unknown` without a Standard Schema (or
 * when `Config` is `any`, as for a JavaScript step the compiler does not read). Unions of trigger
 * shapes (a config without `as const`) are narrowed to the members that have an `input`.
 */
export type QueueInput<Config, Index extends number> = Config extends { triggers: infer T extends ReadonlyArray<unknown> }
  ? InputOf<Extract<T[Index], { input: unknown }>>
  : unknown

type InputOf<Trigger> = [Trigger] extends [never] ? unknown : Trigger extends { input: infer S } ? InferSchemaInput<S> : unknown

/** One message to enqueue; `data` is typed per topic once `Topics` knows the topic. */
export type EnqueueMessage<Topic extends string = string> = Topic extends unknown
  ? {
      topic: Topic
      data: Topic extends keyof Topics ? Topics[Topic] : unknown
      /** Order key for fifo topics. */
      messageGroupId?: string
      /** Deliver no sooner than this many ms from now. */
      delayMs?: number
      /**
       * Idempotency key: enqueues with the same id within a day store one copy per subscriber, so
       * a caller may retry after an ambiguous failure (a 503, a timeout). 1–256 characters.
       */
      id?: string
    }
  : never

/**
 * The second argument of every handler, the same for every trigger type and language.
 * `E` is the topics it may enqueue to (or, as in Motia, a union of `{ topic, data }`); `Input` is
 * the handler's input, which types `match`, `getData` and `is`.
 */
export interface FlowContext<E = string, Input = unknown> extends PluginContext {
  enqueue(message: EnqueueMessage<TopicsOf<E>>): Promise<void>
  /** @deprecated Motia 0.x's name for `enqueue`. */
  emit(message: EnqueueMessage<TopicsOf<E>>): Promise<void>
  state: StateManager
  /** `streams.<name>`: get, set, update, delete, getGroup/list, listGroups, send (see docs/streams.md). */
  streams: StreamsContext
  logger: Logger
  traceId: string
  /** Which trigger fired (for steps with several). */
  trigger: FiredTrigger
  flows: readonly string[]
  /** This step's name. */
  step: string
  /** Type guards on the input by the trigger that fired: `if (ctx.is.http(input)) input.body`. */
  is: TriggerGuards<Input>
  /** The payload whatever fired: an http body, queue data, a state or stream change; undefined for cron. */
  getData(): DataOf<Input>
  /** Calls the function for the trigger that fired (or `default`); throws when none fits. */
  match<R = any>(handlers: MatchHandlers<Input, R>): Promise<R | undefined>
  /** Which delivery of the message this run is: 1 on the first, 2 on the first retry. Always 1 outside queue triggers. */
  attempt: number
}

/** Topics from `FlowContext`'s first type parameter: topic names, or Motia's `{ topic, data }` union. */
type TopicsOf<E> = [E] extends [never] ? never : E extends string ? E : E extends { topic: infer T extends string } ? T : string

type DataOf<Input> = unknown extends Input ? unknown : Input extends HttpRequest<infer B, any> ? B : Input extends CronInput ? undefined : Input

type TriggersOf<C> = C extends { triggers: ReadonlyArray<infer T> } ? T : never

type QueryOf<T> = T extends { queryParams: infer Q }
  ? Q extends Schema
    ? Q extends ReadonlyArray<unknown> ? Record<string, string | string[]> : InferSchema<Q>
    : Record<string, string | string[]>
  : Record<string, string | string[]>

type InputOfTrigger<T> = T extends { type: 'http' }
  ? HttpRequest<T extends { bodySchema: infer B } ? InferSchema<B> : unknown, QueryOf<T>>
  : T extends { type: 'queue' }
    ? T extends { input: infer I } ? InferSchema<I> : unknown
    : T extends { type: 'cron' }
      ? CronInput
      : T extends { type: 'state' }
        ? StateChange
        : T extends { type: 'stream' }
          ? StreamTriggerInput
          : unknown

type ResponseOf<T> = T extends { responseSchema: infer R }
  ? { [S in keyof R & number]: HttpResponse<S, InferSchema<R[S]>> }[keyof R & number]
  : HttpResponse

type OutputOfTrigger<T> = T extends { type: 'http' } ? ResponseOf<T> : void

/** An http step answers with a response; any other step may return a value, which is ignored. */
type OutputOf<T> = [Extract<T, { type: 'http' }>] extends [never] ? AnyValue : OutputOfTrigger<T>

/** Any value, spelled with `void` so that a handler returning nothing needs no `return` (JSDoc too). */
type AnyValue = void | {} | null

type TopicOf<E> = E extends string ? E : E extends { topic: infer T extends string } ? T : never

/** Topics a config may enqueue to. */
export type EnqueueTopics<C> = C extends { enqueues: ReadonlyArray<infer E> } ? TopicOf<E> : never

/** What the handler receives for this config (a union for multi-trigger steps). */
export type HandlerInput<C> = InputOfTrigger<TriggersOf<C>>

/** What the handler must return for this config. */
export type HandlerOutput<C> = OutputOf<TriggersOf<C>>

/**
 * The type of a step's handler, inferred from its config: the http body from `bodySchema`, queue
 * data from `input`, the response from `responseSchema`, and `enqueue` limited to `enqueues`.
 *
 * @example
 * export const handler: Handlers<typeof config> = async (req, { enqueue }) => {
 *   await enqueue({ topic: 'user-created', data: req.body })
 *   return { status: 201, body: { ok: true } }
 * }
 */
export type Handlers<C extends StepConfig> = (
  input: HandlerInput<C>,
  ctx: FlowContext<EnqueueTopics<C>, HandlerInput<C>>,
) => Promise<HandlerOutput<C>> | HandlerOutput<C>

/** A handler seen from the runtime, with nothing inferred. */
export type AnyHandler = (input: unknown, ctx: FlowContext) => unknown
