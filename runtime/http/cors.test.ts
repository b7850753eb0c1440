import { describe, expect, test } from 'bun:test'
import { ConfigError } from '../errors.ts'
import { checkCors, type CorsOptions } from './cors.ts'
import { createHttpServer } from './server.ts'

const logger = { error() {} } as never

/** A server with a GET and a POST route on /items, an OPTIONS route on /custom and a control route. */
function serverWith(cors: CorsOptions) {
  const server = createHttpServer({ bodyLimit: 1024, logger, cors })
  server.route({ method: 'GET', path: '/items/:id', handler: () => Response.json({ ok: true }, { headers: { 'x-trace-id': 't1' } }) })
  server.route({ method: 'POST', path: '/items/:id', handler: async () => new Response(null, { status: 201 }) })
  server.route({ method: 'OPTIONS', path: '/custom', handler: () => new Response('custom options') })
  server.route({ method: 'GET', path: '/__motia/traces', handler: () => Response.json({ traces: [] }) })
  return server
}

const call = (server: ReturnType<typeof serverWith>, method: string, path: string, headers: Record<string, string> = {}) =>
  server.handle(new Request(`http://localhost${path}`, { method, headers }))

const preflight = (origin: string, method = 'POST', headers?: string) => ({
  origin,
  'access-control-request-method': method,
  ...(headers ? { 'access-control-request-headers': headers } : {}),
})

describe('CORS', () => {
  test('a preflight from an allowed origin gets the allow headers', async () => {
    const server = serverWith({ origin: ['https://app.example'], maxAge: 600, credentials: true })
    const res = await call(server, 'OPTIONS', '/items/1', preflight('https://app.example', 'POST', 'content-type, authorization'))
    expect(res.status).toBe(204)
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example')
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, HEAD, POST, OPTIONS')
    expect(res.headers.get('access-control-allow-headers')).toBe('content-type, authorization')
    expect(res.headers.get('access-control-allow-credentials')).toBe('true')
    expect(res.headers.get('access-control-max-age')).toBe('600')
    expect(res.headers.get('vary')).toContain('Origin')
  })

  test('configured methods and headers replace the defaults', async () => {
    const server = serverWith({ origin: '*', methods: ['GET', 'POST'], allowHeaders: ['content-type'] })
    const res = await call(server, 'OPTIONS', '/items/1', preflight('https://any.example', 'POST', 'x-evil'))
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, POST')
    expect(res.headers.get('access-control-allow-headers')).toBe('content-type')
  })

  test('a preflight from another origin gets no allow headers', async () => {
    const server = serverWith({ origin: (origin) => origin.endsWith('.trusted.example') })
    const res = await call(server, 'OPTIONS', '/items/1', preflight('https://evil.example'))
    expect(res.status).toBe(204)
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
    const ok = await call(server, 'OPTIONS', '/items/1', preflight('https://a.trusted.example'))
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://a.trusted.example')
  })

  test('answers of routes carry the origin and the exposed x-trace-id; answers to other origins do not', async () => {
    const server = serverWith({ origin: 'https://app.example' })
    const res = await call(server, 'GET', '/items/1', { origin: 'https://app.example' })
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example')
    expect(res.headers.get('access-control-expose-headers')).toBe('x-trace-id')
    const async = await call(server, 'POST', '/items/1', { origin: 'https://app.example' })
    expect(async.headers.get('access-control-allow-origin')).toBe('https://app.example')
    const other = await call(server, 'GET', '/items/1', { origin: 'https://evil.example' })
    expect(other.status).toBe(200)
    expect(other.headers.get('access-control-allow-origin')).toBeNull()
    expect(other.headers.get('vary')).toBe('Origin')
  })

  test('404 and 405 answers carry the headers too, so a page can read why', async () => {
    const server = serverWith({ origin: '*' })
    expect((await call(server, 'GET', '/nope', { origin: 'https://a.example' })).headers.get('access-control-allow-origin')).toBe('*')
    const refused = await call(server, 'DELETE', '/items/1', { origin: 'https://a.example' })
    expect(refused.status).toBe(405)
    expect(refused.headers.get('access-control-allow-origin')).toBe('*')
  })

  test('a preflight never reaches a step with an OPTIONS route; a plain OPTIONS does', async () => {
    const server = serverWith({ origin: '*' })
    const res = await call(server, 'OPTIONS', '/custom', preflight('https://a.example', 'OPTIONS'))
    expect(res.status).toBe(204)
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    const plain = await call(server, 'OPTIONS', '/custom', { origin: 'https://a.example' })
    expect(await plain.text()).toBe('custom options')
    expect(plain.headers.get('access-control-allow-origin')).toBe('*')
  })

  test('the runtime\'s /__motia/ routes are never opened to other sites', async () => {
    const server = serverWith({ origin: '*' })
    const res = await call(server, 'GET', '/__motia/traces', { origin: 'https://a.example' })
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
    const pre = await call(server, 'OPTIONS', '/__motia/traces', preflight('https://a.example', 'GET'))
    expect(pre.headers.get('access-control-allow-origin')).toBeNull()
  })

  test('without cors, answers carry no CORS headers', async () => {
    const server = createHttpServer({ bodyLimit: 1024, logger })
    server.route({ method: 'GET', path: '/items', handler: () => new Response('ok') })
    const res = await server.handle(new Request('http://localhost/items', { headers: { origin: 'https://a.example' } }))
    expect(Object.keys(res.headers.toJSON()).filter((k) => k.startsWith('access-control') || k === 'vary')).toEqual([])
  })
})

describe('checkCors', () => {
  test('accepts the documented shapes', () => {
    for (const cors of [undefined, { origin: '*' }, { origin: 'https://a.example' }, { origin: ['https://a.example'], credentials: true, maxAge: 0 }, { origin: () => true, methods: ['GET'] }]) {
      expect(() => checkCors(cors)).not.toThrow()
    }
  })

  test('refuses wrong fields with a one-line error naming the field', () => {
    const cases: Array<[unknown, string]> = [
      [true, 'http.cors must be an object'],
      [{}, 'http.cors.origin must be'],
      [{ origin: 7 }, 'http.cors.origin must be'],
      [{ origin: '*', methods: 'GET' }, 'http.cors.methods must be a list of strings'],
      [{ origin: '*', maxAge: -1 }, 'http.cors.maxAge'],
      [{ origin: '*', credentials: 'yes' }, 'http.cors.credentials'],
      [{ origin: '*', credentials: true }, "credentials cannot be combined with origin '*'"],
    ]
    for (const [cors, message] of cases) {
      let error: unknown
      try {
        checkCors(cors)
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(ConfigError)
      expect((error as Error).message).toContain(message)
      expect((error as Error).message).not.toContain('\n')
    }
  })
})
