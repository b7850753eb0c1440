import { afterAll, beforeAll, expect, test } from 'bun:test'
import { freePort, makeProject, type TempProject } from '../../test/helpers/project.ts'
import { createMemoryQueue } from '../adapters/queue/memory.ts'
import { createMemoryState } from '../adapters/state/memory.ts'
import { createRuntime, type Runtime } from '../runtime.ts'

// Over a real port: the body limit is enforced by Bun's server, which a socketless request skips.
let project: TempProject
let runtime: Runtime
let base: string

beforeAll(async () => {
  project = makeProject({
    'motia.config.ts': `export default { http: { bodyLimit: 1024 } }`,
    'steps/http/echo.post.step.ts': `export const handler = async (req) => ({ status: 200, body: { size: JSON.stringify(req.body).length } })`,
  })
  runtime = await createRuntime({
    root: project.root,
    mode: 'test',
    logSink: () => {},
    env: { PORT: String(freePort()) },
    adapters: { queue: createMemoryQueue, state: createMemoryState },
  })
  await runtime.load()
  base = (await runtime.listen()).replace('0.0.0.0', '127.0.0.1')
})

afterAll(async () => {
  await runtime.stop()
  project.cleanup()
})

const post = (body: BodyInit) => fetch(new URL('/echo', base), { method: 'POST', headers: { 'content-type': 'application/json' }, body })

test('a body within the configured limit is served', async () => {
  const res = await post(JSON.stringify({ text: 'x'.repeat(900) }))
  expect(res.status).toBe(200)
  expect(await res.json()).toEqual({ size: 911 })
})

test('a body over the configured limit answers 413', async () => {
  const res = await post(JSON.stringify({ text: 'x'.repeat(2000) }))
  expect(res.status).toBe(413)
})

test('a streamed (chunked) body over the limit answers 413 too', async () => {
  const chunk = new TextEncoder().encode('x'.repeat(600))
  let sent = 0
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent++ < 4) controller.enqueue(chunk)
      else controller.close()
    },
  })
  const res = await post(body)
  expect(res.status).toBe(413)
})

test('an unknown route answers a JSON 404 over the socket as well', async () => {
  const res = await fetch(new URL('/nowhere', base))
  expect(res.status).toBe(404)
  expect(await res.json()).toEqual({ error: 'Not Found' })
})
