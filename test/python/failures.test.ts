/**
 * When Python steps fail, through the real `motia dev`: an exception is retried then
 * dead-lettered with the Python traceback, `NonRetriableError` skips retries, a worker killed with
 * SIGKILL fails its in-flight runs into the queue's retries and is restarted with nothing lost, a
 * hung handler is cut off by its timeout (and a worker whose event loop is blocked is replaced),
 * and a missing interpreter is one line while TypeScript steps keep serving.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { freePort, makeProject, type TempProject } from '../helpers/project.ts'
import { startCli, type CliProcess } from '../helpers/cli.ts'
import { isAlive, peekPath, peekStep, untilPeek, workerPids } from '../helpers/python.ts'

const files = {
  ...peekStep,
  'steps/http/send.post.step.ts': `
    export const config = { name: 'Send', enqueues: ['flaky', 'refuse', 'slow', 'block', 'long'] } as const
    export const handler = async (req: any, { enqueue }: any) => {
      for (const message of req.body.messages) await enqueue(message)
      return { status: 202, body: {} }
    }
  `,
  'steps/http/ping.get_step.py': `
import os
config = {"name": "Ping"}
async def handler(req, ctx):
    return {"status": 200, "body": {"pid": os.getpid()}}
`,
  'steps/flaky_step.py': `
from motia import queue
config = {"name": "Flaky", "triggers": [queue("flaky", config={"maxRetries": 2, "backoff": {"type": "fixed", "delayMs": 10}})]}

def explode(attempt):
    raise ValueError(f"boom on attempt {attempt}")

async def handler(data, ctx):
    await ctx.state.update("flaky", "attempts", [{"type": "increment", "path": "n", "by": 1}])
    explode(ctx.attempt)
`,
  'steps/refuse_step.py': `
from motia import queue, NonRetriableError
config = {"name": "Refuse", "triggers": [queue("refuse", config={"maxRetries": 5})]}

async def handler(data, ctx):
    await ctx.state.update("refuse", "attempts", [{"type": "increment", "path": "n", "by": 1}])
    raise NonRetriableError("order 42 does not exist")
`,
  'steps/slow_step.py': `
import asyncio
from motia import queue
config = {"name": "Slow", "triggers": [queue("slow", config={"timeoutMs": 300, "maxRetries": 0})]}

async def handler(data, ctx):
    await asyncio.sleep(3600)
`,
  'steps/block_step.py': `
import time
from motia import queue
config = {"name": "Block", "triggers": [queue("block", config={"timeoutMs": 300, "maxRetries": 0})]}

async def handler(data, ctx):
    time.sleep(3600)  # blocks the worker's event loop: only a new worker helps
`,
  'steps/long_step.py': `
import asyncio
from motia import queue
config = {"name": "Long", "triggers": [queue("long", config={"maxRetries": 3, "backoff": {"type": "fixed", "delayMs": 50}})]}

async def handler(data, ctx):
    if ctx.attempt == 1:
        await ctx.state.set("long-started", data["id"], True)
        await asyncio.sleep(3600)
    await ctx.state.set("long-done", data["id"], {"attempt": ctx.attempt})
`,
}

let project: TempProject
let cli: CliProcess

const send = (...messages: Array<{ topic: string; data: unknown }>) =>
  cli.fetch('/send', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages }) })
/** The JSON log lines printed after `from`. */
const logLines = (from = 0, output = cli.output()) =>
  output
    .slice(from)
    .split('\n')
    .filter((line) => line.startsWith('{') && line.endsWith('}'))
    .map((line) => JSON.parse(line) as Record<string, any>)
/** Waits for a log line after `from` whose message matches `pattern`. */
const untilLog = async (pattern: RegExp, from: number) => {
  const started = Date.now()
  while (!logLines(from).some((line) => pattern.test(line.msg))) {
    if (Date.now() - started > 30_000) throw new Error(`no log line matched ${pattern}:\n${cli.output().slice(from)}`)
    await Bun.sleep(25)
  }
}

