/**
 * Issue 9, point 4, through the real CLI: `motia dev` stays on this machine unless told otherwise,
 * and the `/__motia/` control routes (all but health) need the token from `.motia/server.lock`
 * whenever the server is reachable from elsewhere. Plus the control endpoint's statuses.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { networkInterfaces } from 'node:os'
import { freePort, makeProject, type TempProject } from '../helpers/project.ts'
import { startCli, type CliProcess } from '../helpers/cli.ts'
import { loadConfig } from '../../runtime/config.ts'

let project: TempProject

beforeAll(() => {
  project = makeProject({
    'steps/http/hello.get.step.ts': `export const handler = async () => ({ status: 200, body: { hello: true } })`,
    'steps/queue/jobs/run.step.ts': `
      import { z } from 'zod'
      export const config = { triggers: [{ type: 'queue', input: z.object({ n: z.number() }) }] }
      export const handler = async () => {}
    `,
  })
})

afterAll(() => project.cleanup())

/** An IPv4 address of this machine that is not loopback, if it has one. */
const outsideAddress = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address

const lock = () => JSON.parse(readFileSync(`${project.root}/.motia/server.lock`, 'utf8')) as { token: string; url: string }

const reachable = (address: string, port: number, path: string) =>
  fetch(`http://${address}:${port}${path}`, { signal: AbortSignal.timeout(3000) }).then(
    (res) => res.status,
    () => 'refused' as const,
  )

describe('motia dev with no --host', () => {
  let cli: CliProcess

  beforeAll(async () => {
    cli = await startCli(['dev', '--port', String(freePort())], project.root)
  })

  afterAll(() => cli.stop())

  test('listens on 127.0.0.1 only', async () => {
    expect(lock().url).toBe(`http://127.0.0.1:${cli.port}/`)
    expect((await cli.fetch('/hello')).status).toBe(200)
    if (outsideAddress) expect(await reachable(outsideAddress, cli.port, '/hello')).toBe('refused')
  })

  test('serves traces to the developer without a token', async () => {
    expect((await cli.fetch('/__motia/traces')).status).toBe(200)
  })

  test('POST /__motia/enqueue needs the token, and answers 400 for a body that is not a message', async () => {
    const post = (body: string, token = lock().token) =>
      cli.fetch('/__motia/enqueue', { method: 'POST', headers: { 'content-type': 'application/json', 'x-motia-token': token }, body })
    expect((await post('{"topic":"jobs","data":{"n":1}}', 'wrong')).status).toBe(403)
    for (const body of ['null', '[]', '"jobs"', '7', '{']) {
      const res = await post(body)
      expect(`${body} ${res.status}`).toBe(`${body} 400`)
      expect(((await res.json()) as { error: string }).error).toMatch(/^body must be (a )?JSON/)
    }
    expect((await post('{"data":1}')).status).toBe(400)
    expect((await post('{"topic":"jobs","data":{"n":1},"delayMs":"soon"}')).status).toBe(400)
    expect((await post('{"topic":"jobs","data":{"n":1},"messageGroupId":7}')).status).toBe(400)
    expect((await post('{"topic":"jobs","data":{"n":"one"}}')).status).toBe(400)
    expect((await post('{"topic":"nobody","data":{}}')).status).toBe(404)
    const ok = await post('{"topic":"jobs","data":{"n":1}}')
    expect(ok.status).toBe(202)
    expect(await ok.json()).toMatchObject({ subscribers: ['Run'] })
  })
})

describe('motia dev --host 0.0.0.0', () => {
  let cli: CliProcess

  beforeAll(async () => {
    cli = await startCli(['dev', '--host', '0.0.0.0', '--port', String(freePort())], project.root)
  })

  afterAll(() => cli.stop())

  test('is reachable from other machines', async () => {
    expect(lock().url).toBe(`http://0.0.0.0:${cli.port}/`)
    if (outsideAddress) expect(await reachable(outsideAddress, cli.port, '/hello')).toBe(200)
  })

  test('control routes need the token, health does not', async () => {
    const refused = await cli.fetch('/__motia/traces')
    expect(refused.status).toBe(403)
    expect(((await refused.json()) as { error: string }).error).toBe(
      'missing or wrong x-motia-token header: the /__motia/ control routes need it while the server listens on 0.0.0.0, beyond this machine; send the token from .motia/server.lock',
    )
    expect((await cli.fetch('/__motia/traces/abc')).status).toBe(403)
    expect((await cli.fetch('/__motia/traces', { headers: { 'x-motia-token': 'guess' } })).status).toBe(403)
    expect((await cli.fetch('/__motia/traces', { headers: { 'x-motia-token': lock().token } })).status).toBe(200)
    expect((await cli.fetch('/__motia/health')).status).toBe(200)
    if (outsideAddress) expect(await reachable(outsideAddress, cli.port, '/__motia/traces')).toBe(403)
  })
})

describe('motia start', () => {
  let cli: CliProcess

  beforeAll(async () => {
    cli = await startCli(['start', '--port', String(freePort())], project.root)
  })

  afterAll(() => cli.stop())

  test('keeps its documented default, 0.0.0.0, and guards traces with the token', async () => {
    expect(lock().url).toBe(`http://0.0.0.0:${cli.port}/`)
    const refused = await cli.fetch('/__motia/traces')
    expect(refused.status).toBe(403)
    expect(((await refused.json()) as { error: string }).error).toContain('need it under motia start')
    expect((await cli.fetch('/__motia/traces', { headers: { 'x-motia-token': lock().token } })).status).toBe(200)
  })
})

test('the host is taken from --host, then HOST, then http.host, then the mode', async () => {
  const root = project.root
  expect((await loadConfig(root, { mode: 'dev' }, {})).http.host).toBe('127.0.0.1')
  expect((await loadConfig(root, { mode: 'test' }, {})).http.host).toBe('127.0.0.1')
  expect((await loadConfig(root, { mode: 'start' }, {})).http.host).toBe('0.0.0.0')
  expect((await loadConfig(root, { mode: 'dev' }, { HOST: '0.0.0.0' })).http.host).toBe('0.0.0.0')
  expect((await loadConfig(root, { mode: 'start', host: '127.0.0.1' }, { HOST: '0.0.0.0' })).http.host).toBe('127.0.0.1')
  expect((await loadConfig(root, { mode: 'dev' }, {}, { http: { host: '::' } })).http.host).toBe('::')
})
