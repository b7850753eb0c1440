/**
 * Motia's type names, mapped onto ours, so that step files written for Motia 1.0 (and the types
 * of 0.x files) compile unchanged: `ApiRequest`, `ApiResponse`, `StateTriggerInput`,
 * `TriggerCondition`, `ApiRouteConfig`, … Each is an alias or a thin view of one of our types;
 * docs/migrating-from-motia.md lists the mapping.
 */
import type { Schema } from '../step/schema.ts'
import type { EnqueueMessage, HttpMethod, HttpResponse, Middleware, MotiaRequest, ResponseWriter, StateChange } from '../types/context.ts'
import type { EnqueueDeclaration, StepConfig } from '../step/types.ts'

/** Motia's `ApiRequest`: our `HttpRequest`, as an interface a project may add to (see types/context.ts). */
export type { ApiRequest } from '../types/context.ts'

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

/** What a `*.stream.ts` file exports as `config` (Motia's shape; see runtime/streams/types.ts). */
export type { StreamConfig } from '../streams/types.ts'

/** Motia's `Enqueue` declaration (a topic, or `{ topic, label, conditional }`). */
export type Enqueue = EnqueueDeclaration
/** Motia's name for the type of `enqueue`: `(message) => Promise<void>`. */
export type Enqueuer<TData = EnqueueMessage> = (message: TData) => Promise<void>

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

