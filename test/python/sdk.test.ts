/**
 * Motia's Python API as step files use it, run by the real `python3` worker in a test runtime:
 * module-level handles with and without `await`, sync handlers, builders and guards, `ctx.match`,
 * print and `logging` captured as the step's log lines, ids with separators and control
 * characters, large payloads, results JSON cannot carry, and the whole SDK with pydantic absent.
 */
import { afterEach, describe, expect, test } from 'bun:test'
import { createTestRuntime, type TestRuntime } from '../../runtime/testing/index.ts'
import { makeProject, type TempProject } from '../helpers/project.ts'

let app: TestRuntime | undefined
let project: TempProject | undefined

afterEach(async () => {
  await app?.stop()
  project?.cleanup()
  app = project = undefined
})

async function load(files: Record<string, string>, env: Record<string, string> = {}): Promise<TestRuntime> {
  project = makeProject(files)
  app = await createTestRuntime({ root: project.root, env })
  return app
}

const json = async (res: Response) => (await res.json()) as any

describe('module-level handles', () => {
  test('a sync handler calls stateManager, Stream(...) and enqueue without await; an async one may skip await too', async () => {
    await load({
      'steps/items_stream.py': `config = {"name": "items", "schema": {"type": "object"}}\n`,
      'steps/sync_step.py': `
from motia import Stream, enqueue, http, stateManager
items = Stream("items")
config = {"name": "Sync", "triggers": [http("POST", "/sync")], "enqueues": ["later"]}
def handler(req, ctx):
    stateManager.set("sync", "a", {"v": 1})
    stored = stateManager.get("sync", "a")
    written = items.set("g", "i1", {"n": 1})
    groups = stateManager.list_groups()
    enqueue({"topic": "later", "data": {"from": "sync"}})
    return {"status": 200, "body": {"stored": stored, "written": written["new_value"], "groups": groups}}
`,
      'steps/fire_step.py': `
from motia import enqueue, http, stateManager
config = {"name": "Fire", "triggers": [http("POST", "/fire")], "enqueues": ["later"]}
async def handler(req, ctx):
    stateManager.set("fire", "b", True)   # sent now, not awaited
    enqueue({"topic": "later", "data": {"from": "fire"}})
    return {"status": 202, "body": {}}
`,
      'steps/later_step.py': `
from motia import queue
config = {"name": "Later", "triggers": [queue("later")]}
async def handler(data, ctx):
    await ctx.state.set("later", data["from"], True)
`,
    })
    const res = await app!.request('POST', '/sync')
    expect(await json(res)).toEqual({ stored: { v: 1 }, written: { n: 1, id: 'i1' }, groups: ['sync'] })
    expect((await app!.request('POST', '/fire')).status).toBe(202)
    await app!.waitFor(async () => (await app!.runtime.state.get('later', 'fire')) === true && (await app!.runtime.state.get('later', 'sync')) === true, 20_000)
    expect(await app!.runtime.state.get('fire', 'b')).toBe(true)
  })

  test('used outside a running step, a module-level handle raises a clear error at load', async () => {
    await load({ 'steps/top_step.py': `from motia import stateManager, queue\nstateManager.set("x", "y", 1)\nconfig = {"triggers": [queue("t")]}\nasync def handler(d, ctx): pass\n` })
    const error = app!.logs.find((entry) => entry.level === 'error')?.msg
    expect(error).toContain('steps/top_step.py failed to load: stateManager.set from motia was used outside a running step')
    expect(error).toContain('(steps/top_step.py:2)')
  })
})

