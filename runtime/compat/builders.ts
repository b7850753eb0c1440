/**
 * Motia 1.0's trigger builders: `http()`, `api()`, `queue()`, `cron()`, `state()`, `stream()`,
 * plus `step()` and `jsonSchema()`. Each returns the plain trigger object our config takes, with
 * its literal types kept so `Handlers<typeof config>` infers as for a hand-written trigger.
 *
 * @example
 * export const { config, handler } = step(
 *   { name: 'CreateOrder', triggers: [http('POST', '/orders', { bodySchema: order })], enqueues: ['order-placed'] },
 *   async (req, { enqueue }) => { await enqueue({ topic: 'order-placed', data: req.body }); return { status: 201, body: req.body } },
 * )
 */
import { z } from 'zod'
import type { JsonSchema, Schema } from '../step/schema.ts'
import { ConfigError, MotiaError } from '../errors.ts'
import type { TypedJsonSchema } from '../step/json-schema-type.ts'
import type { HandlerInput, Handlers, StepConfig } from '../step/types.ts'
import type { FlowContext, HttpMethod, HttpTriggerConfig, QueueInfrastructure, QueueOptions } from '../types/context.ts'
import type { TriggerCondition } from '../types/context.ts'

/** What `http()` takes besides method and path. */
export type HttpOptions = Omit<HttpTriggerConfig, 'type' | 'method' | 'path' | 'condition'>

/** Motia's queue options: `input`, and `infrastructure.queue` (mapped onto `config` at load), or ours. */
export interface QueueBuilderOptions {
  input?: Schema
  config?: QueueOptions
  infrastructure?: QueueInfrastructure
}

type Defined<O> = O extends object ? O : {}

/** An http trigger. `condition`, when given, decides per request whether the handler runs. */
export function http<const M extends HttpMethod, const P extends string, const O extends HttpOptions | undefined = undefined>(
  method: M,
  path: P,
  options?: O,
  condition?: TriggerCondition,
): { type: 'http'; method: M; path: P; condition?: TriggerCondition } & Defined<O> {
  return { type: 'http', method, path, ...options, condition } as never
}

/** Motia's other name for `http()`. */
export const api = http

/** A queue trigger on `topic`. */
export function queue<const T extends string, const O extends QueueBuilderOptions | undefined = undefined>(
  topic: T,
  options?: O,
  condition?: TriggerCondition,
): { type: 'queue'; topic: T; condition?: TriggerCondition } & Defined<O> {
  return { type: 'queue', topic, ...options, condition } as never
}

/** A cron trigger (5, 6 or 7 fields). */
export function cron<const E extends string>(expression: E, condition?: TriggerCondition): { type: 'cron'; expression: E; condition?: TriggerCondition } {
  return { type: 'cron', expression, condition }
}

/** A state trigger: runs after any state write for which `condition` (when given) is true. */
export function state(condition?: TriggerCondition): { type: 'state'; condition?: TriggerCondition } {
  return { type: 'state', condition }
}

/** A stream trigger on `streamName`. */
export function stream<const S extends string>(streamName: S, condition?: TriggerCondition): { type: 'stream'; streamName: S; condition?: TriggerCondition } {
  return { type: 'stream', streamName, condition }
}

/** A step as `step()` returns it; export both members: `export const { config, handler } = step(...)`. */
export interface StepDefinition<C extends StepConfig> {
  config: C
  handler: Handlers<C>
}

/**
 * Types a step's config and handler together. Without a handler it returns `{ config, handle }`,
 * whose `handle(handler)` completes the definition.
 */
export function step<const C extends StepConfig>(config: C, handler: Handlers<C>): StepDefinition<C>
export function step<const C extends StepConfig>(config: C): { config: C; handle(handler: Handlers<C>): StepDefinition<C> }
export function step<const C extends StepConfig>(config: C, handler?: Handlers<C>) {
  if (handler) return { config, handler }
  return { config, handle: (h: Handlers<C>) => ({ config, handler: h }) }
}

