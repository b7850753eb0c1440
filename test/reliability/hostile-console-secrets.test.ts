/**
 * Issue 18, point 9, through the real CLI: credentials sent in headers and query parameters never
 * reach a recording — the trace (console API and `/__motia/traces`), the console's log buffer and
 * live feed, `motia logs`, and the server's own log lines of a logged `req` — while the handler
 * reads them as sent. `mask` in motia.config.ts adds a name of the project's own.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { runCli, startCli, type CliProcess } from '../helpers/cli.ts'
import { freePort, makeProject, type TempProject } from '../helpers/project.ts'

const secrets = ['SECRET-QUERY-1', 'SECRET-AUTH-2', 'SECRET-COOKIE-3', 'SECRET-APIKEY-4', 'SECRET-PIN-5', 'SECRET-SESSION-6']

let project: TempProject
let cli: CliProcess

beforeAll(async () => {
  project = makeProject({
    'motia.config.ts': `export default { mask: { names: ['tenant-pin'] } }\n`,
    // The simple path (nothing read before the handler) and the parsed one (a validated body).
    'steps/login.step.ts': `export const config = { name: 'Login', triggers: [{ type: 'http', method: 'GET', path: '/login' }] }
export const handler = async (req, ctx) => {
  ctx.logger.info('login request', { req })
  return { status: 200, body: { sawAuthorization: req.headers.authorization === 'Bearer SECRET-AUTH-2', sawToken: req.query.access_token === 'SECRET-QUERY-1' }, headers: { 'set-cookie': 'session=SECRET-SESSION-6' } }
}`,
    'steps/order.step.ts': `import { z } from 'zod'
export const config = { name: 'Order', triggers: [{ type: 'http', method: 'POST', path: '/orders', bodySchema: z.object({ item: z.string() }) }] }
export const handler = async (req, ctx) => { ctx.logger.warn('order request', { req }); return { status: 201, body: { ok: true } } }`,
  })
  cli = await startCli(['dev', '--port', String(freePort())], project.root)
})

afterAll(async () => {
  await cli.stop()
  project.cleanup()
})

const credentials = {
  authorization: 'Bearer SECRET-AUTH-2',
  cookie: 'sid=SECRET-COOKIE-3',
  'x-api-key': 'SECRET-APIKEY-4',
  'tenant-pin': 'SECRET-PIN-5',
}

test('credentials in headers and query parameters are masked in every recording; the handler reads them as sent', async () => {
  // A live client listening before the requests are sent.
  const live = await cli.fetch('/__motia/api/live?events=log')
  const reader = live.body!.pipeThrough(new TextDecoderStream()).getReader()
  let feed = (await reader.read()).value ?? ''

  const login = await cli.fetch('/login?access_token=SECRET-QUERY-1&page=2', { headers: credentials })
  expect(await login.json()).toEqual({ sawAuthorization: true, sawToken: true })
  const order = await cli.fetch('/orders?api_key=SECRET-QUERY-1', { method: 'POST', headers: { ...credentials, 'content-type': 'application/json' }, body: '{"item":"book"}' })
  expect(order.status).toBe(201)

  while (!feed.includes('order request')) feed += (await reader.read()).value ?? ''
  await reader.cancel()

  const traceIds = [login, order].map((res) => res.headers.get('x-trace-id')!)
  await cli.until(`/__motia/api/traces/${traceIds[1]}`, (t) => (t as { spans: Array<{ events: Array<{ type: string }> }> }).spans[0]?.events.some((e) => e.type === 'input') === true)
  const recordings: Record<string, string> = {
    'console trace (login)': await (await cli.fetch(`/__motia/api/traces/${traceIds[0]}`)).text(),
    'console trace (order)': await (await cli.fetch(`/__motia/api/traces/${traceIds[1]}`)).text(),
    '/__motia/traces/:id': await (await cli.fetch(`/__motia/traces/${traceIds[0]}`)).text(),
    'console logs': await (await cli.fetch('/__motia/api/logs')).text(),
    'live feed': feed,
    'motia logs --json': (await runCli(['logs', '--json'], project.root)).stdout,
    'server output': cli.output(),
  }
  for (const [where, text] of Object.entries(recordings)) {
    expect(`${where}: ${secrets.filter((s) => text.includes(s)).join(', ') || 'none'}`).toBe(`${where}: none`)
  }
  // What was masked is still recorded, as [masked]; everything else as sent.
  const trace = JSON.parse(recordings['console trace (login)']!) as { spans: Array<{ events: Array<{ type: string; value?: any }> }> }
  const input = trace.spans[0]!.events.find((e) => e.type === 'input')!.value
  expect(input.query).toEqual({ access_token: '[masked]', page: '2' })
  expect(input.headers).toMatchObject({ authorization: '[masked]', cookie: '[masked]', 'x-api-key': '[masked]', 'tenant-pin': '[masked]' })
  expect(trace.spans[0]!.events.find((e) => e.type === 'output')!.value.headers['set-cookie']).toBe('[masked]')
  const logged = (JSON.parse(recordings['console logs']!) as { logs: Array<{ msg: string; req?: any }> }).logs.find((l) => l.msg === 'order request')!
  expect(logged.req).toMatchObject({ method: 'POST', path: '/orders', query: { api_key: '[masked]' }, headers: { authorization: '[masked]', 'tenant-pin': '[masked]' }, body: { item: 'book' } })
})
