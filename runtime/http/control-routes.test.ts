import { expect, test } from 'bun:test'
import { createHttpServer } from './server.ts'
import type { Logger } from '../observability/logger.ts'

// Control routes are matched by the server's catch-all, not by Elysia (server.ts): the same answers.
const logger = { error: () => {} } as unknown as Logger
const server = createHttpServer({ bodyLimit: 1024, logger })
server.route({ method: 'GET', path: '/__motia/things/:id', open: true, handler: (_request, params) => Response.json(params) })
server.route({ method: 'POST', path: '/__motia/things/:id/:action', handler: (_request, params) => Response.json(params) })
server.guardControl((request) => (request.headers.get('x-token') === 'yes' ? undefined : new Response('no', { status: 403 })))
const ask = (path: string, init?: RequestInit) => server.handle(new Request(`http://localhost${path}`, init))

test('a control route gets its parameters by name, decoded', async () => {
  const response = await ask('/__motia/things/a%20b')
  expect(response.status).toBe(200)
  expect(await response.json()).toEqual({ id: 'a b' })
})

test('a HEAD is answered by the GET route, a trailing slash is ignored', async () => {
  expect((await ask('/__motia/things/x', { method: 'HEAD' })).status).toBe(200)
  expect(await (await ask('/__motia/things/x/')).json()).toEqual({ id: 'x' })
})

test('a guarded control route runs the control guard first', async () => {
  expect((await ask('/__motia/things/1/cancel', { method: 'POST' })).status).toBe(403)
  const allowed = await ask('/__motia/things/1/cancel', { method: 'POST', headers: { 'x-token': 'yes' } })
  expect(await allowed.json()).toEqual({ id: '1', action: 'cancel' })
})

test('another method is 405, an unknown control path 404, a malformed parameter 400', async () => {
  const wrong = await ask('/__motia/things/1', { method: 'DELETE' })
  expect(wrong.status).toBe(405)
  expect(wrong.headers.get('allow')).toContain('GET')
  expect((await ask('/__motia/nothing')).status).toBe(404)
  expect((await ask('/__motia/things/%E0%A4%A')).status).toBe(400)
})

test('a control route given up answers as unknown', async () => {
  const off = server.route({ method: 'GET', path: '/__motia/gone', open: true, handler: () => new Response('here') })
  expect(await (await ask('/__motia/gone')).text()).toBe('here')
  off()
  expect((await ask('/__motia/gone')).status).toBe(404)
})

test('a step route that could match a control path leaves it to the control route, as Elysia did', async () => {
  const shadowing = createHttpServer({ bodyLimit: 1024, logger })
  shadowing.route({ method: 'GET', path: '/__motia/health', open: true, handler: () => new Response('control') })
  shadowing.route({ method: 'GET', path: '/__motia/things/:id', handler: () => new Response('guarded control') })
  shadowing.guardControl(() => new Response('no', { status: 403 }))
  shadowing.route({ method: 'GET', path: '/:tenant/health', handler: () => new Response('tenant') })
  shadowing.route({ method: 'GET', path: '/*', handler: () => new Response('page') })
  const get = async (path: string) => {
    const response = await shadowing.handle(new Request(`http://localhost${path}`))
    return `${response.status} ${await response.text()}`
  }
  expect(await get('/__motia/health')).toBe('200 control')
  expect(await get('/__motia/things/1')).toBe('403 no')
  expect(await get('/acme/health')).toBe('200 tenant')
  expect(await get('/about')).toBe('200 page')
  // A control path no control route takes is the step's, as it was.
  expect(await get('/__motia/elsewhere')).toBe('200 page')
})
