/**
 * Type tests for handler inference, checked by `tsc --noEmit` (part of `npm test`).
 * A `@ts-expect-error` that stops erroring fails the check.
 */
import { z } from 'zod'
import type { CronInput, Handlers, HttpRequest, InferSchema, JsonSchema, QueueInput, StateChange, StepConfig } from '../index.ts'
import { defineStep } from '../index.ts'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
function assertType<T extends true>(): T | undefined {
  return undefined
}

// http: the body comes from bodySchema, the response from responseSchema
const createUser = {
  name: 'CreateUser',
  triggers: [
    {
      type: 'http',
      method: 'POST',
      path: '/users',
      bodySchema: z.object({ name: z.string(), age: z.number().optional() }),
      responseSchema: { 201: z.object({ id: z.string() }), 400: z.object({ error: z.string() }) },
    },
  ],
  enqueues: ['user-created', { topic: 'audit' }],
} as const satisfies StepConfig

export const createUserHandler: Handlers<typeof createUser> = async (req, ctx) => {
  assertType<Equal<typeof req.body, { name: string; age?: number | undefined }>>()
  await ctx.enqueue({ topic: 'user-created', data: req.body })
  await ctx.enqueue({ topic: 'audit', data: {} })
  // @ts-expect-error 'user-deleted' is not listed in enqueues
  await ctx.enqueue({ topic: 'user-deleted', data: {} })
  if (!req.body.name) return { status: 400, body: { error: 'name is empty' } }
  return { status: 201, body: { id: 'u1' } }
}

// As in Motia, a status responseSchema does not list type-checks (the runtime checks declared ones)
export const undeclaredStatus: Handlers<typeof createUser> = async (req) =>
  req.body.name ? { status: 409, body: { conflict: req.body.name } } : { status: 500, body: { error: 'x' } }

// @ts-expect-error a response still needs a status
export const noStatus: Handlers<typeof createUser> = async () => ({ body: { id: 'u1' } })

// queue: the data comes from input; nothing to return; no enqueues means enqueue accepts nothing
const sendEmail = defineStep({
  triggers: [{ type: 'queue', topic: 'user-created', input: z.object({ name: z.string() }) }],
})

export const sendEmailHandler: Handlers<typeof sendEmail> = async (data, ctx) => {
  assertType<Equal<typeof data, { name: string }>>()
  // @ts-expect-error this step declares no enqueues
  await ctx.enqueue({ topic: 'anything', data: {} })
}

// cron and state inputs
const nightly = { triggers: [{ type: 'cron', expression: '0 3 * * *' }] } as const satisfies StepConfig
export const nightlyHandler: Handlers<typeof nightly> = async (tick) => {
  assertType<Equal<typeof tick, CronInput>>()
}

const onChange = { triggers: [{ type: 'state', group: 'orders' }] } as const satisfies StepConfig
export const onChangeHandler: Handlers<typeof onChange> = async (change) => {
  assertType<Equal<typeof change, StateChange>>()
}

// multi-trigger: the input is the union, the context says which trigger fired
const both = {
  triggers: [
    { type: 'http', method: 'POST', path: '/jobs', bodySchema: z.object({ job: z.string() }) },
    { type: 'queue', topic: 'jobs', input: z.object({ job: z.string() }) },
  ],
} as const satisfies StepConfig

export const bothHandler: Handlers<typeof both> = async (input, ctx) => {
  if (ctx.trigger.type === 'http') {
    const req = input as HttpRequest<{ job: string }>
    return { status: 200, body: { job: req.body.job } }
  }
  assertType<Equal<typeof input, HttpRequest<{ job: string }, Record<string, string | string[]>> | { job: string }>>()
}

