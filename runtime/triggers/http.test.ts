import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createTestRuntime, type TestRuntime } from '../testing/index.ts'
import { makeProject, type TempProject } from '../../test/helpers/project.ts'
import type { Trace } from '../adapters/traces/types.ts'

let project: TempProject
let app: TestRuntime

const steps = {
  'steps/http/users/[id].get.step.ts': `
    export const config = { name: 'GetUser' }
    export const handler = async (req) => ({ status: 200, headers: { 'X-Custom': 'yes' }, body: { id: req.params.id, query: req.query, path: req.path } })
  `,
  'steps/http/users/index.post.step.ts': `
    import { z } from 'zod'
    export const config = { name: 'CreateUser', triggers: [{ type: 'http', bodySchema: z.object({ name: z.string().min(2), age: z.number().int().default(18) }) }] }
    export const handler = async (req) => ({ status: 201, body: req.body })
  `,
  'steps/http/json-schema.put.step.ts': `
    export const config = { triggers: [{ type: 'http', bodySchema: { type: 'object', required: ['n'], properties: { n: { type: 'number' } } } }] }
    export const handler = async (req) => ({ status: 200, body: req.body })
  `,
  'steps/http/boom.get.step.ts': `
    export const handler = async () => { throw new Error('database password is hunter2') }
  `,
  'steps/http/teapot.get.step.ts': `
    import { MotiaError } from 'motia'
    export const handler = async () => { throw new MotiaError('no coffee here', { status: 418 }) }
  `,
  'steps/http/typed.get.step.ts': `
    import { z } from 'zod'
    export const config = { triggers: [{ type: 'http', responseSchema: { 200: z.object({ ok: z.boolean() }) } }] }
    export const handler = async (req) => ({ status: 200, body: req.query.bad ? { ok: 'nope' } : { ok: true } })
  `,
  'steps/http/guarded.get.step.ts': `
    const order = []
    const first = async (req, ctx, next) => { order.push('first'); const res = await next(); return { ...res, headers: { ...res.headers, 'x-order': [...order, 'after'].join(',') } } }
    const second = async (req, ctx, next) => { order.push('second'); if (req.headers.authorization !== 'Bearer ok') return { status: 401, body: { error: 'unauthorized' } }; return next() }
    export const config = { triggers: [{ type: 'http', middleware: [first, second] }] }
    export const handler = async () => { order.push('handler'); const body = { order: [...order] }; order.length = 0; return { status: 200, body } }
  `,
  'steps/http/events.get.step.ts': `
    export const handler = async () => ({
      status: 200,
      body: (async function* () {
        yield { event: 'tick', id: '1', data: { n: 1 } }
        yield 'plain text'
      })(),
    })
  `,
  'steps/http/form.post.step.ts': `
    export const config = { triggers: [{ type: 'http', contentTypes: ['application/json', 'application/x-www-form-urlencoded'] }] }
    export const handler = async (req) => ({ status: 200, body: { body: req.body, nullProto: Object.getPrototypeOf(req.body) === null } })
  `,
  'steps/http/echo.post.step.ts': `
    export const handler = async (req) => ({ status: 200, body: { body: req.body ?? null } })
  `,
  'steps/http/checked.post.step.ts': `
    export const config = { triggers: [{ type: 'http', bodySchema: { type: 'object' } }] }
    export const handler = async (req) => ({ status: 200, body: { body: req.body ?? null } })
  `,
  // No bodySchema: any body, as in Motia. What was not parsed is read by the handler.
  'steps/http/any.post.step.ts': `
    export const handler = async (req) => {
      const type = req.headers['content-type'] ?? ''
      const raw = req.body !== undefined ? null : type.startsWith('multipart/') ? Object.fromEntries(await req.raw.formData()) : await new Response(req.request.requestBody).text()
      return { status: 200, body: { body: req.body ?? null, raw } }
    }
  `,
  'steps/http/documented.get.step.ts': `
    import { z } from 'zod'
    export const config = { triggers: [{ type: 'http', bodySchema: z.object({ name: z.string() }), queryParams: z.object({ q: z.string().optional() }) }] }
    export const handler = async (req) => ({ status: 200, body: { body: req.body ?? null, q: req.query.q ?? null } })
  `,
  'steps/http/raw.post.step.ts': `
    export const config = { triggers: [{ type: 'http', contentTypes: ['text/*', 'application/octet-stream'] }] }
    export const handler = async (req) => ({ status: 200, body: { body: req.body ?? null, text: await req.raw.text() } })
  `,
  'steps/http/keys.get.step.ts': `
    export const handler = async (req) => ({
      status: 200,
      body: {
        query: req.query,
        own: Object.keys(req.query),
        queryProto: Object.getPrototypeOf(req.query) === null,
        protoHeader: req.headers['__proto__'] ?? null,
        inheritedHeader: typeof req.headers.constructor,
        clean: ({}).x === undefined && typeof ({}).constructor === 'function',
      },
    })
  `,
  'steps/http/keys-checked.get.step.ts': `
    import { z } from 'zod'
    export const config = { triggers: [{ type: 'http', queryParams: z.object({ constructor: z.string(), tag: z.array(z.string()) }) }] }
    export const handler = async (req) => ({ status: 200, body: { tag: req.query.tag } })
  `,
  'steps/http/plain.get.step.ts': `
    export const handler = (req) => ({ status: 200, body: { sync: true, q: req.query.q } })
  `,
  'steps/http/slow.get.step.ts': `
    export const handler = async () => { await Bun.sleep(5); return { status: 200, body: { waited: true } } }
  `,
  'steps/http/slow-boom.get.step.ts': `
    export const handler = async () => { await Bun.sleep(5); throw new Error('failed after waiting') }
  `,
  'steps/http/plain-boom.get.step.ts': `
    export const handler = () => { throw new Error('thrown before any await') }
  `,
  'steps/http/empty.delete.step.ts': `
    export const handler = async () => undefined
  `,
}

