/**
 * Issue 9, point 6, over a real port: `http.cors` and `http.middleware` in `motia.config.ts`,
 * through Bun's own router (preflights of paths with no OPTIONS route reach the catch-all).
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { makeProject, type TempProject } from '../helpers/project.ts'
import { createMemoryQueue } from '../../runtime/adapters/queue/memory.ts'
import { createMemoryState } from '../../runtime/adapters/state/memory.ts'
import { createRuntime, type Runtime } from '../../runtime/runtime.ts'

let project: TempProject
let runtime: Runtime
let base: string

beforeAll(async () => {
  project = makeProject({
    'motia.config.ts': `
      import { defineConfig } from 'motia'
      export default defineConfig({
        http: {
          cors: { origin: ['https://app.example'], credentials: true, maxAge: 300, exposeHeaders: ['x-trace-id', 'x-total'] },
          middleware: [
            async (req, ctx, next) => {
              if (req.headers['x-api-key'] !== 'k1') return { status: 401, body: { error: 'no api key' } }
              return next()
            },
          ],
        },
      })
    `,
    'steps/http/items/[id].get.step.ts': `export const handler = async (req) => ({ status: 200, headers: { 'x-total': '1' }, body: { id: req.params.id } })`,
    'steps/http/items/[id].put.step.ts': `export const handler = async (req) => ({ status: 200, body: req.body })`,
  })
  runtime = await createRuntime({
    root: project.root,
    mode: 'test',
    logSink: () => {},
    env: { PORT: '0' },
    adapters: { queue: createMemoryQueue, state: createMemoryState },
  })
  await runtime.load()
  base = await runtime.listen()
})

afterAll(async () => {
  await runtime.stop()
  project.cleanup()
})

const at = (path: string) => new URL(path, base)

test('a preflight from an allowed origin is answered by the server, before any middleware', async () => {
  const res = await fetch(at('/items/1'), {
    method: 'OPTIONS',
    headers: { origin: 'https://app.example', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type, x-api-key' },
  })
  expect(res.status).toBe(204)
  expect(Object.fromEntries(Object.entries(res.headers.toJSON()).filter(([k]) => k.startsWith('access-control')))).toEqual({
    'access-control-allow-origin': 'https://app.example',
    'access-control-allow-credentials': 'true',
    'access-control-allow-methods': 'GET, HEAD, PUT, OPTIONS',
    'access-control-allow-headers': 'content-type, x-api-key',
    'access-control-max-age': '300',
  })
})

test('the actual request carries the allow headers and runs through the project middleware', async () => {
  const res = await fetch(at('/items/7'), { headers: { origin: 'https://app.example', 'x-api-key': 'k1' } })
  expect(await res.json()).toEqual({ id: '7' })
  expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example')
  expect(res.headers.get('access-control-expose-headers')).toBe('x-trace-id, x-total')
  expect(res.headers.get('vary')).toContain('Origin')
  const put = await fetch(at('/items/7'), { method: 'PUT', headers: { origin: 'https://app.example', 'x-api-key': 'k1', 'content-type': 'application/json' }, body: '{"n":1}' })
  expect(await put.json()).toEqual({ n: 1 })
  expect(put.headers.get('access-control-allow-origin')).toBe('https://app.example')
})

test('project middleware answers for every step; its answer is readable cross-origin too', async () => {
  const res = await fetch(at('/items/7'), { headers: { origin: 'https://app.example' } })
  expect(res.status).toBe(401)
  expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example')
})

test('another origin gets no allow headers (its browser will not read the answer)', async () => {
  const pre = await fetch(at('/items/1'), { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'PUT' } })
  expect(pre.headers.get('access-control-allow-origin')).toBeNull()
  const res = await fetch(at('/items/7'), { headers: { origin: 'https://evil.example', 'x-api-key': 'k1' } })
  expect(res.headers.get('access-control-allow-origin')).toBeNull()
})

test('a bad cors option stops the start with one line naming the field', async () => {
  const bad = makeProject({ 'motia.config.ts': `export default { http: { cors: { origin: '*', credentials: true } } }` })
  try {
    await expect(createRuntime({ root: bad.root, mode: 'test', logSink: () => {}, env: {}, adapters: { queue: createMemoryQueue, state: createMemoryState } })).rejects.toThrow(
      "[motia] motia.config.ts: http.cors.credentials cannot be combined with origin '*' (browsers refuse it): list the origins, or pass a function",
    )
  } finally {
    bad.cleanup()
  }
})
