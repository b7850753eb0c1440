/**
 * What a run sees: the handler's context (`FlowContext`, with the members plugins add), the
 * trigger that fired (every trigger type's config), and the input and output of each trigger
 * type. These types name each other (a trigger's `condition` and `middleware` take the context;
 * the context names the trigger that fired and types `match` by the input), so they share a file.
 * Type-only: nothing here runs. The step config and handler inference build on it in
 * runtime/step/types.ts.
 */
import type { StateManager } from '../adapters/state/types.ts'
import type { Logger } from '../observability/logger.ts'
import type { Schema } from '../step/schema.ts'
import type { StreamsContext } from '../streams/types.ts'

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
  /** Motia's queue settings, mapped onto `config` at load (`visibilityTimeout` in seconds). */
  infrastructure?: QueueInfrastructure
  /** Runs the handler only when true; otherwise the message is acknowledged and skipped. */
  condition?: TriggerCondition
}

/** Motia 1.0's `infrastructure` of a queue trigger; `queue` is mapped onto our `config`, `handler` is not used. */
export interface QueueInfrastructure {
  handler?: { timeout?: number; ram?: number; cpu?: number }
  queue?: { type?: 'fifo' | 'standard'; maxRetries?: number; visibilityTimeout?: number; delaySeconds?: number }
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

/** A trigger of any type, as the runtime sees a plugin's: its type and whatever fields it has. */
export interface CustomTriggerConfig {
  type: string
  [option: string]: unknown
}

/**
 * The trigger types plugins add, by type name, with each one's config shape. A plugin declares
 * its trigger here (module augmentation), and steps may then use it: a step's triggers must be
 * of a built-in type or a declared one, and are checked as exactly (a misspelled field is a tsc
 * error, as for the built-in ones). A project that wants any type unchecked declares
 * `[type: string]: CustomTriggerConfig`.
 *
 * @example
 * declare module 'motia' {
 *   interface TriggerTypes { mqtt: MqttTrigger }
 * }
 */
export interface TriggerTypes {}

/** A trigger of a type some plugin declared in `TriggerTypes`. */
export type PluginTriggerConfig = TriggerTypes[keyof TriggerTypes]

export type TriggerConfig =
  | HttpTriggerConfig
  | QueueTriggerConfig
  | CronTriggerConfig
  | StateTriggerConfig
  | StreamTriggerConfig

/**
 * Motia's name for the http request, and the place to add to it: members a project declares
 * (`declare module 'motia' { interface ApiRequest<TBody = unknown> { user?: User } }`, e.g. for
 * what an auth middleware sets) appear on the request of every http handler.
 */
export interface ApiRequest<TBody = unknown> extends HttpRequest<TBody> {}

/** What an http handler receives (with what a project added to `ApiRequest`: see `step/types.ts`). */
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
 * Decides whether a trigger runs its handler: `(input, ctx) => boolean | Promise<boolean>`.
 * Accepted on every trigger type; a false answer skips the run (see each trigger's page).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a condition may narrow its input
export type TriggerCondition<Input = any> = (input: Input, ctx: FlowContext<any, any>) => boolean | Promise<boolean>

/** Motia's request object: what `({ request })` destructures in a Motia ≥ 1.0.3 handler. */
export interface MotiaRequest<Body = unknown, Query = Record<string, string | string[]>> {
  body: Body
  pathParams: Record<string, string>
  queryParams: Query
  headers: Record<string, string>
  method: string
  /** The request body as a byte stream (null when the body was read and parsed already). */
  requestBody: ReadableStream<Uint8Array> | null
}

/**
 * The imperative response of Motia ≥ 1.0.3. A handler that uses it returns nothing; what it wrote
 * is the response. `stream.write` sends a chunk as soon as the status and headers are known.
 */
export interface ResponseWriter {
  status(code: number): void
  headers(headers: Record<string, string>): void
  stream: { write(chunk: string | Uint8Array): boolean }
  close(): void
}

/** What a step with a `stream` trigger receives, as Motia names it (docs/triggers/stream.md). */
export interface StreamTriggerInput<T = unknown> {
  type: 'stream'
  timestamp: number
  streamName: string
  groupId: string
  id: string
  event: { type: 'create' | 'update' | 'delete'; data: T }
}

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
export interface Topics extends Enqueues {}

/**
 * Motia 1.0's name for `Topics` (its generated types fill `Enqueues`): topics added to either
 * type `enqueue` alike.
 */
export interface Enqueues {}

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
 * `TEnqueueData` is the topics it may enqueue to (or, as in Motia, a union of `{ topic, data }`);
 * `TInput` is the handler's input, which types `match`, `getData` and `is`. The type parameters
 * carry Motia's names, so `declare module 'motia' { interface FlowContext<TEnqueueData, TInput> { … } }`
 * merges as it does there.
 */
export interface FlowContext<TEnqueueData = never, TInput = unknown> extends PluginContext {
  enqueue(message: EnqueueMessage<TopicsOf<TEnqueueData>>): Promise<void>
  /** @deprecated Motia 0.x's name for `enqueue`. */
  emit(message: EnqueueMessage<TopicsOf<TEnqueueData>>): Promise<void>
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
  is: TriggerGuards<TInput>
  /** The payload whatever fired: an http body, queue data, a state or stream change; undefined for cron. */
  getData(): DataOf<TInput>
  /** Calls the function for the trigger that fired (or `default`); throws when none fits. */
  match<R = any>(handlers: MatchHandlers<TInput, R>): Promise<R | undefined>
  /** Which delivery of the message this run is: 1 on the first, 2 on the first retry. Always 1 outside queue triggers. */
  attempt: number
  /**
   * Durable checkpoint (workflow steps only, `workflow: true` in the config): runs `fn` once per
   * run and records its result; when the run resumes (after a sleep, a wait, a crash) the recorded
   * result is returned without running `fn` again. A thrown error is recorded too (after
   * `retries` more tries) and thrown again on replay. Results must be JSON. See docs/workflows.md.
   *
   * @example
   * const charge = await ctx.run('charge', () => payments.charge(order))
   */
  run<T>(id: string, fn: () => T | Promise<T>, options?: CheckpointOptions): Promise<Jsonified<Awaited<T>>>
  /**
   * Durable sleep (workflow steps only): the run is parked in the store, not in a timer, and
   * resumes after `duration` (`'15m'`, `'3d'`, milliseconds) or at a `Date`, across restarts.
   *
   * @example
   * await ctx.sleep('cool-off', '3d')
   */
  sleep(id: string, duration: Duration | Date): Promise<void>
  /**
   * Durable wait (workflow steps only): resumes when a message whose data holds every field of
   * `match` is enqueued on `topic` (listed in the step's `workflow.waitsFor`), by any step, HTTP or
   * the CLI; or, after `timeout`, with `{ ok: false, timedOut: true }`.
   *
   * @example
   * const shipped = await ctx.waitFor('shipment', { topic: 'shipment.confirmed', match: { orderId }, timeout: '2d' })
   * if (!shipped.ok) await ctx.run('refund', () => refund(orderId))
   */
  waitFor<Topic extends string>(id: string, options: WaitOptions<Topic>): Promise<WaitResult<Topic extends keyof Topics ? Topics[Topic] : unknown>>
  /** The durable run this execution belongs to (workflow steps only; undefined elsewhere). */
  runId?: string
}

/** A duration: milliseconds, or a number with a unit: `'500ms'`, `'30s'`, `'15m'`, `'2h'`, `'3d'`, `'1w'`. */
export type Duration = number | `${number}${'ms' | 's' | 'm' | 'h' | 'd' | 'w'}`

export interface CheckpointOptions {
  /** More tries after the first failure before the failure is recorded. Default 0. */
  retries?: number
}

export interface WaitOptions<Topic extends string = string> {
  topic: Topic
  /** Fields the message's data must hold, by name or dotted path (`'customer.id'`), compared as JSON. */
  match?: Record<string, unknown>
  /** How long to wait, or until when; no timeout when absent. */
  timeout?: Duration | Date
}

/** What `waitFor` resolves: the message's data, or a timeout. */
export type WaitResult<T = unknown> = { ok: true; data: T; timedOut?: false } | { ok: false; timedOut: true; data?: undefined }

/** What a value becomes once recorded as JSON and read back (dates become strings, functions vanish). */
export type Jsonified<T> = T extends Date
  ? string
  : T extends (...args: never[]) => unknown
    ? never
    : T extends readonly (infer U)[]
      ? Jsonified<U>[]
      : T extends object
        ? { [K in keyof T as T[K] extends (...args: never[]) => unknown ? never : K]: Jsonified<T[K]> }
        : T

/**
 * The durable primitives of one execution of a workflow run, as the engine (runtime/workflows/)
 * gives them to the context, which binds each to the execution's span.
 */
export interface DurableRun {
  readonly runId: string
  run(span: number, id: string, fn: () => unknown, options?: CheckpointOptions): Promise<unknown>
  sleep(span: number, id: string, duration: Duration | Date): Promise<void>
  waitFor(span: number, id: string, options: WaitOptions): Promise<WaitResult>
}

/** Topics from `FlowContext`'s first type parameter: topic names, or Motia's `{ topic, data }` union. */
// `never` is the default (Motia's, so augmentations merge): any topic. A step that lists no
// topics gets `NoTopics` (step/types.ts), which allows none.
type TopicsOf<E> = [E] extends [never] ? string : E extends NoTopics ? never : E extends string ? E : E extends { topic: infer T extends string } ? T : string

/** What `Handlers` gives a step whose config lists no topics: its `enqueue` accepts none. */
export interface NoTopics {
  readonly __motiaNoTopics: true
}

type DataOf<Input> = unknown extends Input ? unknown : Input extends HttpRequest<infer B, any> ? B : Input extends CronInput ? undefined : Input

/**
 * Members plugins add to every handler's context. Empty here: a plugin declares its members by
 * augmenting this interface, and `FlowContext` extends it.
 *
 * @example
 * declare module 'motia' {
 *   interface PluginContext { mqtt: { publish(topic: string, payload: unknown): Promise<void> } }
 * }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface PluginContext {}

type HttpOf<Input> = unknown extends Input ? HttpRequest : Extract<Input, HttpRequest<any, any>>
type StateOf<Input> = unknown extends Input ? StateChange : Extract<Input, StateChange<any>>
type StreamOf<Input> = unknown extends Input ? StreamTriggerInput : Extract<Input, StreamTriggerInput<any>>
type QueueOf<Input> = unknown extends Input ? unknown : Exclude<Input, HttpRequest<any, any> | StateChange<any> | StreamTriggerInput<any> | CronInput>

/** `ctx.is`: narrows the handler's input by the trigger that fired. */
export interface TriggerGuards<Input = unknown> {
  http(input: Input): input is HttpOf<Input> & Input
  queue(input: Input): input is QueueOf<Input> & Input
  cron(input: Input): input is Extract<Input, CronInput> & Input
  state(input: Input): input is StateOf<Input> & Input
  stream(input: Input): input is StreamOf<Input> & Input
}

/** `ctx.match`: one function per trigger type. Queue and cron results are ignored, as in Motia. */
export interface MatchHandlers<Input, R> {
  http?: (request: HttpOf<Input>) => Promise<R> | R
  queue?: (input: QueueOf<Input>) => unknown
  cron?: () => unknown
  state?: (input: StateOf<Input>) => Promise<R> | R
  stream?: (input: StreamOf<Input>) => Promise<R> | R
  default?: (input: Input) => Promise<R | undefined> | R | undefined
}