describe('builders, guards and multi-trigger steps', () => {
  test('step(), multi_trigger_step() and ctx.match run the handler for the trigger that fired', async () => {
    await load({
      'steps/built_step.py': `
from motia import step, http, queue, is_api_step, is_queue_step, get_api_triggers
cfg = {"name": "Built", "triggers": [http("GET", "/built"), queue("built")]}
async def handle(input, ctx):
    if ctx.is_api():
        return {"status": 200, "body": {"api": is_api_step(cfg), "queue": is_queue_step(cfg), "routes": [t.path for t in get_api_triggers(cfg)]}}
    await ctx.state.set("built", "queue", input)
built = step(cfg, handle)
`,
      'steps/multi_step.py': `
from motia import multi_trigger_step, http, queue, cron
async def on_http(req, ctx):
    return {"status": 200, "body": {"via": "http", "trigger": ctx.trigger.method}}
async def on_queue(data, ctx):
    await ctx.state.set("multi", "queue", data)
multi = multi_trigger_step({"name": "Multi", "triggers": [http("GET", "/multi"), queue("multi")]}).on_http(on_http).on_queue(on_queue).handlers()
`,
      'steps/match_step.py': `
from motia import http, queue, FlowContext
config = {"name": "Match", "triggers": [http("POST", "/match"), queue("match")]}
async def handler(input, ctx: FlowContext):
    async def api(req):
        return {"status": 200, "body": {"data": ctx.get_data(), "is_queue": ctx.is_queue()}}
    async def default(data):
        await ctx.state.set("match", "default", data)
    return await ctx.match({"http": api, "default": default})
`,
    })
    expect(await json(await app!.request('GET', '/built'))).toEqual({ api: true, queue: true, routes: ['/built'] })
    expect(await json(await app!.request('GET', '/multi'))).toEqual({ via: 'http', trigger: 'GET' })
    expect(await json(await app!.request('POST', '/match', { a: 1 }))).toEqual({ data: { a: 1 }, is_queue: false })
    for (const topic of ['built', 'multi', 'match']) await app!.runtime.enqueue({ topic, data: { topic } })
    await app!.waitFor(async () => (await app!.runtime.state.list('built')).length + (await app!.runtime.state.list('multi')).length + (await app!.runtime.state.list('match')).length === 3, 20_000)
    expect(await app!.runtime.state.get('match', 'default')).toEqual({ topic: 'match' })
  })
})

describe('logs', () => {
  test('logger fields, print and the logging module become log lines of the step and its trace', async () => {
    await load({
      'steps/log_step.py': `
import logging
from motia import http, logger
log = logging.getLogger("shop.audit")
config = {"name": "Logs", "triggers": [http("GET", "/logs")]}
def handler(req, ctx):
    logger.info("with fields", {"order": 7}, extra_field="x")
    ctx.logger.warn("a warning")
    print("printed", "words")
    log.warning("from logging")
    try:
        1 / 0
    except ZeroDivisionError:
        log.exception("caught")
    return {"status": 200, "body": {}}
`,
    })
    const res = await app!.request('GET', '/logs')
    const traceId = res.headers.get('x-trace-id')
    const lines = app!.logs.filter((entry) => entry.step === 'Logs')
    expect(lines.map((entry) => [entry.level, entry.msg])).toEqual([
      ['info', 'with fields'],
      ['warn', 'a warning'],
      ['info', 'printed words'],
      ['warn', 'from logging'],
      ['error', 'caught'],
    ])
    expect(lines.every((entry) => entry.traceId === traceId)).toBe(true)
    expect(lines[0]).toMatchObject({ order: 7, extra_field: 'x' })
    expect(lines[3]).toMatchObject({ logger: 'shop.audit' })
    expect(String(lines[4]!.traceback)).toContain('ZeroDivisionError: division by zero')
    const trace = app!.runtime.traces.get(traceId!)!
    expect(trace.spans[0]!.events.filter((event) => event.type === 'log')).toHaveLength(5)
  })
})