// A literal JSON Schema body types the request as json-schema-to-ts does (as in Motia)
const jsonSchemaStep = {
  triggers: [{ type: 'http', method: 'PUT', path: '/x', bodySchema: { type: 'object', properties: { a: { type: 'string' } } } }],
} as const satisfies StepConfig
export const jsonSchemaHandler: Handlers<typeof jsonSchemaStep> = async (req) => {
  assertType<Equal<typeof req.body, { [key: string]: unknown; a?: string }>>()
  return { status: 204 }
}

// required, additionalProperties: false, nested arrays, enums, nullable, anyOf
const strictSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    tags: { type: 'array', items: { type: 'string' } },
    kind: { enum: ['a', 'b'] },
    note: { type: 'string', nullable: true },
    size: { anyOf: [{ type: 'integer' }, { type: 'null' }] },
  },
  required: ['id', 'kind'],
  additionalProperties: false,
} as const
assertType<Equal<InferSchema<typeof strictSchema>, { id: string; kind: 'a' | 'b'; tags?: string[]; note?: string | null; size?: number | null }>>()
// A schema written without `as const` has widened keywords: nothing to read, unknown as before
const widenedSchema: JsonSchema = { type: 'object', properties: { a: { type: 'string' } } }
assertType<Equal<InferSchema<typeof widenedSchema>, unknown>>()

// An http handler may return nothing: it answered through `response` (Motia ≥ 1.0.3)
export const writesItsResponse: Handlers<typeof jsonSchemaStep> = async ({ response }) => {
  response.status(202)
  response.close()
}

// @ts-expect-error what an http handler returns is still a response
export const notAResponse: Handlers<typeof jsonSchemaStep> = async () => ({ state: 'ok' })

// QueueInput (what the generated types.d.ts puts in Topics): the schema's input type, so a field
// with a default stays optional for the sender
const withDefault = {
  triggers: [{ type: 'queue', topic: 'jobs', input: z.object({ job: z.string(), retries: z.number().default(3) }) }],
} as const satisfies StepConfig
assertType<Equal<QueueInput<typeof withDefault, 0>, { job: string; retries?: number | undefined }>>()

// without `as const` the triggers are a union of shapes; the one with an input is picked
const widened = { triggers: [{ type: 'cron', expression: '* * * * *' }, { type: 'queue', input: z.object({ job: z.string() }) }] }
assertType<Equal<QueueInput<typeof widened, 1>, { job: string }>>()

// no input or a config the compiler cannot see: any data; a JSON Schema input: what it describes
assertType<Equal<QueueInput<typeof nightly, 0>, unknown>>()
assertType<Equal<QueueInput<{ triggers: [{ type: 'queue'; input: { type: 'object' } }] }, 0>, { [key: string]: unknown }>>()
assertType<Equal<QueueInput<any, 0>, unknown>>()

// workflows: an http workflow may return anything (its trigger answers with the run id); the
// primitives are typed: a checkpoint returns its function's result, a wait a typed result
const saga = {
  triggers: [{ type: 'http', method: 'POST', path: '/orders', bodySchema: z.object({ id: z.string() }) }],
  workflow: { waitsFor: ['shipped'] },
} as const satisfies StepConfig

export const sagaHandler: Handlers<typeof saga> = async (req, ctx) => {
  const charged = await ctx.run('charge', async () => ({ amount: 10, at: new Date() }))
  // Read back from JSON, the first time too: the Date is a string.
  assertType<Equal<typeof charged, { amount: number; at: string }>>()
  const day = await ctx.run('day', () => new Date())
  assertType<Equal<typeof day, string>>()
  await ctx.sleep('cool-off', '15m')
  await ctx.sleep('until', new Date())
  // @ts-expect-error a duration needs a unit ms, s, m, h, d or w
  await ctx.sleep('bad', '15 minutes')
  const shipped = await ctx.waitFor('ship', { topic: 'shipped', match: { orderId: req.body.id }, timeout: '2d' })
  if (shipped.ok) assertType<Equal<typeof shipped.data, unknown>>()
  else assertType<Equal<typeof shipped.timedOut, true>>()
  return { charged: charged.amount }
}
