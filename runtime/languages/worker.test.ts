/**
 * The worker protocol attacked from both ends, with the real `python3` worker: a runtime that sends
 * malformed frames, a frame over the agreed limit, and a worker whose steps flood its stdout or
 * write garbage on the protocol's descriptor.
 */
import { afterEach, expect, test } from 'bun:test'
import { createTestRuntime, type TestRuntime } from '../testing/index.ts'
import { makeProject, type TempProject } from '../../test/helpers/project.ts'
import { startRawWorker, type RawWorker } from '../../test/helpers/python.ts'

let project: TempProject | undefined
let worker: RawWorker | undefined
let app: TestRuntime | undefined

afterEach(async () => {
  worker?.kill()
  await worker?.exited
  await app?.stop()
  project?.cleanup()
  worker = app = project = undefined
})

const echoStep = `
from motia import queue
config = {"name": "Echo", "triggers": [queue("echo")]}
async def handler(data, ctx):
    return {"echo": data, "size": len(data["a"]) if isinstance(data, dict) else len(data)}
`

test('malformed frames from the runtime are skipped; the worker answers what it can and keeps serving', async () => {
  project = makeProject({ 'steps/echo_step.py': echoStep, 'steps/exits_step.py': 'import sys\nsys.exit(3)\n' })
  worker = await startRawWorker(project.root)
  worker.write('this is not json\n[1, 2]\n{"type": "bogus"}\n{"type": "invoke"}\n\n')
  worker.send({ type: 'invoke', id: 1, file: `${project.root}/steps/nope_step.py`, function: 'handler', input: null })
  const unknown = await worker.next((f) => f.type === 'result' && f.id === 1)
  expect(unknown).toMatchObject({ ok: false, error: { code: 'NOT_LOADED' } })
  worker.send({ type: 'load', id: 2, file: `${project.root}/steps/exits_step.py`, kind: 'step' })
  expect(await worker.next((f) => f.type === 'result' && f.id === 2)).toMatchObject({ ok: false, error: { name: 'SystemExit' } })
  worker.send({ type: 'cancel', run: 999, reason: 'no such run' })
  expect(await worker.next((f) => f.type === 'cancelled')).toEqual({ type: 'cancelled', run: 999 })
  worker.send({ type: 'load', id: 3, file: `${project.root}/steps/echo_step.py`, kind: 'step' })
  expect(await worker.next((f) => f.type === 'result' && f.id === 3)).toMatchObject({ ok: true, value: { config: { name: 'Echo', triggers: [{ type: 'queue', topic: 'echo' }] } } })
  const context = { traceId: 't', step: 'Echo', flows: [], attempt: 1, trigger: { type: 'queue', topic: 'echo', index: 0 } }
  worker.send({ type: 'invoke', id: 4, file: `${project.root}/steps/echo_step.py`, function: 'handler', input: { a: '\u0000\n' }, context })
  expect(await worker.next((f) => f.type === 'result' && f.id === 4)).toEqual({ type: 'result', id: 4, ok: true, value: { echo: { a: "\u0000\n" }, size: 2 } })
  expect(worker.stderr()).toContain('ignored a line that is not JSON')
  expect(worker.stderr()).toContain("ignored a 'bogus' frame")
})

test('a result over the agreed frame limit becomes an error result naming the limit', async () => {
  project = makeProject({ 'steps/echo_step.py': echoStep })
  worker = await startRawWorker(project.root, { maxFrameBytes: 2000 })
  worker.send({ type: 'load', id: 1, file: `${project.root}/steps/echo_step.py`, kind: 'step' })
  await worker.next((f) => f.type === 'result' && f.id === 1)
  const context = { traceId: 't', step: 'Echo', flows: [], attempt: 1, trigger: { type: 'queue', topic: 'echo', index: 0 } }
  worker.send({ type: 'invoke', id: 2, file: `${project.root}/steps/echo_step.py`, function: 'handler', input: 'z'.repeat(5000), context })
  const result = await worker.next((f) => f.type === 'result' && f.id === 2)
  expect(result).toMatchObject({ ok: false, error: { message: expect.stringContaining("over the protocol's limit of 2000 bytes") } })
})

test('the worker exits when its stdin closes', async () => {
  project = makeProject({})
  worker = await startRawWorker(project.root)
  worker.end()
  expect(await worker.exited).toBe(0)
})

test('a step flooding stdout cannot break a frame: the lines are logged at a bounded rate and the rest counted', async () => {
  project = makeProject({
    'steps/flood_step.py': `
import os
from motia import http
config = {"name": "Flood", "triggers": [http("GET", "/flood")]}
def handler(req, ctx):
    for i in range(20000):
        os.write(1, b"junk line %d that is not a frame\\n" % i)
    return {"status": 200, "body": {"done": True}}
`,
  })
  app = await createTestRuntime({ root: project.root })
  expect(await (await app.request('GET', '/flood')).json()).toEqual({ done: true })
  await app.waitFor(() => app!.logs.some((entry) => /more line\(s\) of stderr were not logged/.test(entry.msg)), 20_000)
  const shown = app.logs.filter((entry) => entry.msg.startsWith('[python] junk line'))
  const summaries = app.logs.filter((entry) => /more line\(s\) of stderr were not logged/.test(entry.msg))
  const dropped = summaries.reduce((sum, entry) => sum + Number(/(\d+) more line/.exec(entry.msg)![1]), 0)
  expect(shown.length + dropped).toBeLessThanOrEqual(20000)
  expect(shown.length).toBeLessThan(20000)
  expect(dropped).toBeGreaterThan(0)
})

test('garbage written on the protocol descriptor is reported, and the runs go on', async () => {
  project = makeProject({
    'steps/garbage_step.py': `
import os
from motia import http
def protocol_fd():
    # The worker duplicates its stdout before anything else opens a descriptor: the lowest one
    # above 2 that is not stdin's or stderr's pipe.
    own = {os.readlink(f"/proc/self/fd/{fd}") for fd in (0, 1, 2)}
    for fd in sorted(int(name) for name in os.listdir("/proc/self/fd")):
        try:
            link = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if fd > 2 and link not in own:
            return fd
config = {"name": "Garbage", "triggers": [http("GET", "/garbage")]}
async def handler(req, ctx):
    os.write(protocol_fd(), b"\\x00\\xff not a frame\\n{\\"type\\": 1}\\n")
    return {"status": 200, "body": {"after": "garbage"}}
`,
  })
  app = await createTestRuntime({ root: project.root })
  expect(await (await app.request('GET', '/garbage')).json()).toEqual({ after: 'garbage' })
  expect(await (await app.request('GET', '/garbage')).json()).toEqual({ after: 'garbage' })
  const reports = app.logs.filter((entry) => entry.level === 'warn' && entry.msg.includes('python worker'))
  expect(reports.map((entry) => entry.msg)).toEqual(expect.arrayContaining([expect.stringMatching(/sent a line that is not JSON/), expect.stringMatching(/sent a line that is not a frame/)]))
})
