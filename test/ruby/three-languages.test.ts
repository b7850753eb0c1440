/**
 * One flow across three languages, on the embedded store (`motia dev`) and on Redis (`motia
 * start` with REDIS_URL and a private redis-server): a TypeScript http step → a Python queue step
 * → a Ruby queue step → a TypeScript queue step, sharing state, under one trace id; each side's
 * schemas refuse the next side's bad data, and the refused side gets an error it can handle.
 */
import { afterAll, describe, expect, test } from 'bun:test'
import { beforeAllTests } from '../helpers/prerequisites.ts'
import { freePort, makeProject, type TempProject } from '../helpers/project.ts'
import { startCli, type CliProcess } from '../helpers/cli.ts'
import { startRedisServer, type TestRedis } from '../helpers/redis-server.ts'
import { requireRuby } from '../helpers/ruby.ts'

const files = {
  'package.json': JSON.stringify({ name: 'three-languages-test', type: 'module' }),
  'steps/http/orders.post.step.ts': `
import { z } from 'zod'
export const config = {
  name: 'PlaceOrder',
  flows: ['orders'],
  triggers: [{ type: 'http', method: 'POST', path: '/orders', bodySchema: z.object({ id: z.string(), amount: z.number() }) }],
  enqueues: ['order.placed'],
} as const
export const handler = async (req: any, { enqueue, state, traceId }: any) => {
  await state.set('orders', req.body.id, { amount: req.body.amount, path: ['typescript'], traces: [traceId] })
  await enqueue({ topic: 'order.placed', data: req.body })
  return { status: 202, body: { id: req.body.id } }
}
`,
  'steps/orders/score_step.py': `
from motia import queue

config = {
    "name": "ScoreOrder",
    "flows": ["orders"],
    "triggers": [queue("order.placed", input={"type": "object", "properties": {"id": {"type": "string"}, "amount": {"type": "number"}}, "required": ["id", "amount"]})],
    "enqueues": ["order.scored"],
}

async def handler(order, ctx):
    stored = await ctx.state.get("orders", order["id"])
    risk = "high" if order["amount"] > 100 else "low"
    await ctx.state.update("orders", order["id"], [
        {"type": "set", "path": "risk", "value": risk},
        {"type": "set", "path": "path", "value": stored["path"] + ["python"]},
        {"type": "set", "path": "traces", "value": stored["traces"] + [ctx.trace_id]},
    ])
    data = {"id": order["id"], "risk": risk}
    if order["id"] == "bad-from-python":
        data = {"id": order["id"], "risk": 3}
    try:
        await ctx.enqueue({"topic": "order.scored", "data": data})
    except Exception as error:
        await ctx.state.set("refused", order["id"], {"by": "python", "message": str(error), "code": getattr(error, "code", None)})
`,
  'steps/orders/ship_step.rb': `
def config
  {
    name: 'ShipOrder',
    flows: ['orders'],
    triggers: [queue('order.scored', input: { type: 'object', properties: { id: { type: 'string' }, risk: { type: 'string', enum: %w[low high] } }, required: %w[id risk] })],
    enqueues: ['order.shipped']
  }
end

def handler(order, ctx)
  stored = ctx.state.get('orders', order.id)
  ctx.state.update('orders', order.id, [
    { type: 'set', path: 'carrier', value: order.risk == 'high' ? 'insured' : 'standard' },
    { type: 'set', path: 'path', value: stored['path'] + ['ruby'] },
    { type: 'set', path: 'traces', value: stored['traces'] + [ctx.trace_id] }
  ])
  data = { id: order.id, carrier: order.risk == 'high' ? 'insured' : 'standard' }
  data[:carrier] = 42 if order.id == 'bad-from-ruby'
  begin
    ctx.enqueue(topic: 'order.shipped', data: data)
  rescue Motia::ValidationError => e
    ctx.state.set('refused', order.id, { by: 'ruby', message: e.message, code: e.code, issues: e.issues.length })
  end
end
`,
  'steps/orders/finish.step.ts': `
import { z } from 'zod'
export const config = {
  name: 'FinishOrder',
  flows: ['orders'],
  triggers: [{ type: 'queue', topic: 'order.shipped', input: z.object({ id: z.string(), carrier: z.enum(['standard', 'insured']) }) }],
} as const
export const handler = async (data: any, { state, traceId }: any) => {
  const order = await state.get('orders', data.id)
  await state.set('orders', data.id, { ...order, status: 'done', path: [...order.path, 'typescript'], traces: [...order.traces, traceId] })
}
`,
  'steps/http/orders/[id].get.step.ts': `
export const config = { name: 'GetOrder' }
export const handler = async (req: any, { state }: any) => ({ status: 200, body: { order: (await state.get('orders', req.params.id)) ?? null, refused: (await state.get('refused', req.params.id)) ?? null } })
`,
}