describe('failing Python steps under motia dev', () => {
  beforeAll(async () => {
    project = makeProject(files)
    cli = await startCli(['dev', '--port', String(freePort())], project.root)
  })
  afterAll(async () => {
    await cli.stop()
    project.cleanup()
  })

  test('an exception is retried, then dead-lettered; the log carries the Python traceback', async () => {
    const from = cli.output().length
    await send({ topic: 'flaky', data: {} })
    await untilLog(/dead-lettered a message on "flaky" after 3 attempt\(s\): boom on attempt 3/, from)
    await untilPeek(cli, 'flaky', 'attempts', (v) => v?.n === 3)
    const failure = logLines(from).find((line) => line.msg?.includes('step "Flaky" failed on "flaky" (attempt 1)'))
    expect(failure?.error?.name).toBe('ValueError')
    expect(failure?.error?.stack).toContain('Traceback (most recent call last)')
    expect(failure?.error?.stack).toMatch(/steps\/flaky_step\.py", line 6, in explode/)
    // Through the real CLI: each failure says what comes next.
    expect(failure?.msg).toMatch(/; next attempt in \d+ m?s \(at \d\d:\d\d:\d\d\.\d{3} UTC\), 2 attempts left$/)
    const last = logLines(from).find((line) => line.msg?.includes('step "Flaky" failed on "flaky" (attempt 3)'))
    expect(last?.msg).toEndWith('; no attempts left (maxRetries 2): the message goes to the dead-letter queue')
  })

  test('NonRetriableError goes straight to the dead-letter queue', async () => {
    const from = cli.output().length
    await send({ topic: 'refuse', data: {} })
    await untilLog(/dead-lettered a message on "refuse" after 1 attempt\(s\): order 42 does not exist/, from)
    expect((await cli.json(peekPath('refuse', 'attempts'))) as unknown).toEqual({ value: { n: 1 } })
  })

  test('a hung async handler is cut off by its timeout and the worker keeps serving', async () => {
    const pid = ((await (await cli.fetch('/ping')).json()) as { pid: number }).pid
    const from = cli.output().length
    await send({ topic: 'slow', data: {} })
    await untilLog(/dead-lettered a message on "slow" after 1 attempt\(s\): timed out after 300 ms/, from)
    expect(((await (await cli.fetch('/ping')).json()) as { pid: number }).pid).toBe(pid)
  })

  test('a handler that blocks the event loop is cut off and its worker replaced', async () => {
    const before = ((await (await cli.fetch('/ping')).json()) as { pid: number }).pid
    const from = cli.output().length
    await send({ topic: 'block', data: {} })
    await untilLog(/dead-lettered a message on "block" after 1 attempt\(s\): timed out after 300 ms/, from)
    await untilLog(/did not cancel a run within 5000 ms/, from)
    await cli.until('/ping', (body) => (body as { pid: number }).pid !== before, 30_000)
    expect(isAlive(before)).toBe(false)
  })

  test('a worker killed with SIGKILL is restarted; its in-flight messages are retried and none is lost', async () => {
    const ids = ['a', 'b', 'c', 'd', 'e']
    await send(...ids.map((id) => ({ topic: 'long', data: { id } })))
    for (const id of ids) await untilPeek(cli, 'long-started', id, (v) => v === true)
    const [pid] = workerPids(cli.pid)
    expect(pid).toBeNumber()
    const from = cli.output().length
    process.kill(pid!, 'SIGKILL')
    await untilLog(/the python worker \(pid \d+\) was killed \(SIGKILL\); its runs in flight failed/, from)
    for (const id of ids) await untilPeek(cli, 'long-done', id, (v) => v?.attempt === 2)
    const [after] = workerPids(cli.pid)
    expect(after).not.toBe(pid)
    expect((await cli.fetch('/ping')).status).toBe(200)
  })
})

describe('without a Python interpreter', () => {
  let dir: TempProject
  let server: CliProcess
  beforeAll(async () => {
    dir = makeProject({
      'steps/http/hello.get.step.ts': `export const config = { name: 'Hello' }\nexport const handler = async () => ({ status: 200, body: { ok: true } })`,
      'steps/http/py.get_step.py': `config = {"name": "Py"}\nasync def handler(req, ctx):\n    return {"status": 200}\n`,
      'steps/other_step.py': `from motia import queue\nconfig = {"name": "Other", "triggers": [queue("x")]}\nasync def handler(d, ctx):\n    pass\n`,
    })
    server = await startCli(['start', '--port', String(freePort())], dir.root, { MOTIA_PYTHON: '/nonexistent/python3' })
  })
  afterAll(async () => {
    await server.stop()
    dir.cleanup()
  })

  test('one line names what to install; TypeScript steps keep serving', async () => {
    const lines = logLines(0, server.output()).filter((line) => line.msg.includes('Python steps are not loaded')).map((line) => line.msg)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain('"/nonexistent/python3" could not be started')
    expect(lines[0]).toContain('Install Python 3.10 or newer')
    expect(lines[0]).toContain('not loaded: steps/http/py.get_step.py, steps/other_step.py')
    expect(await (await server.fetch('/hello')).json()).toEqual({ ok: true })
    expect((await server.fetch('/py')).status).toBe(404)
  })
})
