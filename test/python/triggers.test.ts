/**
 * Python steps through the real `motia dev` over a real port, with the system `python3`: every
 * trigger type (http, queue, cron, state, stream), Motia's 1.0 config (trigger helpers, pydantic
 * schemas, module-level handles) and 0.x config (type/emits/subscribes, dict requests, ctx.emit),
 * folder conventions, and the runtime's schema checks (400s, enqueue refusals) on Python schemas.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { freePort, makeProject, type TempProject } from '../helpers/project.ts'
import { startCli, type CliProcess } from '../helpers/cli.ts'
import { peekPath, peekStep, untilPeek } from '../helpers/python.ts'

const motia1 = {
  ...peekStep,
  'steps/orders/models.py': `
from pydantic import BaseModel

class Order(BaseModel):
    item: str
    quantity: int
`,
  'steps/orders/create_order_step.py': `
from typing import Any
from motia import ApiRequest, ApiResponse, FlowContext, Stream, http, logger
from .models import Order

order_status: Stream[dict[str, Any]] = Stream("orderStatus")

config = {
    "name": "CreateOrder",
    "description": "Accepts an order",
    "flows": ["orders"],
    "triggers": [http("POST", "/orders", body_schema=Order, response_schema={201: {"type": "object", "properties": {"id": {"type": "string"}}}})],
    "enqueues": ["order.created"],
}

async def handler(request: ApiRequest[dict[str, Any]], ctx: FlowContext[Any]) -> ApiResponse[Any]:
    order_id = "o-" + request.body["item"]
    logger.info("order received", {"id": order_id})
    await order_status.set("orders", order_id, {"status": "received"})
    await ctx.enqueue({"topic": "order.created", "data": {"id": order_id, **request.body}})
    return ApiResponse(status=201, body={"id": order_id}, headers={"x-step": "python"})
`,
  'steps/orders/reserve_stock_step.py': `
from pydantic import BaseModel
from motia import queue, stateManager

class Created(BaseModel):
    id: str
    item: str
    quantity: int

config = {
    "name": "ReserveStock",
    "flows": ["orders"],
    "triggers": [queue("order.created", input=Created)],
}

# A plain def runs in a thread: module-level handles answer directly, no await.
def handler(order: Created, ctx):
    assert isinstance(order, Created)
    stateManager.set("reservations", order.id, {"item": order.item, "quantity": order.quantity, "attempt": ctx.attempt})
`,
  'steps/watchers/on_reservation_step.py': `
from motia import StateTriggerInput, enqueue, state, logger

config = {
    "name": "OnReservation",
    "triggers": [state(condition=lambda change, ctx: change.group_id == "reservations")],
    "enqueues": ["reserved"],
}

async def handler(change: StateTriggerInput) -> None:
    logger.info("reservation changed", {"key": change.item_id})
    await enqueue({"topic": "reserved", "data": {"id": change.item_id, "quantity": change.new_value["quantity"]}})
`,
  'steps/queue/reserved/mark_reserved_step.py': `
from motia import Stream

config = {"name": "MarkReserved"}

async def handler(data, ctx):
    await Stream("orderStatus").set("orders", data.id, {"status": "reserved"})
`,
  'steps/watchers/on_status_step.py': `
from motia import stream, StreamTriggerInput

config = {"name": "OnStatus", "triggers": [stream("orderStatus")]}

async def handler(change: StreamTriggerInput, ctx) -> None:
    await ctx.state.update("status-log", change.id, [{"type": "merge", "value": {change.event.data["status"]: change.event.type}}])
`,
  'steps/order_status_stream.py': `
from motia import StreamConfig

config = StreamConfig(name="orderStatus", schema={"type": "object", "properties": {"status": {"type": "string"}}, "required": ["status"]})
`,
  'steps/cron/heartbeat_step.py': `
from motia import cron

config = {"name": "Heartbeat", "triggers": [cron("* * * * * *")]}

async def handler(input, ctx):
    assert input is None and ctx.is_cron()
    await ctx.state.update("beats", "count", [{"type": "increment", "path": "n", "by": 1}])
`,
  'steps/http/ping.get_step.py': `
config = {"name": "Ping"}

async def handler(req, ctx):
    return {"status": 200, "body": {"pong": req.query_params.get("q"), "trigger": ctx.trigger.type, "path": ctx.trigger.path}}
`,
  'steps/http/items/[id].put_step.py': `
config = {"name": "PutItem", "enqueues": ["item.saved"]}

async def handler(req, ctx):
    await ctx.enqueue({"topic": "item.saved", "data": {"id": req.path_params["id"], "price": req.body.get("price")}})
    return {"status_code": 202, "body": {"id": req.path_params["id"]}}
`,
  'steps/items/save_item_step.py': `
from motia import queue

config = {
    "name": "SaveItem",
    "triggers": [queue("item.saved", input={"type": "object", "properties": {"id": {"type": "string"}, "price": {"type": "number"}}, "required": ["id", "price"]})],
}

async def handler(item, ctx):
    await ctx.state.set("items", item["id"], item)
`,
}

const motia0 = {
  ...peekStep,
  'steps/legacy/greet_api_step.py': `
from pydantic import BaseModel

class Body(BaseModel):
    name: str

config = {
    "type": "api",
    "name": "LegacyGreet",
    "path": "/legacy/greet",
    "method": "POST",
    "emits": ["legacy.greeted"],
    "bodySchema": Body.model_json_schema(),
    "flows": ["legacy"],
}

async def handler(req, context):
    body = req.get("body")
    await context.emit({"topic": "legacy.greeted", "data": {"name": body["name"]}})
    return {"status": 200, "body": {"traceId": context.traceId, "echo": req["body"]["name"]}}
`,
  'steps/legacy/store_greeting.step.py': `
config = {
    "type": "event",
    "name": "LegacyStore",
    "subscribes": ["legacy.greeted"],
    "emits": [],
    "input": {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]},
}

async def handler(input, context):
    await context.state.set("greetings", input["name"], {"trace": context.trace_id})
    context.logger.info("stored greeting", input)
`,
  'steps/legacy/nightly.cron_step.py': `
config = {"type": "cron", "name": "LegacyNightly", "cron": "* * * * * *", "emits": []}

async def handler(context):
    await context.state.set("legacy-cron", "ran", {"trace": context.trace_id})
`,
  'steps/legacy/doc_noop_step.py': `
config = {"type": "noop", "name": "LegacyDoc", "virtualSubscribes": ["legacy.greeted"], "virtualEmits": ["human.review"]}
`,
}

let project: TempProject
let cli: CliProcess

const post = (path: string, body: unknown) => cli.fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
const state = async (group: string, key: string) => ((await (await cli.fetch(peekPath(group, key))).json()) as { value: unknown }).value
const untilState = (group: string, key: string, check: (value: any) => boolean) => untilPeek(cli, group, key, check)

describe('Motia 1.0 Python steps', () => {
  beforeAll(async () => {
    project = makeProject(motia1)
    cli = await startCli(['dev', '--port', String(freePort())], project.root)
  })
  afterAll(async () => {
    await cli.stop()
    project.cleanup()
  })

  test('every Python step and the Python stream load with no error or warning', async () => {
    expect(cli.output()).toContain('10 step(s)')
    expect(cli.output()).toContain('stream orderStatus')
    expect(cli.output()).not.toMatch(/"level":"(error|warn)"/)
  })

  test('http → queue (pydantic model input) → state → stream → stream trigger, all in Python, one trace', async () => {
    const res = await post('/orders', { item: 'book', quantity: 2 })
    expect(res.status).toBe(201)
    expect(res.headers.get('x-step')).toBe('python')
    expect(await res.json()).toEqual({ id: 'o-book' })
    const traceId = res.headers.get('x-trace-id')!
    await untilState('status-log', 'o-book', (value) => value?.reserved === 'update')
    expect(await state('status-log', 'o-book')).toEqual({ received: 'create', reserved: 'update' })
    expect(await state('reservations', 'o-book')).toEqual({ item: 'book', quantity: 2, attempt: 1 })
    await cli.until(`/__motia/traces/${traceId}`, (trace) => (trace as { spans: unknown[] }).spans.length >= 5, 20_000)
    const trace = (await cli.json(`/__motia/traces/${traceId}`)) as { spans: Array<{ step: string; error?: string }> }
    expect(trace.spans.map((span) => span.step)).toEqual(expect.arrayContaining(['CreateOrder', 'ReserveStock', 'OnReservation', 'MarkReserved', 'OnStatus']))
    expect(trace.spans.filter((span) => span.error)).toEqual([])
  })

  test('a body that breaks the pydantic schema is refused with 400 and the issues, before Python runs', async () => {
    const res = await post('/orders', { item: 'book', quantity: 'two' })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: 'Invalid request body', issues: [{ path: ['quantity'] }] })
  })

  test("an enqueue the subscriber's dict schema refuses answers 400 from the Python handler, and nothing is sent", async () => {
    const res = await cli.fetch('/items/i1', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ price: 'cheap' }) })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: string }).error).toContain('rejected by the input schema of step "SaveItem"')
    const ok = await cli.fetch('/items/i2', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ price: 3 }) })
    expect(ok.status).toBe(202)
    await untilState('items', 'i2', (value) => value !== null)
    expect(await state('items', 'i2')).toEqual({ id: 'i2', price: 3 })
    expect(await state('items', 'i1')).toBeNull()
  })

  test('folder conventions apply to Python files: steps/http/ping.get_step.py is GET /ping', async () => {
    const res = await cli.fetch('/ping?q=hi')
    expect(await res.json()).toEqual({ pong: 'hi', trigger: 'http', path: '/ping' })
  })

  test('the console shows Python steps in the flow graph, their spans in traces and their lines in logs', async () => {
    const graph = (await cli.json('/__motia/api/flows')) as { nodes: Array<{ id: string; file?: string; types?: string[] }>; edges: Array<{ source: string; target: string }> }
    expect(graph.nodes.find((node) => node.id === 'step:CreateOrder')).toMatchObject({ file: 'steps/orders/create_order_step.py', types: ['http'] })
    expect(graph.edges).toEqual(expect.arrayContaining([expect.objectContaining({ source: 'step:CreateOrder', target: 'topic:order.created' }), expect.objectContaining({ source: 'topic:order.created', target: 'step:ReserveStock' })]))
    const res = await post('/orders', { item: 'lamp', quantity: 1 })
    const traceId = res.headers.get('x-trace-id')!
    await cli.until(`/__motia/api/traces/${traceId}`, (trace) => JSON.stringify(trace).includes('ReserveStock'), 20_000)
    const logs = (await cli.json(`/__motia/api/logs?step=CreateOrder&traceId=${traceId}`)) as { logs: Array<{ msg: string; step: string }> }
    expect(logs.logs.map((line) => line.msg)).toContain('order received')
  })

  test('a Python cron step ticks', async () => {
    await untilState('beats', 'count', (value) => value?.n >= 2)
  })
})

describe('Motia 0.x Python steps', () => {
  beforeAll(async () => {
    project = makeProject(motia0)
    cli = await startCli(['dev', '--port', String(freePort())], project.root)
  })
  afterAll(async () => {
    await cli.stop()
    project.cleanup()
  })

  test('load with one deprecation warning per file naming the 1.0 form', () => {
    const output = cli.output()
    expect(output).toContain('5 step(s)')
    for (const file of ['greet_api_step.py', 'store_greeting.step.py', 'nightly.cron_step.py']) expect(output).toContain(`steps/legacy/${file} uses the Motia 0.x config`)
  })

  test('api (dict request, ctx.emit) → event (dict schema) under one trace', async () => {
    const res = await post('/legacy/greet', { name: 'ada' })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { traceId: string; echo: string }
    expect(body).toEqual({ traceId: res.headers.get('x-trace-id')!, echo: 'ada' })
    await untilState('greetings', 'ada', (value) => value !== null)
    expect(await state('greetings', 'ada')).toEqual({ trace: body.traceId })
  })

  test('the JSON Schema of a 0.x bodySchema refuses a bad body with 400', async () => {
    expect((await post('/legacy/greet', { nom: 'ada' })).status).toBe(400)
  })

  test('a 0.x cron handler gets the context first', async () => {
    await untilState('legacy-cron', 'ran', (value) => typeof value?.trace === 'string')
  })
})
