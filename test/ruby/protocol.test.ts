/**
 * The Ruby worker at the protocol level, with the test playing the runtime's part over its real
 * stdin and stdout: the handshake, garbage on stdin (not JSON, not objects, unknown types, frames
 * without ids), a result over the frame limit, cancels of runs it does not know and of a sleeping
 * run, a flood of invokes, and exit when stdin closes.
 */
import { afterEach, expect, test } from 'bun:test'
import { beforeAllTests } from '../helpers/prerequisites.ts'
import { ruby } from '../../runtime/languages/ruby/index.ts'
import { makeProject, type TempProject } from '../helpers/project.ts'
import { startRawWorker, type RawWorker } from '../helpers/python.ts'
import { requireRuby } from '../helpers/ruby.ts'

let project: TempProject | undefined
let worker: RawWorker | undefined

beforeAllTests(() => requireRuby())

afterEach(async () => {
  worker?.kill()
  await worker?.exited
  project?.cleanup()
  project = worker = undefined
})

const step = `
def config = { name: 'Raw', triggers: [http('POST', '/raw')] }

def handler(req, _ctx)
  sleep 3600 if req.body['sleep']
  { status: 200, body: { size: req.body['size'], text: 'z' * (req.body['size'] || 0) } }
end
`

async function start(maxFrameBytes?: number, env: Record<string, string> = {}) {
  project = makeProject({ 'steps/raw_step.rb': step })
  worker = await startRawWorker(project.root, { language: ruby, maxFrameBytes, env })
  worker.send({ type: 'load', id: 1, file: `${project.root}/steps/raw_step.rb`, kind: 'step' })
  await worker.next((frame) => frame.type === 'result' && frame.id === 1)
  return worker
}

const invoke = (id: number, body: unknown) => ({
  type: 'invoke',
  id,
  file: `${project!.root}/steps/raw_step.rb`,
  function: 'handler',
  input: { method: 'POST', path: '/raw', pathParams: {}, queryParams: {}, headers: {}, body },
  context: { traceId: `t${id}`, step: 'Raw', flows: [], attempt: 1, trigger: { type: 'http', index: 0 } },
})

test('the worker says hello first, naming the protocol, the language and its pid', async () => {
  const w = await start()
  expect(w.frames[0]).toMatchObject({ type: 'hello', protocol: 1, language: 'ruby', languageVersion: expect.stringMatching(/^3\.\d+/), sdk: expect.any(String), pid: expect.any(Number) })
})

test('garbage on stdin is reported on stderr and skipped; the connection goes on', async () => {
  const w = await start()
  w.write('not json at all\n[1,2,3]\n{"no":"type"}\n{"type":"teleport"}\n{"type":"invoke"}\n\n\u0000\u0001\n')
  w.send(invoke(2, { size: 1 }))
  expect(await w.next((frame) => frame.type === 'result' && frame.id === 2)).toMatchObject({ ok: true, value: { status: 200, body: { size: 1, text: 'z' } } })
  const said = w.stderr()
  expect(said).toContain('ignored a line that is not JSON')
  expect(said).toContain('ignored a frame that is not an object')
  expect(said).toContain('ignored a "teleport" frame it does not know')
  expect(said).toContain('ignored a "invoke" frame without a numeric id')
})

test('a result over the frame limit becomes an error result that names the limit', async () => {
  const w = await start(64 * 1024)
  w.send(invoke(2, { size: 200_000 }))
  const result = await w.next((frame) => frame.type === 'result' && frame.id === 2)
  expect(result).toMatchObject({ ok: false, error: { message: expect.stringContaining("over the protocol's limit of 65536 bytes") } })
})

test('a cancel is answered at once, for a sleeping run (killed, no late result) and for a run it does not know', async () => {
  const w = await start()
  w.send(invoke(2, { sleep: true }))
  w.send({ type: 'cancel', run: 2, reason: 'timed out after 300 ms' })
  w.send({ type: 'cancel', run: 999, reason: 'unknown' })
  await w.next((frame) => frame.type === 'cancelled' && frame.run === 2)
  await w.next((frame) => frame.type === 'cancelled' && frame.run === 999)
  // The next run answers; the cancelled one never does.
  w.send(invoke(3, { size: 2 }))
  await w.next((frame) => frame.type === 'result' && frame.id === 3)
  expect(w.frames.some((frame) => frame.type === 'result' && frame.id === 2)).toBe(false)
})

test('runs beyond the thread pool wait for a thread; a cancel frees one, and a run cancelled while it waits never starts', async () => {
  const w = await start(undefined, { MOTIA_RUBY_THREADS: '2' })
  const result = (id: number) => w.frames.find((frame) => frame.type === 'result' && frame.id === id)
  w.send(invoke(2, { sleep: true }))
  w.send(invoke(3, { sleep: true }))
  w.send(invoke(4, { size: 4 }))
  w.send(invoke(5, { size: 5 }))
  // Both threads sleep: 4 and 5 wait. Cancelling 5 while it waits, then 2, lets 4 run on a new thread.
  w.send({ type: 'cancel', run: 5, reason: 'gone' })
  await w.next((frame) => frame.type === 'cancelled' && frame.run === 5)
  expect(result(4)).toBeUndefined()
  w.send({ type: 'cancel', run: 2, reason: 'timed out' })
  expect(await w.next((frame) => frame.type === 'result' && frame.id === 4)).toMatchObject({ ok: true, value: { body: { size: 4 } } })
  w.send(invoke(6, { size: 6 }))
  await w.next((frame) => frame.type === 'result' && frame.id === 6)
  expect(result(5)).toBeUndefined()
  expect(result(2)).toBeUndefined()
})

test('1,000 invokes sent in one write are all answered, each with its own result', async () => {
  const w = await start()
  w.write(Array.from({ length: 1000 }, (_, i) => `${JSON.stringify(invoke(i + 10, { size: i % 7 }))}\n`).join(''))
  await w.next((frame) => frame.type === 'result' && frame.id === 1009)
  for (let i = 0; i < 1000; i++) {
    const result = await w.next((frame) => frame.type === 'result' && frame.id === i + 10)
    expect(result).toMatchObject({ ok: true, value: { body: { size: i % 7 } } })
  }
})

test('the worker exits when its stdin closes', async () => {
  const w = await start()
  w.end()
  expect(await w.exited).toBe(0)
})
