/**
 * Python step files written the way Motia's users and Motia's own Python playground write them,
 * run unmodified by the real `motia dev` with the system `python3`: Motia 1.0 (trigger helpers,
 * module-level `Stream`/`logger`/`enqueue`/`stateManager`, one-argument handlers, `ctx.match`,
 * conditions) and Motia 0.x (`type: 'api' | 'event'`, `ctx.emit`, `ctx.state.set(ctx.trace_id, ...)`,
 * pydantic `model_json_schema()` inputs), mixed with TypeScript steps in the same flows.
 */
import { afterEach, describe, expect, test } from 'bun:test'
import { freePort, makeProject, type TempProject } from '../helpers/project.ts'
import { startCli, type CliProcess } from '../helpers/cli.ts'
import { untilPeek } from '../helpers/python.ts'
import { motia0, playground } from './python-projects.fixtures.ts'

let project: TempProject | undefined
let cli: CliProcess | undefined

afterEach(async () => {
  await cli?.stop()
  project?.cleanup()
  cli = project = undefined
})

async function dev(files: Record<string, string>): Promise<CliProcess> {
  project = makeProject(files)
  cli = await startCli(['dev', '--port', String(freePort())], project.root)
  return cli
}

const send = (c: CliProcess, method: string, path: string, body?: unknown) =>
  c.fetch(path, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })

const until = untilPeek

describe("Motia 1.0 Python steps, as Motia's playground writes them", () => {
  test('load with no error, and the greetings stream API works through one-argument handlers and ctx.match', async () => {
    const c = await dev(playground)
    expect(c.output()).not.toMatch(/"level":"error"/)
    expect(await (await send(c, 'GET', '/greet?name=ada')).json()).toEqual({ name: 'ada', message: 'Hello, ada!' })
    await send(c, 'GET', '/greet?name=bo')
    const summary = (await (await send(c, 'GET', '/greetings/summary')).json()) as { count: number; greetings: Array<{ name: string }> }
    expect(summary.count).toBe(2)
    expect(summary.greetings.map((g) => g.name).sort()).toEqual(['ada', 'bo'])
    expect((await send(c, 'DELETE', '/greetings/bo')).status).toBe(204)
    expect(((await (await send(c, 'GET', '/greetings/summary')).json()) as { count: number }).count).toBe(1)
  })

  test('a state write from Python fires the Python state step (lambda condition), whose module-level enqueue reaches TypeScript', async () => {
    const c = await dev(playground)
    expect(await (await send(c, 'POST', '/users/u1/status', { status: 'away' })).json()).toEqual({ user_id: 'u1', status: 'away' })
    await until(c, 'audit', 'u1', (value) => value?.new_status === 'away')
    expect((await (await send(c, 'GET', '/peek/audit/u1')).json()) as unknown).toEqual({ value: { user_id: 'u1', old_status: null, new_status: 'away' } })
  })

  test('an http condition written in Python admits or refuses (404) the request', async () => {
    const c = await dev(playground)
    const premium = { amount: 5000, user: { verified: true } }
    expect((await send(c, 'POST', '/orders/premium', premium)).status).toBe(200)
    expect((await send(c, 'POST', '/orders/premium', { amount: 5000, user: { verified: false } })).status).toBe(404)
    expect((await send(c, 'POST', '/orders/premium', { amount: 10, user: { verified: true } })).status).toBe(404)
  })

  test('a dual-trigger step answers http with ctx.trigger.path, and its queue messages with ctx.trigger.topic', async () => {
    const c = await dev(playground)
    expect(await (await send(c, 'POST', '/test/dual', { n: 1 })).json()).toEqual({ message: 'Dual trigger via API', path: '/test/dual' })
    const res = await send(c, 'POST', '/send-dual', { n: 2 })
    await until(c, 'dual', 'processed', (value) => value?.topic === 'test.dual')
    expect(((await (await send(c, 'GET', '/peek/dual/processed')).json()) as { value: { traceId: string } }).value.traceId).toBe(res.headers.get('x-trace-id')!)
  })
})

describe('Motia 0.x Python steps', () => {
  test('the quickstart Python event step (pydantic model_json_schema input, ctx.emit) sits between two TypeScript 0.x steps', async () => {
    const c = await dev(motia0)
    expect(c.output()).not.toMatch(/"level":"error"/)
    const res = await send(c, 'POST', '/hello', { extra: 'x' })
    expect(res.status).toBe(200)
    await until(c, 'hello', 'response', (value) => value?.extra === 'x-py')
    expect(((await (await send(c, 'GET', '/peek/hello/response')).json()) as { value: { traceId: string } }).value.traceId).toBe(res.headers.get('x-trace-id')!)
  })

  test("ctx.traceId, ctx.state.set(ctx.trace_id, ...) and ctx.emit across Python and TypeScript", async () => {
    const c = await dev(motia0)
    const res = await send(c, 'POST', '/test', {})
    const body = (await res.json()) as { traceId: string }
    expect(body.traceId).toBe(res.headers.get('x-trace-id')!)
    await until(c, 'checks', 'python_state', (value) => value !== null)
    expect((await (await send(c, 'GET', '/peek/checks/python_state')).json()) as unknown).toEqual({ value: { matches: true, traceId: body.traceId } })
  })

  test('dict data with input_data.get(...) in a 0.x event step', async () => {
    const c = await dev(motia0)
    await send(c, 'POST', '/users/fetch', { users: ['a', 'b', 'c'] })
    await until(c, 'processed', 'last', (value) => value?.count === 3)
  })
})
