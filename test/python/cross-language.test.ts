/**
 * One flow across languages, on the embedded store (`motia dev`) and on Redis (`motia start` with
 * REDIS_URL and a private redis-server): a TypeScript http step → a Python queue step → a
 * TypeScript queue step, sharing state, under one trace id; each side's schemas refuse the other
 * side's bad data.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { freePort, makeProject, type TempProject } from '../helpers/project.ts'
import { startCli, type CliProcess } from '../helpers/cli.ts'
import { startRedisServer, type TestRedis } from '../helpers/redis-server.ts'

const files = {
  'package.json': JSON.stringify({ name: 'cross-language-test', type: 'module' }),
  'steps/http/orders.post.step.ts': `
import { z } from 'zod'
export const config = {
  name: 'PlaceOrder',
  triggers: [{ type: 'http', method: 'POST', path: '/orders', bodySchema: z.object({ id: z.string(), amount: z.number() }) }],
  enqueues: ['order.placed'],
} as const
export const handler = async (req: any, { enqueue, state, traceId }: any) => {
  await state.set('orders', req.body.id, { amount: req.body.amount, placedIn: 'typescript', traces: [traceId] })
  await enqueue({ topic: 'order.placed', data: req.body.id === 'bad-from-ts' ? { id: req.body.id } : req.body })
  return { status: 202, body: { id: req.body.id } }
}
`,
  'steps/orders/models.py': `
from pydantic import BaseModel

class Placed(BaseModel):
    id: str
    amount: float
`,
  'steps/orders/score_step.py': `
from motia import FlowContext, queue, stateManager
from .models import Placed

config = {
    "name": "ScoreOrder",
    "flows": ["orders"],
    "triggers": [queue("order.placed", input=Placed)],
    "enqueues": ["order.scored"],
}

async def handler(order: Placed, ctx: FlowContext) -> None:
    stored = await stateManager.get("orders", order.id)
    risk = "high" if order.amount > 100 else "low"
    await ctx.state.update("orders", order.id, [
        {"type": "set", "path": "risk", "value": risk},
        {"type": "set", "path": "traces", "value": stored["traces"] + [ctx.trace_id]},
    ])
    data = {"id": order.id, "risk": risk}
    if order.id == "bad-from-python":
        data = {"id": order.id, "risk": 3}
    try:
        await ctx.enqueue({"topic": "order.scored", "data": data})
    except Exception as error:
        await ctx.state.set("refused", order.id, {"message": str(error), "code": getattr(error, "code", None)})
`,
  'steps/orders/finish.step.ts': `
import { z } from 'zod'
export const config = {
  name: 'FinishOrder',
  triggers: [{ type: 'queue', topic: 'order.scored', input: z.object({ id: z.string(), risk: z.enum(['low', 'high']) }) }],
} as const
export const handler = async (data: any, { state, traceId }: any) => {
  const order = await state.get('orders', data.id)
  await state.set('orders', data.id, { ...order, status: 'done', traces: [...order.traces, traceId] })
}
`,
  'steps/http/orders/[id].get.step.ts': `
export const config = { name: 'GetOrder' }
export const handler = async (req: any, { state }: any) => ({ status: 200, body: { order: (await state.get('orders', req.params.id)) ?? null, refused: (await state.get('refused', req.params.id)) ?? null } })
`,
}

type Answer = { order: { amount: number; placedIn: string; risk?: string; status?: string; traces: string[] } | null; refused: { message: string; code: string } | null }

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

describe.each(modes)('TypeScript → Python → TypeScript on the %s', (_name, setup) => {
  let project: TempProject
  let cli: CliProcess
  let close: () => Promise<void>

  beforeAll(async () => {
    const mode = await setup()
    close = mode.close
    project = makeProject(files)
    cli = await startCli([...mode.args, '--port', String(freePort())], project.root, mode.env)
  }, 60_000)

  afterAll(async () => {
    await cli?.stop()
    project?.cleanup()
    await close?.()
  })

  const post = (body: unknown) => cli.fetch('/orders', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  const until = (id: string, check: (answer: Answer) => boolean) => cli.until(`/orders/${id}`, (body) => check(body as Answer), 20_000)

  test('state passes through all three steps, and every step ran in the trace the request started', async () => {
    const res = await post({ id: 'o1', amount: 250 })
    expect(res.status).toBe(202)
    const traceId = res.headers.get('x-trace-id')
    await until('o1', (answer) => answer.order?.status === 'done')
    const { order } = (await cli.json('/orders/o1')) as Answer
    expect(order).toEqual({ amount: 250, placedIn: 'typescript', risk: 'high', status: 'done', traces: [traceId!, traceId!, traceId!] })
  })

  test("the Python step's pydantic schema refuses a TypeScript enqueue: the request gets 400 naming the step", async () => {
    const res = await post({ id: 'bad-from-ts', amount: 5 })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: string }).error).toContain('rejected by the input schema of step "ScoreOrder"')
  })

  test("the TypeScript step's zod schema refuses a Python enqueue: Python gets a ValidationError it can handle", async () => {
    await post({ id: 'bad-from-python', amount: 1 })
    await until('bad-from-python', (answer) => answer.refused !== null)
    const { refused, order } = (await cli.json('/orders/bad-from-python')) as Answer
    expect(refused).toMatchObject({ code: 'VALIDATION_ERROR', message: expect.stringContaining('rejected by the input schema of step "FinishOrder"') })
    expect(order?.status).toBeUndefined()
  })
})