/** One handler per trigger type of a multi-trigger step; cron's gets the context only. */
export interface TriggerHandlers<C extends StepConfig> {
  http?: (input: HandlerInput<C>, ctx: FlowContext) => Promise<unknown>
  queue?: (input: HandlerInput<C>, ctx: FlowContext) => Promise<unknown>
  state?: (input: HandlerInput<C>, ctx: FlowContext) => Promise<unknown>
  stream?: (input: HandlerInput<C>, ctx: FlowContext) => Promise<unknown>
  cron?: (ctx: FlowContext) => Promise<unknown>
}

/** Motia's `multiTriggerStep(config)`: `.onHttp(h).onQueue(h)…handlers()`, or `.handlers({ http, queue })`. */
export interface MultiTriggerStepBuilder<C extends StepConfig> {
  config: C
  handlers(handlers?: TriggerHandlers<C>): StepDefinition<C>
  onHttp(handler: NonNullable<TriggerHandlers<C>['http']>): MultiTriggerStepBuilder<C>
  onQueue(handler: NonNullable<TriggerHandlers<C>['queue']>): MultiTriggerStepBuilder<C>
  onCron(handler: NonNullable<TriggerHandlers<C>['cron']>): MultiTriggerStepBuilder<C>
  onState(handler: NonNullable<TriggerHandlers<C>['state']>): MultiTriggerStepBuilder<C>
  onStream(handler: NonNullable<TriggerHandlers<C>['stream']>): MultiTriggerStepBuilder<C>
}

/**
 * A step with one handler per trigger type (Motia 1.0). A trigger with no handler fails its run
 * with an error naming the handlers there are, as in Motia.
 */
export function multiTriggerStep<const C extends StepConfig>(config: C): MultiTriggerStepBuilder<C> {
  const collected: Record<string, (...args: unknown[]) => Promise<unknown>> = {}
  const handler = (async (input: unknown, ctx: FlowContext) => {
    const type = ctx.trigger.type
    const chosen = collected[type]
    if (!chosen) throw new MotiaError(`[motia] step "${config.name}": no handler for the ${type} trigger (handlers: ${Object.keys(collected).join(', ') || 'none'}): add .on${type[0]!.toUpperCase()}${type.slice(1)}(handler)`)
    return type === 'cron' ? chosen(ctx) : chosen(input, ctx)
  }) as unknown as Handlers<C>
  const on = (type: string) => (fn: (...args: never[]) => Promise<unknown>) => {
    collected[type] = fn as (...args: unknown[]) => Promise<unknown>
    return builder
  }
  const builder: MultiTriggerStepBuilder<C> = {
    config,
    handlers(handlers) {
      Object.assign(collected, handlers ?? {})
      return { config, handler }
    },
    onHttp: on('http'),
    onQueue: on('queue'),
    onCron: on('cron'),
    onState: on('state'),
    onStream: on('stream'),
  }
  return builder
}

/**
 * Motia's `jsonSchema()`: a zod schema as a JSON Schema (draft-07, as Motia makes it), still typed
 * by the zod schema; or a literal JSON Schema, typed by what it describes (as json-schema-to-ts
 * reads it). Validation then follows the JSON Schema.
 *
 * @example
 * queue('order.placed', { input: jsonSchema({ type: 'object', properties: { id: { type: 'string' } }, required: ['id'] }) })
 */
export function jsonSchema<const S extends z.ZodType | JsonSchema>(schema: S): S extends z.ZodType ? JsonSchema & TypedJsonSchema<z.output<S>> : S {
  if (schema instanceof z.ZodType) return z.toJSONSchema(schema, { target: 'draft-7' }) as never
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw new ConfigError(`[motia] jsonSchema() takes a zod schema or a JSON Schema object, e.g. jsonSchema({ type: 'object', properties: { id: { type: 'string' } } })`)
  }
  return schema as never
}