beforeAll(async () => {
  project = makeProject(steps)
  app = await createTestRuntime({ root: project.root })
})

afterAll(async () => {
  await app.stop()
  project.cleanup()
})

describe('http trigger', () => {
  test('path params, repeated query params and custom headers reach the client', async () => {
    const res = await app.request('GET', '/users/42?tag=a&tag=b&q=x')
    expect(res.status).toBe(200)
    expect(res.headers.get('x-custom')).toBe('yes')
    expect(await res.json()).toEqual({ id: '42', query: { tag: ['a', 'b'], q: 'x' }, path: '/users/42' })
  })

  test('every response carries x-trace-id', async () => {
    const res = await app.request('GET', '/users/1')
    expect(res.headers.get('x-trace-id')).toMatch(/^[0-9a-f]{32}$/)
  })

  test('a valid body is parsed by the schema (defaults applied)', async () => {
    const res = await app.request('POST', '/users', { name: 'Ada' })
    expect(res.status).toBe(201)
    expect(await res.json()).toEqual({ name: 'Ada', age: 18 })
  })

  test('a schema violation answers 400 listing the issues', async () => {
    const res = await app.request('POST', '/users', { name: 'A', age: 'old' })
    expect(res.status).toBe(400)
    const body = (await res.json()) as { error: string; issues: Array<{ path: string[] }> }
    expect(body.error).toBe('Invalid request body')
    expect(body.issues.map((i) => i.path.join('.')).sort()).toEqual(['age', 'name'])
  })

  test('JSON Schema bodies are validated too', async () => {
    expect((await app.request('PUT', '/json-schema', { n: 1 })).status).toBe(200)
    const bad = await app.request('PUT', '/json-schema', { n: 'one' })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { issues: Array<{ path: string[] }> }).issues[0]!.path).toEqual(['n'])
  })

  test('invalid JSON answers 400', async () => {
    const res = await app.request('POST', '/users', '{"name": ', { 'content-type': 'application/json' })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ error: 'Invalid JSON body' })
  })

  test('an unknown route answers 404', async () => {
    const res = await app.request('GET', '/nope')
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({ error: 'Not Found' })
  })

  test('a throwing handler answers a generic 500 and logs the stack', async () => {
    const res = await app.request('GET', '/boom')
    expect(res.status).toBe(500)
    const text = await res.text()
    expect(text).not.toContain('hunter2')
    expect(JSON.parse(text).error).toBe('Internal Server Error')
    const entry = app.logs.find((l) => l.level === 'error' && l.msg.includes('hunter2'))
    expect((entry?.error as { stack?: string } | undefined)?.stack).toContain('boom.get.step.ts')
  })

  test('a handler that is not async answers like any other, its run recorded as a span', async () => {
    const res = await app.request('GET', '/plain?q=1')
    expect(await res.json()).toEqual({ sync: true, q: '1' })
    const trace = (await (await app.request('GET', `/__motia/traces/${res.headers.get('x-trace-id')}`)).json()) as Trace
    expect(trace.spans.map((s) => [s.step, s.status])).toEqual([['GetPlain', 'ok']])
  })

  test('a handler that waits answers when it is done, and a failure after waiting is a 500', async () => {
    const res = await app.request('GET', '/slow')
    expect(await res.json()).toEqual({ waited: true })
    const failed = await app.request('GET', '/slow-boom')
    expect(failed.status).toBe(500)
    const trace = (await (await app.request('GET', `/__motia/traces/${failed.headers.get('x-trace-id')}`)).json()) as Trace
    expect(trace.spans.map((s) => [s.status, s.error])).toEqual([['error', 'failed after waiting']])
  })

  test('a handler that throws before returning answers 500 and fails its span', async () => {
    const res = await app.request('GET', '/plain-boom')
    expect(res.status).toBe(500)
    expect(await res.json()).toEqual({ error: 'Internal Server Error', traceId: res.headers.get('x-trace-id') })
    const trace = (await (await app.request('GET', `/__motia/traces/${res.headers.get('x-trace-id')}`)).json()) as Trace
    expect(trace.spans.map((s) => [s.status, s.error])).toEqual([['error', 'thrown before any await']])
  })

  test('a known path with another method answers 405 with Allow', async () => {
    const res = await app.request('PATCH', '/plain')
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toBe('GET, HEAD, OPTIONS')
    expect(await res.json()).toEqual({ error: 'Method Not Allowed: /plain answers GET, HEAD, OPTIONS' })
  })

  test('the Allow header of a parameterised path lists every method that owns it', async () => {
    const res = await app.request('DELETE', '/users')
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toBe('POST, OPTIONS')
    expect((await app.request('PUT', '/users/7/')).headers.get('allow')).toBe('GET, HEAD, OPTIONS')
  })

  test('OPTIONS on a known path answers 204 with Allow; on an unknown one 404', async () => {
    const res = await app.request('OPTIONS', '/users/7')
    expect(res.status).toBe(204)
    expect(res.headers.get('allow')).toBe('GET, HEAD, OPTIONS')
    expect((await app.request('OPTIONS', '/nope')).status).toBe(404)
  })

  test('a method no route implements answers 501', async () => {
    const res = await app.request('PROPFIND', '/plain')
    expect(res.status).toBe(501)
    expect(await res.json()).toEqual({ error: 'Not Implemented: this server does not answer PROPFIND requests' })
  })

  test('a path with malformed percent-encoding answers 400, on a route with parameters or not', async () => {
    for (const path of ['/users/%E0%A4%A', '/users/%zz', '/nope/%C0%AF']) {
      const res = await app.request('GET', path)
      expect(res.status).toBe(400)
      expect(((await res.json()) as { error: string }).error).toContain('malformed percent-encoding')
    }
    // Well-formed escapes, a literal replacement character included, still reach the step.
    expect(await (await app.request('GET', '/users/%EF%BF%BD%20x')).json()).toMatchObject({ id: '\uFFFD x' })
  })

  test('a MotiaError with a 4xx status answers that status', async () => {
    const res = await app.request('GET', '/teapot')
    expect(res.status).toBe(418)
    expect(await res.json()).toEqual({ error: 'no coffee here' })
  })

  test('a body that breaks responseSchema answers 500 and logs why', async () => {
    expect((await app.request('GET', '/typed')).status).toBe(200)
    const res = await app.request('GET', '/typed?bad=1')
    expect(res.status).toBe(500)
    expect(app.logs.some((l) => l.msg.includes('does not match responseSchema[200]'))).toBe(true)
  })

  test('middleware runs in order around the handler', async () => {
    const res = await app.request('GET', '/guarded', undefined, { authorization: 'Bearer ok' })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ order: ['first', 'second', 'handler'] })
    expect(res.headers.get('x-order')).toBe('after')
  })

  test('middleware can answer without calling the handler', async () => {
    const res = await app.request('GET', '/guarded')
    expect(res.status).toBe(401)
    expect(res.headers.get('x-order')).toBe('first,second,after')
  })

  test('an async iterable body streams server-sent events', async () => {
    const res = await app.request('GET', '/events')
    expect(res.headers.get('content-type')).toBe('text/event-stream')
    expect(await res.text()).toBe('event: tick\nid: 1\ndata: {"n":1}\n\ndata: plain text\n\n')
  })

  test('form bodies are parsed into an object when the route lists the type', async () => {
    const res = await app.request('POST', '/form', 'a=1&b=two&b=3&__proto__=x', { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' })
    expect(await res.json()).toEqual({ body: { a: '1', b: ['two', '3'], ['__proto__']: 'x' }, nullProto: true })
  })

  test('a route with a bodySchema answers 415 to a body of another type, naming the accepted types', async () => {
    for (const type of ['text/plain;charset=json', 'text/json', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'json', '']) {
      const res = await app.request('POST', '/checked', '{"a":1}', type ? { 'content-type': type } : {})
      expect(res.status).toBe(415)
      const { error } = (await res.json()) as { error: string }
      expect(error).toContain('accepts application/json bodies (and any +json type)')
      expect(error).toContain(type ? `got content-type "${type}"` : 'got no content-type')
    }
    expect(await (await app.request('POST', '/checked', '{"a":1}', { 'content-type': 'application/json' })).json()).toEqual({ body: { a: 1 } })
    const form = await app.request('POST', '/form', 'hello', { 'content-type': 'text/plain' })
    expect(form.status).toBe(415)
    expect(((await form.json()) as { error: string }).error).toContain('accepts application/json, application/x-www-form-urlencoded bodies')
  })

  test('a route without a bodySchema takes any body, as Motia does: JSON and forms parsed, text as a string, the rest left for the handler', async () => {
    const send = async (body: BodyInit, headers: Record<string, string> = {}) => (await app.request('POST', '/any', body, headers)).json()
    expect(await send('{"a":1}', { 'content-type': 'application/json' })).toEqual({ body: { a: 1 }, raw: null })
    expect(await send('a=1&b=2', { 'content-type': 'application/x-www-form-urlencoded' })).toEqual({ body: { a: '1', b: '2' }, raw: null })
    expect(await send('plain words', { 'content-type': 'text/plain;charset=utf-8' })).toEqual({ body: 'plain words', raw: null })
    expect(await send('<b>x</b>', { 'content-type': 'text/html' })).toEqual({ body: '<b>x</b>', raw: null })
    // Not read before the handler: the body stream (request.requestBody) and multipart form data.
    expect(await send('\u0000\u0001bytes', { 'content-type': 'application/octet-stream' })).toEqual({ body: null, raw: '\u0000\u0001bytes' })
    expect(await send('no type at all')).toEqual({ body: null, raw: 'no type at all' })
    const form = new FormData()
    form.set('field', 'value')
    const multipart = new Response(form)
    const type = multipart.headers.get('content-type')!
    const res = await app.request('POST', '/any', await multipart.text(), { 'content-type': type })
    expect(await res.json()).toEqual({ body: null, raw: { field: 'value' } })
    // Malformed JSON is still a 400: the type says JSON.
    expect((await app.request('POST', '/any', '{', { 'content-type': 'application/json' })).status).toBe(400)
  })

  test('a bodySchema on a GET is not applied to its empty body; the query schema still is', async () => {
    const res = await app.request('GET', '/documented?q=x')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ body: null, q: 'x' })
    expect((await app.request('GET', '/documented?q=1&q=2')).status).toBe(400)
  })

  test('JSON media types, +json ones and parameters included, are parsed', async () => {
    for (const type of ['application/json', 'Application/JSON; charset=utf-8', 'application/problem+json', 'application/vnd.api+json;v=1']) {
      const res = await app.request('POST', '/echo', '{"a":1}', { 'content-type': type })
      expect(await res.json()).toEqual({ body: { a: 1 } })
    }
  })

  test('an empty body needs no content type', async () => {
    const res = await app.request('POST', '/echo')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ body: null })
    expect((await app.request('POST', '/echo', '', { 'content-type': 'text/plain' })).status).toBe(200)
  })

  test('a listed type that is neither JSON nor a form is left unread for the handler', async () => {
    const res = await app.request('POST', '/raw', 'line one\nline two', { 'content-type': 'text/csv' })
    expect(await res.json()).toEqual({ body: null, text: 'line one\nline two' })
    expect((await app.request('POST', '/raw', '{}', { 'content-type': 'application/json' })).status).toBe(415)
  })

  test('query names and header names are own keys of null-prototype objects', async () => {
    const res = await app.request('GET', '/keys?__proto__=x&constructor=y&toString=z&tag=a&tag=b&hasOwnProperty=h', undefined, JSON.parse('{"__proto__":"p"}'))
    expect(await res.json()).toEqual({
      query: { ['__proto__']: 'x', constructor: 'y', toString: 'z', tag: ['a', 'b'], hasOwnProperty: 'h' },
      own: ['__proto__', 'constructor', 'toString', 'tag', 'hasOwnProperty'],
      queryProto: true,
      protoHeader: 'p',
      inheritedHeader: 'undefined',
      clean: true,
    })
  })

  test('a query schema validates the null-prototype query', async () => {
    const res = await app.request('GET', '/keys-checked?constructor=y&tag=a&tag=b')
    expect(await res.json()).toEqual({ tag: ['a', 'b'] })
    expect((await app.request('GET', '/keys-checked?tag=a&tag=b')).status).toBe(400)
  })

  test('a handler returning nothing answers 204', async () => {
    expect((await app.request('DELETE', '/empty')).status).toBe(204)
  })

  test('GET /__motia/health answers ok', async () => {
    const res = await app.request('GET', '/__motia/health')
    expect(await res.json()).toMatchObject({ status: 'ok', steps: Object.keys(steps).length })
  })
})

