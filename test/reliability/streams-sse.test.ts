/**
 * The imperative response writer (Motia ≥ 1.0.3) streams: chunks written through
 * `response.stream.write` reach the client while the handler is still running.
 */
import { afterEach, expect, test } from 'bun:test'
import { serveProject, type ServedProject } from '../helpers/streams.ts'

let served: ServedProject | undefined
afterEach(async () => {
  await served?.stop()
  served = undefined
})

const sseStep = `let release
const released = new Promise((resolve) => (release = resolve))
export const config = { triggers: [{ type: 'http', method: 'GET', path: '/sse' }, { type: 'http', method: 'POST', path: '/release' }] }
export const handler = async ({ request, response }, ctx) => {
  if (ctx.trigger.path === '/release') { release(); return { status: 204 } }
  response.status(201)
  response.headers({ 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
  response.stream.write('data: one\\n\\n')
  await released
  response.stream.write('data: two\\n\\n')
  response.close()
}`

test('SSE written through response reaches the client before the handler returns', async () => {
  served = await serveProject({ 'steps/sse.step.ts': sseStep })
  const response = await fetch(`${served.url}/sse`)
  expect(response.status).toBe(201)
  expect(response.headers.get('content-type')).toBe('text/event-stream')
  const reader = response.body!.getReader()
  const decoder = new TextDecoder()
  let text = ''
  while (!text.includes('\n\n')) text += decoder.decode((await reader.read()).value)
  // The handler is still waiting for /release: the first event arrived on its own.
  expect(text).toBe('data: one\n\n')
  expect((await fetch(`${served.url}/release`, { method: 'POST' })).status).toBe(204)
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += decoder.decode(chunk.value)
  expect(text).toBe('data: one\n\ndata: two\n\n')
})

test('a handler that throws after it started streaming ends the stream and fails its span', async () => {
  served = await serveProject({
    'steps/boom.step.ts': `export const config = { triggers: [{ type: 'http', method: 'GET', path: '/boom' }] }
export const handler = async ({ response }) => {
  response.stream.write('data: start\\n\\n')
  await new Promise((r) => setTimeout(r, 20))
  throw new Error('broke mid-stream')
}`,
  })
  const response = await fetch(`${served.url}/boom`)
  expect(response.status).toBe(200)
  expect(await response.text()).toBe('data: start\n\n')
  const spans = served.runtime.traces.list().flatMap((t) => served!.runtime.traces.get(t.id)!.spans)
  expect(spans.find((s) => s.step === 'Boom')?.error).toBe('broke mid-stream')
})