describe('values crossing the protocol', () => {
  test('state keys and groups with separators, control characters and non-ASCII text reach the same store unchanged', async () => {
    await load({
      'steps/keys_step.py': `
from motia import http
config = {"name": "Keys", "triggers": [http("POST", "/keys")]}
async def handler(req, ctx):
    for item in req.body["items"]:
        await ctx.state.set(item["group"], item["key"], item)
    return {"status": 200, "body": {"back": [await ctx.state.get(i["group"], i["key"]) for i in req.body["items"]]}}
`,
    })
    const items = [
      { group: 'a/b', key: 'c:d' },
      { group: 'line\nbreak', key: 'nul\u0000byte' },
      { group: 'tab\there', key: '"quoted"\\' },
      { group: 'ünïcödé', key: '日本語 🐍' },
      { group: 'sep\u2028line', key: '\u001b[31mred' },
    ]
    const res = await app!.request('POST', '/keys', { items })
    expect(await json(res)).toEqual({ back: items })
    for (const item of items) expect(await app!.runtime.state.get(item.group, item.key)).toEqual(item)
  })

  test('a 5 MB message and a 5 MB result cross the protocol whole', async () => {
    await load({
      'steps/big_step.py': `
from motia import http, queue
config = {"name": "Big", "triggers": [http("GET", "/big"), queue("big")]}
async def handler(input, ctx):
    if ctx.is_queue():
        await ctx.state.set("big", "length", len(input["text"]))
        return
    return {"status": 200, "body": {"text": "y" * 5_000_000}}
`,
    })
    await app!.runtime.enqueue({ topic: 'big', data: { text: 'x'.repeat(5_000_000) } })
    await app!.waitFor(async () => (await app!.runtime.state.get('big', 'length')) === 5_000_000, 20_000)
    expect(((await json(await app!.request('GET', '/big'))) as { text: string }).text.length).toBe(5_000_000)
  })

  test('a result JSON cannot carry fails the run with a message; NaN travels as null', async () => {
    await load({
      'steps/odd_step.py': `
from motia import http
config = {"name": "Odd", "triggers": [http("GET", "/odd/:what")]}
async def handler(req, ctx):
    if req.path_params["what"] == "object":
        return {"status": 200, "body": object()}
    return {"status": 200, "body": {"nan": float("nan"), "set": {1}}}
`,
    })
    const bad = await app!.request('GET', '/odd/object')
    expect(bad.status).toBe(500)
    expect(app!.logs.find((entry) => entry.level === 'error')?.msg).toContain('the result could not be sent to the runtime: a object cannot be sent as JSON')
    expect(await json(await app!.request('GET', '/odd/nan'))).toEqual({ nan: null, set: [1] })
  })

  test('enqueueing a topic the step does not declare raises in Python with the fix', async () => {
    await load({
      'steps/undeclared_step.py': `
from motia import http
config = {"name": "Undeclared", "triggers": [http("GET", "/u")], "enqueues": []}
async def handler(req, ctx):
    try:
        await ctx.enqueue({"topic": "nowhere", "data": {}})
    except Exception as error:
        return {"status": 200, "body": {"code": error.code, "message": str(error)}}
`,
    })
    expect(await json(await app!.request('GET', '/u'))).toEqual({
      code: 'UNDECLARED_TOPIC',
      message: expect.stringContaining(`enqueues "nowhere" but does not list it in config.enqueues`),
    })
  })

  test('a context call from a task that outlives its run is refused, and the refusal is logged', async () => {
    await load({
      'steps/late_step.py': `
import asyncio
from motia import http, logger
config = {"name": "Late", "triggers": [http("GET", "/late")]}
async def later(ctx):
    await asyncio.sleep(0.05)
    try:
        await ctx.state.set("late", "k", 1)
    except Exception as error:
        print("refused:", error.code)
tasks = set()
async def handler(req, ctx):
    task = asyncio.create_task(later(ctx))
    tasks.add(task)
    return {"status": 200, "body": {}}
`,
    })
    await app!.request('GET', '/late')
    // The run is over: the line is the worker's, no longer the step's.
    await app!.waitFor(() => app!.logs.some((entry) => entry.msg === '[python] refused: RUN_ENDED'), 20_000)
    expect(await app!.runtime.state.get('late', 'k')).toBeUndefined()
  })
})

describe('without pydantic (python3 -S hides site-packages)', () => {
  const files = {
    'steps/todo_stream.py': `
from motia import StreamConfig
config = StreamConfig(name="todo", schema={"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]})
`,
    'steps/add_step.py': `
import sys
from motia import http, Stream, ApiResponse
todos = Stream("todo")
config = {"name": "Add", "triggers": [http("POST", "/todo", body_schema={"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]})], "enqueues": ["added"]}
async def handler(req, ctx):
    await todos.set("inbox", "t1", {"text": req.body["text"]})
    await ctx.enqueue({"topic": "added", "data": {"id": "t1"}})
    return ApiResponse(status=201, body={"pydantic": "pydantic" in sys.modules})
`,
    'steps/added_step.py': `
from motia import queue, state
config = {"name": "Added", "triggers": [queue("added", input={"type": "object", "required": ["id"]})], "enqueues": []}
async def handler(data, ctx):
    item = await ctx.streams.todo.get("inbox", data.id)
    await ctx.state.set("added", data.id, item)
`,
    'steps/uses_pydantic_step.py': `from pydantic import BaseModel\nconfig = {"name": "NeedsPydantic"}\n`,
  }
  test('the SDK runs every step that does not import pydantic; one that does gets a clear load error', async () => {
    await load(files, { MOTIA_PYTHON: 'python3 -S' })
    const res = await app!.request('POST', '/todo', { text: 'milk' })
    expect(res.status).toBe(201)
    expect(await json(res)).toEqual({ pydantic: false })
    expect((await app!.request('POST', '/todo', { nope: 1 })).status).toBe(400)
    await app!.waitFor(async () => (await app!.runtime.state.get('added', 't1')) !== undefined, 20_000)
    expect(await app!.runtime.state.get('added', 't1')).toEqual({ text: 'milk', id: 't1' })
    const errors = app!.logs.filter((entry) => entry.level === 'error').map((entry) => entry.msg)
    expect(errors).toEqual([expect.stringContaining("steps/uses_pydantic_step.py failed to load: ModuleNotFoundError: No module named 'pydantic' (steps/uses_pydantic_step.py:1)")])
  })
})