describe('project middleware (http.middleware in motia.config.ts)', () => {
  let other: TempProject
  let site: TestRuntime

  beforeAll(async () => {
    other = makeProject({
      'motia.config.ts': `
        const seen = []
        export default {
          http: {
            middleware: [
              async (req, ctx, next) => {
                if (req.headers['x-block']) return { status: 403, body: { error: 'blocked by the project' } }
                const res = await next()
                return { ...res, headers: { ...res.headers, 'x-project': ctx.trigger.type } }
              },
            ],
          },
        }
      `,
      'steps/http/own.get.step.ts': `
        const mine = async (req, ctx, next) => { const res = await next(); return { ...res, headers: { ...res.headers, 'x-step': 'own' } } }
        export const config = { triggers: [{ type: 'http', middleware: [mine] }] }
        export const handler = async () => ({ status: 200, body: { ok: true } })
      `,
      'steps/http/plain.get.step.ts': `export const handler = () => ({ status: 200, body: { plain: true } })`,
    })
    site = await createTestRuntime({ root: other.root })
  })

  afterAll(async () => {
    await site.stop()
    other.cleanup()
  })

  test('wraps every http step, around the step\'s own middleware', async () => {
    const own = await site.request('GET', '/own')
    expect(own.headers.get('x-project')).toBe('http')
    expect(own.headers.get('x-step')).toBe('own')
    const plain = await site.request('GET', '/plain')
    expect(await plain.json()).toEqual({ plain: true })
    expect(plain.headers.get('x-project')).toBe('http')
  })

  test('can answer for every step before it runs', async () => {
    for (const path of ['/own', '/plain']) {
      const res = await site.request('GET', path, undefined, { 'x-block': '1' })
      expect(res.status).toBe(403)
      expect(await res.json()).toEqual({ error: 'blocked by the project' })
    }
  })
})

test('http.middleware that is not a list of functions stops the load with one line', async () => {
  const bad = makeProject({ 'motia.config.ts': `export default { http: { middleware: ['auth'] } }` })
  try {
    await expect(createTestRuntime({ root: bad.root })).rejects.toThrow('[motia] motia.config.ts: http.middleware must be a list of functions (req, ctx, next) => response')
  } finally {
    bad.cleanup()
  }
})

test('contentTypes that are not media types stop the load naming the step', async () => {
  const bad = makeProject({ 'steps/http/up.post.step.ts': `export const config = { triggers: [{ type: 'http', contentTypes: ['json'] }] }\nexport const handler = async () => ({ status: 200 })` })
  const app = await createTestRuntime({ root: bad.root })
  try {
    expect(app.logs.some((l) => l.level === 'error' && l.msg.includes('step "PostUp"') && l.msg.includes('contentTypes must be a non-empty list of media types'))).toBe(true)
  } finally {
    await app.stop()
    bad.cleanup()
  }
})
