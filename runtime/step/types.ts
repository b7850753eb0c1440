/**
 * The Step model: what a step file exports (`config`, `handler`) and the types that infer a
 * handler's input, output and allowed enqueues from its config. The trigger configs and the
 * context they name live in runtime/types/context.ts.
 */
import type { InferSchema, InferSchemaInput, Schema } from './schema.ts'
import type { ApiRequest, NoTopics, CronInput, FlowContext, HttpRequest, HttpResponse, PluginTriggerConfig, StateChange, StreamTriggerInput, TriggerConfig } from '../types/context.ts'

export type EnqueueDeclaration = string | { readonly topic: string; readonly label?: string; readonly conditional?: boolean }

/** What a step file exports as `config`. */
export interface StepConfig {
  /** Unique in the project. Defaults to the file name in PascalCase. */
  name?: string
  description?: string
  flows?: readonly string[]
  /**
   * The built-in trigger types, and those plugins declare in `TriggerTypes`; each is checked
   * exactly, so a misspelled field (`expresion`) is a tsc error.
   */
  triggers?: ReadonlyArray<TriggerConfig | PluginTriggerConfig>
  /** Topics this step may enqueue to. */
  enqueues?: readonly EnqueueDeclaration[]
  /** Documents state groups, topics or other steps this step touches, for the flow graph. */
  virtualEnqueues?: readonly EnqueueDeclaration[]
  /** Topics this step is drawn as listening to in the flow graph, without a queue trigger. */
  virtualSubscribes?: readonly string[]
  /** Files the step reads at run time (Motia bundles them; here they are read from disk as they are). */
  includeFiles?: readonly string[]
  /**
   * Makes the step a durable workflow: each trigger starts a run (an http trigger answers 202 with
   * its `runId`) that the handler executes with `ctx.run`, `ctx.sleep` and `ctx.waitFor`, and that
   * survives restarts. See docs/workflows.md.
   */
  workflow?: boolean | WorkflowOptions
}

/** A workflow step's options (`workflow: { … }` in its config). */
export interface WorkflowOptions {
  /** Topics `ctx.waitFor` may wait on: a message enqueued on one of them is checked against the waits. */
  waitsFor?: readonly string[]
  /** Checkpoints (runs, sleeps and waits) one run may record. Default 1000. */
  maxCheckpoints?: number
  /** Largest checkpoint result, in bytes of JSON. Default 262 144 (256 KiB). */
  maxResultBytes?: number
  /** Executions of this step's runs in parallel on one instance. Default 10. */
  concurrency?: number
  /** How long one execution (start to the next sleep, wait or end) may take before it is cut off and retried. Default 600 000 (10 min). */
  timeoutMs?: number
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

type TriggersOf<C> = C extends { triggers: ReadonlyArray<infer T> } ? T : never

type QueryOf<T> = T extends { queryParams: infer Q }
  ? Q extends Schema
    ? Q extends ReadonlyArray<unknown> ? Record<string, string | string[]> : InferSchema<Q>
    : Record<string, string | string[]>
  : Record<string, string | string[]>

/** What a project added to `ApiRequest` (module augmentation); `{}` when nothing. */
type ApiRequestAdditions<B> = Omit<ApiRequest<B>, keyof HttpRequest>

type HttpInput<B, Q> = keyof ApiRequestAdditions<B> extends never ? HttpRequest<B, Q> : HttpRequest<B, Q> & ApiRequestAdditions<B>

type InputOfTrigger<T> = T extends { type: 'http' }
  ? HttpInput<T extends { bodySchema: infer B } ? InferSchema<B> : unknown, QueryOf<T>>
  : T extends { type: 'queue' }
    ? T extends { input: infer I } ? InferSchema<I> : unknown
    : T extends { type: 'cron' }
      ? CronInput
      : T extends { type: 'state' }
        ? StateChange
        : T extends { type: 'stream' }
          ? StreamTriggerInput
          : PluginInput<T>

/** A plugin trigger's input: what its `input` schema lets through (the plugin validates with it), else unknown. */
type PluginInput<T> = T extends { input: infer I } ? (unknown extends I ? unknown : InferSchema<I>) : unknown

// The declared responses are listed for editors, but any response type-checks, as in Motia (its
// handlers return `ApiResponse<number, any>`): a status the schema leaves out (a 400 from a check
// in the handler) is common in Motia's own projects. At run time a declared status's body is
// still checked against its schema (a mismatch answers 500 and logs why).
type ResponseOf<T> = T extends { responseSchema: infer R }
  ? { [S in keyof R & number]: HttpResponse<S, InferSchema<R[S]>> }[keyof R & number] | HttpResponse
  : HttpResponse

// `void`: a Motia ≥ 1.0.3 handler answers through `response` and returns nothing (an http request
// left with no answer at all gets a 204, or a 500 when ctx.match found no handler).
type OutputOfTrigger<T> = T extends { type: 'http' } ? ResponseOf<T> | void : void

/** An http step answers with a response; any other step may return a value, which is ignored. */
type OutputOf<T> = [Extract<T, { type: 'http' }>] extends [never] ? AnyValue : OutputOfTrigger<T>

/** Any value, spelled with `void` so that a handler returning nothing needs no `return` (JSDoc too). */
type AnyValue = void | {} | null

type TopicOf<E> = E extends string ? E : E extends { topic: infer T extends string } ? T : never

/** Topics a config may enqueue to. */
export type EnqueueTopics<C> = C extends { enqueues: ReadonlyArray<infer E> } ? ([TopicOf<E>] extends [never] ? NoTopics : TopicOf<E>) : NoTopics

/** What the handler receives for this config (a union for multi-trigger steps). */
export type HandlerInput<C> = InputOfTrigger<TriggersOf<C>>

/** What the handler must return for this config: anything for a workflow (its trigger answers with the run id). */
export type HandlerOutput<C> = C extends { workflow: true | object } ? AnyValue : OutputOf<TriggersOf<C>>

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