describe('configs as the runtime reads them', () => {
  test('queue options in Motia and in our spelling, response schemas, query parameters and folder conventions', async () => {
    await load({
      'steps/options_step.py': `
from motia import QueueConfig, QueryParam, http, queue, cron
config = {
    "name": "Options",
    "triggers": [
        queue("a", config=QueueConfig(max_retries=5, visibility_timeout=60, type="fifo", backoff_type="fixed", backoff_delay_ms=10)),
        queue("b", config={"maxRetries": 1, "timeoutMs": 500}),
        {"type": "queue", "topic": "c", "infrastructure": {"queue": {"maxRetries": 7, "visibilityTimeout": 9}}},
        http("GET", "/options", query_params=[QueryParam(name="q", description="search")], response_schema={200: {"type": "object"}}),
        cron("0 * * * *", timeout_ms=1000, allow_overlap=True),
    ],
}
async def handler(input, ctx):
    return {"status": 200, "body": {}}
`,
      'steps/queue/user-created/welcome_step.py': `async def handler(data, ctx):\n    pass\n`,
    })
    const steps = Object.fromEntries(app!.runtime.steps().map((step) => [step.name, step]))
    const triggers = steps.Options!.triggers.map(({ index: _index, ...trigger }) => trigger)
    expect(triggers).toEqual([
      { type: 'queue', topic: 'a', config: { maxRetries: 5, visibilityTimeoutMs: 60_000, type: 'fifo', backoff: { type: 'fixed', delayMs: 10 } } },
      { type: 'queue', topic: 'b', config: { maxRetries: 1, timeoutMs: 500 } },
      { type: 'queue', topic: 'c', config: { maxRetries: 7, visibilityTimeoutMs: 9000 } },
      { type: 'http', method: 'GET', path: '/options', queryParams: [{ name: 'q', description: 'search', required: false }], responseSchema: { '200': { type: 'object' } } },
      { type: 'cron', expression: '0 * * * *', timeoutMs: 1000, allowOverlap: true },
    ])
    expect(steps.Welcome!.triggers).toEqual([{ type: 'queue', topic: 'user-created', index: 0 }])
    expect(steps.Welcome!.language).toBe('python')
  })

  test('a function where the runtime cannot call one is refused with where it is and what may be a function', async () => {
    await load({ 'steps/bad_step.py': `from motia import queue\nconfig = {"name": "Bad", "triggers": [queue("t")], "flows": [len]}\nasync def handler(d, ctx): pass\n` })
    expect(app!.logs.find((entry) => entry.level === 'error')?.msg).toBe(
      "[motia] steps/bad_step.py: flows[0] is a function; only a trigger's condition and middleware may be functions",
    )
  })
})

describe('http middleware written in Python', () => {
  test('runs around the handler in order, may answer by itself, and sees the same ctx', async () => {
    await load({
      'steps/guarded_step.py': `
from motia import http, ApiResponse

async def auth(req, ctx, next):
    if req.headers.get("authorization") != "Bearer ok":
        return ApiResponse(status=401, body={"error": "unauthorized"})
    ctx.state  # the same context the handler gets
    return await next()

async def stamp(req, ctx, next):
    response = await next()
    response.headers["x-stamped"] = ctx.trace_id
    return response

config = {"name": "Guarded", "triggers": [http("GET", "/guarded", middleware=[auth, stamp])]}

async def handler(req, ctx):
    return ApiResponse(status=200, body={"ok": True})
`,
    })
    expect((await app!.request('GET', '/guarded')).status).toBe(401)
    const ok = await app!.request('GET', '/guarded', undefined, { authorization: 'Bearer ok' })
    expect(ok.status).toBe(200)
    expect(ok.headers.get('x-stamped')).toBe(ok.headers.get('x-trace-id'))
  })
})
