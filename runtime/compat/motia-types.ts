/**
 * Motia's type names, mapped onto ours, so that step files written for Motia 1.0 (and the types
 * of 0.x files) compile unchanged: `ApiRequest`, `ApiResponse`, `StateTriggerInput`,
 * `TriggerCondition`, `ApiRouteConfig`, … Each is an alias or a thin view of one of our types;
 * docs/migrating-from-motia.md lists the mapping.
 */
import type { Schema } from '../step/schema.ts'
import type {
  CronInput,
  EnqueueDeclaration,
  FlowContext,
  HttpMethod,
  HttpRequest,
  HttpResponse,
  Middleware,
  StateChange,
  StepConfig,
} from '../step/types.ts'

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

/** Motia's `ApiRequest`: our `HttpRequest` (which has `pathParams`, `queryParams`, `body`, `headers`). */
export type ApiRequest<Body = unknown> = HttpRequest<Body>

/** Motia's `ApiResponse`. */
export type ApiResponse<Status extends number = number, Body = unknown> = HttpResponse<Status, Body>

/** Motia's `MotiaHttpArgs`: the `{ request, response }` pair, which our `HttpRequest` also is. */
export interface MotiaHttpArgs<Body = unknown> {
  request: MotiaRequest<Body>
  response: ResponseWriter
}

/** Motia's `ApiMiddleware`: our middleware. */
export type ApiMiddleware = Middleware

/** Motia's state-trigger input: our `StateChange`, which carries Motia's field names too. */
export type StateTriggerInput<T = unknown> = StateChange<T>

/** Motia's stream-trigger input (the stream trigger itself arrives with streams). */
export interface StreamTriggerInput<T = unknown> {
  type: 'stream'
  timestamp: number
  streamName: string
  groupId: string
  id: string
  event: { type: 'create' | 'update' | 'delete'; data: T }
}

/** What a `*.stream.ts` file exports as `config` (Motia's shape; see runtime/streams/types.ts). */
export type { StreamConfig } from '../streams/types.ts'

/** Motia's `Enqueue` declaration (a topic, or `{ topic, label, conditional }`). */
export type Enqueue = EnqueueDeclaration

/** Motia's `QueryParam`. */
export interface QueryParam {
  name: string
  description?: string
}

// --- Motia 0.x config shapes (deprecated there; mapped onto triggers at load) ---

interface LegacyBase {
  name: string
  description?: string
  flows?: readonly string[]
  emits?: readonly EnqueueDeclaration[]
  virtualEmits?: readonly EnqueueDeclaration[]
  virtualSubscribes?: readonly string[]
  includeFiles?: readonly string[]
}

/** Motia 0.x api step: `type: 'api'`. Loads as an http trigger (with a deprecation warning). */
export interface ApiRouteConfig extends LegacyBase {
  type: 'api'
  path: string
  method: HttpMethod
  bodySchema?: Schema
  responseSchema?: Readonly<Record<number, Schema>>
  queryParams?: readonly QueryParam[]
  middleware?: ReadonlyArray<Middleware>
}

/** Motia 0.x event step: `type: 'event'`. Loads as one queue trigger per subscribed topic. */
export interface EventConfig extends LegacyBase {
  type: 'event'
  subscribes: readonly string[]
  input?: Schema
}

/** Motia 0.x cron step: `type: 'cron'`. Loads as a cron trigger; its handler gets the context first. */
export interface CronConfig extends LegacyBase {
  type: 'cron'
  cron: string
}

/** Motia 0.x noop step: drawn in the flow graph, never run. */
export interface NoopConfig extends LegacyBase {
  type: 'noop'
}

/** Any Motia 0.x step config. */
export type LegacyStepConfig = ApiRouteConfig | EventConfig | CronConfig | NoopConfig

/** A Motia 1.0 step config, which is ours. */
export type MotiaStepConfig = StepConfig

// --- multi-trigger helpers (ctx.is, ctx.match) ---

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
