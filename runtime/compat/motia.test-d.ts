/**
 * Type tests for Motia-style step files, checked by `tsc --noEmit`: builders keep inference, the
 * multi-trigger helpers narrow, Motia's type names and config fields are accepted, queue or cron
 * handlers may return a value, and streams are written and triggered as Motia writes them.
 */
import { z } from 'zod'
import type { ApiRequest, ApiResponse, ApiRouteConfig, EventConfig, FlowContext, Handlers, StateTriggerInput, StepConfig, StreamConfig, StreamTriggerInput, TriggerCondition } from '../index.ts'
import { api, cron, http, jsonSchema, queue, state, step, stream } from '../index.ts'
import { enqueue, logger, stateManager, streams } from '../index.ts'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
function assertType<T extends true>(): T | undefined {
  return undefined
}

const order = z.object({ sku: z.string(), total: z.number() })

// builders keep the literal types, so the body and queue data are inferred
export const placeOrder = step(
  {
    name: 'PlaceOrder',
    description: 'takes an order',
    triggers: [http('POST', '/orders', { bodySchema: order }, (req: ApiRequest<{ total: number }>) => req.body.total > 0)],
    enqueues: ['order-placed'],
    virtualEnqueues: ['audit'],
    virtualSubscribes: ['manual-review'],
    includeFiles: ['./templates/*.html'],
  },
  async (req, { enqueue }) => {
    assertType<Equal<typeof req.body, { sku: string; total: number }>>()
    assertType<Equal<typeof req.pathParams, Record<string, string>>>()
    await enqueue({ topic: 'order-placed', data: req.body })
    // @ts-expect-error not in enqueues
    await enqueue({ topic: 'order-cancelled', data: {} })
    return { status: 201, body: { sku: req.body.sku } }
  },
)

// a queue handler may return a value (ignored); condition: undefined is accepted everywhere
export const recordOrder = step({ name: 'RecordOrder', triggers: [queue('order-placed', { input: order }, undefined)] }, async (input) => {
  assertType<Equal<typeof input, { sku: string; total: number }>>()
  return input.total
})
export const nightly = step({ name: 'Nightly', triggers: [cron('0 3 * * *', undefined)] }, async () => 'done')
export const other = [api('GET', '/x', undefined, undefined), state(undefined), stream('chat', undefined)] satisfies StepConfig['triggers']

// the multi-trigger helpers narrow by trigger
const both = { name: 'Both', triggers: [http('POST', '/jobs', { bodySchema: order }), queue('jobs', { input: order })] } as const satisfies StepConfig
export const bothHandler: Handlers<typeof both> = async (input, ctx) => {
  if (ctx.is.http(input)) assertType<Equal<typeof input.body, { sku: string; total: number }>>()
  const data = ctx.getData()
  assertType<Equal<typeof data, { sku: string; total: number }>>()
  return ctx.match({
    http: async (req) => ({ status: 200, body: { sku: req.body.sku } }),
    queue: async (job) => {
      assertType<Equal<typeof job, { sku: string; total: number }>>()
    },
  })
}

// ({ request, response }) as Motia ≥ 1.0.3 writes it
export const streamed = step({ name: 'Streamed', triggers: [http('GET', '/s')] }, async ({ request, response }) => {
  assertType<Equal<typeof request.pathParams, Record<string, string>>>()
  response.status(200)
  response.stream.write('x')
  response.close()
  return { status: 200 }
})

// state conditions and inputs under Motia's names
const paid: TriggerCondition<StateTriggerInput<{ status: string }>> = (input) => input.new_value?.status === 'paid'
export const onPaid = step({ name: 'OnPaid', triggers: [state(paid)] }, async (input) => {
  assertType<Equal<typeof input.group_id, string>>()
})

// FlowContext with Motia's type parameters: a union of { topic, data } as the first one
export function useContext(ctx: FlowContext<{ topic: 'a'; data: { n: number } }>): Promise<void> {
  // @ts-expect-error only topic 'a'
  void ctx.enqueue({ topic: 'b', data: {} })
  return ctx.enqueue({ topic: 'a', data: { n: 1 } })
}
const response: ApiResponse<200, { ok: boolean }> = { status: 200, body: { ok: true } }
void response

// Motia 0.x config types
export const legacyApi: ApiRouteConfig = { type: 'api', name: 'Old', path: '/old', method: 'GET', emits: ['x'], flows: ['f'] }
export const legacyEvent: EventConfig = { type: 'event', name: 'OldEvent', subscribes: ['x'], emits: [], input: order }

// jsonSchema() turns zod into a JSON Schema object that a trigger accepts, still typed by zod
export const withJson = step({ name: 'J', triggers: [queue('j', { input: jsonSchema(order) })] }, async (input) => {
  assertType<Equal<typeof input, z.output<typeof order>>>()
})
// ... or types a literal JSON Schema by what it describes (json-schema-to-ts's reading)
export const withLiteral = step(
  { name: 'L', triggers: [http('POST', '/l', { bodySchema: jsonSchema({ type: 'object', properties: { sku: { type: 'string' }, qty: { type: 'integer' } }, required: ['sku'], additionalProperties: false }) })] },
  async (req) => {
    assertType<Equal<typeof req.body, { sku: string; qty?: number }>>()
    return { status: 200, body: { sku: req.body.sku } }
  },
)

// module-level members
export async function moduleLevel(): Promise<void> {
  logger.info('hello', { a: 1 })
  await enqueue({ topic: 'anything', data: {} })
  const values = await stateManager.list<{ n: number }>('g')
  assertType<Equal<typeof values, { n: number }[]>>()
}

// a stream definition as Motia writes it (baseConfig included), and Motia 1.0's onJoin/onLeave
export const chatStream: StreamConfig = {
  name: 'chat',
  schema: z.object({ text: z.string() }),
  baseConfig: { storageType: 'default' },
  onJoin: async (subscription, ctx) => {
    ctx.logger.info('joined', { groupId: subscription.groupId })
    return { unauthorized: false }
  },
  onLeave: async () => {},
}

// a stream trigger's handler gets Motia's StreamTriggerInput, in a config object and with stream()
const onChat = {
  name: 'OnChat',
  triggers: [{ type: 'stream', streamName: 'chat', groupId: 'lobby', condition: (input: StreamTriggerInput) => input.event.type !== 'delete' }],
} as const satisfies StepConfig
export const onChatHandler: Handlers<typeof onChat> = async (input, ctx) => {
  assertType<Equal<typeof input, StreamTriggerInput>>()
  assertType<Equal<typeof input.event.type, 'create' | 'update' | 'delete'>>()
  const { new_value, old_value } = await ctx.streams.chat!.set(input.groupId, input.id, { text: 'seen' })
  assertType<Equal<typeof new_value.id, string>>()
  void old_value
}
export const onChatBuilt = step({ name: 'OnChatBuilt', triggers: [stream('chat')] }, async (input, ctx) => {
  assertType<Equal<typeof input.streamName, string>>()
  return ctx.match({ stream: async (change) => assertType<Equal<typeof change.groupId, string>>() })
})

// module-level streams, as ctx.streams
export async function moduleStreams(): Promise<void> {
  const items = await streams.chat!.getGroup('lobby')
  assertType<Equal<(typeof items)[number]['id'], string>>()
}