type Answer = {
  order: { amount: number; path: string[]; risk?: string; carrier?: string; status?: string; traces: string[] } | null
  refused: { by: string; message: string; code: string; issues?: number } | null
}

const modes: Array<[string, () => Promise<{ args: string[]; env: Record<string, string>; close(): Promise<void> }>]> = [
  ['embedded store (motia dev)', async () => ({ args: ['dev'], env: {}, close: async () => {} })],
  [
    'Redis (motia start, REDIS_URL)',
    async () => {
      const redis: TestRedis = await startRedisServer()
      return { args: ['start'], env: { REDIS_URL: redis.url }, close: () => redis.cleanup() }
    },
  ],
]

describe.each(modes)('TypeScript → Python → Ruby → TypeScript on the %s', (_name, setup) => {
  let project: TempProject
  let cli: CliProcess
  let close: () => Promise<void>
  const token = crypto.randomUUID()

  beforeAllTests(async () => {
    requireRuby()
    const mode = await setup()
    close = mode.close
    project = makeProject(files)
    cli = await startCli([...mode.args, '--port', String(freePort())], project.root, { ...mode.env, MOTIA_TOKEN: token })
  }, 60_000)

  afterAll(async () => {
    await cli?.stop()
    project?.cleanup()
    await close?.()
  })

  const post = (body: unknown) => cli.fetch('/orders', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  /** The trace once it has `count` spans (`motia start` asks for the control token). */
  const spans = async (traceId: string, count: number) => {
    const headers = { 'x-motia-token': token }
    const started = Date.now()
    for (;;) {
      const res = await cli.fetch(`/__motia/traces/${traceId}`, { headers })
      const trace = res.ok ? ((await res.json()) as { spans: Array<{ step: string; error?: unknown }> }) : undefined
      if (trace && trace.spans.length >= count) return trace
      if (Date.now() - started > 20_000) throw new Error(`trace ${traceId} never had ${count} spans: ${res.status} ${JSON.stringify(trace)}`)
      await Bun.sleep(50)
    }
  }
  const until = (id: string, check: (answer: Answer) => boolean) => cli.until(`/orders/${id}`, (body) => check(body as Answer), 20_000)

  test('state passes through all four steps in three languages, every one in the trace the request started', async () => {
    const res = await post({ id: 'o1', amount: 250 })
    expect(res.status).toBe(202)
    const traceId = res.headers.get('x-trace-id')!
    await until('o1', (answer) => answer.order?.status === 'done')
    const { order } = (await cli.json('/orders/o1')) as Answer
    expect(order).toEqual({ amount: 250, path: ['typescript', 'python', 'ruby', 'typescript'], risk: 'high', carrier: 'insured', status: 'done', traces: [traceId, traceId, traceId, traceId] })
    const trace = await spans(traceId, 4)
    expect(trace.spans.map((span) => span.step)).toEqual(expect.arrayContaining(['PlaceOrder', 'ScoreOrder', 'ShipOrder', 'FinishOrder']))
    expect(trace.spans.filter((span) => span.error)).toEqual([])
  })

  test("the Ruby step's schema refuses a Python enqueue: Python gets an error naming the Ruby step", async () => {
    await post({ id: 'bad-from-python', amount: 1 })
    await until('bad-from-python', (answer) => answer.refused !== null)
    const { refused, order } = (await cli.json('/orders/bad-from-python')) as Answer
    expect(refused).toMatchObject({ by: 'python', code: 'VALIDATION_ERROR', message: expect.stringContaining('rejected by the input schema of step "ShipOrder"') })
    expect(order?.path).toEqual(['typescript', 'python'])
  })

  test("the TypeScript step's zod schema refuses a Ruby enqueue: Ruby rescues a Motia::ValidationError with the issues", async () => {
    await post({ id: 'bad-from-ruby', amount: 1 })
    await until('bad-from-ruby', (answer) => answer.refused !== null)
    const { refused, order } = (await cli.json('/orders/bad-from-ruby')) as Answer
    expect(refused).toMatchObject({ by: 'ruby', code: 'VALIDATION_ERROR', issues: 1, message: expect.stringContaining('rejected by the input schema of step "FinishOrder"') })
    expect(order?.path).toEqual(['typescript', 'python', 'ruby'])
    expect(order?.status).toBeUndefined()
  })
})
