/**
 * Point 4 of the second hardening round: which web pages may open a stream socket. A foreign page
 * must not ride a user's cookies into a stream (cross-site WebSocket hijacking): by default only a
 * page of the host the request was sent to, and pages on this machine talking to a server reached
 * on this machine, are admitted — before `authenticateStream` runs; `streams.allowedOrigins` adds
 * origins or (`'*'`) admits every page. Against the real CLI, with raw upgrades and with Chromium.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { beforeAllTests } from '../helpers/prerequisites.ts'
import type { Browser } from 'playwright-core'
import { launchChromium } from '../helpers/browser.ts'
import { runCli, startCli, type CliProcess } from '../helpers/cli.ts'
import { freePort, makeProject, type TempProject } from '../helpers/project.ts'
import { openSocket } from '../helpers/streams.ts'

const stream = `import { z } from 'zod'\nexport const config = { name: 'todo', schema: z.object({ text: z.string() }) }\n`
/** Cookie authentication, the case the default protects: a foreign page would carry the cookie too. */
const config = (streams: string) => `export default {
  streams: ${streams},
  authenticateStream: (request, ctx) => {
    ctx.logger.info('authenticateStream ran', { origin: request.headers.origin ?? null })
    return request.headers.cookie?.includes('session=ann') ? { user: 'ann' } : null
  },
}
`
const projectFiles = (streams = '{}') => ({ 'package.json': JSON.stringify({ name: 'hostile-origin', type: 'module' }), 'motia.config.ts': config(streams), 'steps/todo.stream.ts': stream })

/** The status a raw upgrade gets (101 when upgraded), with its body when refused. */
async function upgrade(port: number, headers: Record<string, string>): Promise<{ status: number; body?: unknown }> {
  try {
    const socket = await openSocket(`ws://127.0.0.1:${port}/`, { headers })
    socket.close()
    return { status: 101 }
  } catch {
    const refused = await fetch(`http://127.0.0.1:${port}/`, {
      headers: { upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13', ...headers },
    })
    return { status: refused.status, body: await refused.json() }
  }
}

const refusal = (origin: string) => ({
  status: 403,
  body: { error: 'Forbidden', message: `origin ${JSON.stringify(origin)} may not open a stream socket; add it to streams.allowedOrigins in motia.config.ts` },
})

describe('the default rule', () => {
  let project: TempProject
  let cli: CliProcess
  beforeAll(async () => {
    project = makeProject(projectFiles())
    cli = await startCli(['start', '--port', String(freePort()), '--host', '127.0.0.1'], project.root)
  }, 60_000)
  afterAll(async () => {
    await cli?.stop()
    project?.cleanup()
  })

  test('a page of the host the socket was opened on is admitted, a foreign one refused with 403 before authenticateStream runs', async () => {
    const ran = () => cli.output().split('\n').filter((line) => line.includes('authenticateStream ran')).length
    const before = ran()
    expect(await upgrade(cli.port, { host: 'app.example.com', origin: 'https://app.example.com', cookie: 'session=ann' })).toEqual({ status: 101 })
    expect(await upgrade(cli.port, { host: 'app.example.com', origin: 'https://evil.example', cookie: 'session=ann' })).toEqual(refusal('https://evil.example'))
    expect(await upgrade(cli.port, { host: 'app.example.com', origin: 'https://app.example.com.evil.example' })).toEqual(refusal('https://app.example.com.evil.example'))
    expect(await upgrade(cli.port, { host: 'app.example.com', origin: 'null' })).toEqual(refusal('null'))
    // A page on this machine, but the server was reached by its public name: refused.
    expect(await upgrade(cli.port, { host: 'app.example.com', origin: 'http://localhost:5173' })).toEqual(refusal('http://localhost:5173'))
    expect(ran() - before).toBe(1)
    expect(cli.output()).toContain('stream socket refused for origin \\"https://evil.example\\"')
  })

  test('behind a proxy the forwarded host counts; a client that sends no Origin (not a browser) is admitted', async () => {
    expect(await upgrade(cli.port, { host: '127.0.0.1', 'x-forwarded-host': 'app.example.com', origin: 'https://app.example.com' })).toEqual({ status: 101 })
    expect(await upgrade(cli.port, {})).toEqual({ status: 101 })
  })

  test('a page on this machine may open a socket to a server reached on this machine (a dev front end on another port)', async () => {
    for (const origin of ['http://localhost:5173', 'http://127.0.0.1:8080', 'http://[::1]:3000']) {
      expect(await upgrade(cli.port, { host: `127.0.0.1:${cli.port}`, origin })).toEqual({ status: 101 })
      expect(await upgrade(cli.port, { host: `localhost:${cli.port}`, origin })).toEqual({ status: 101 })
    }
  })
})

describe('allowedOrigins', () => {
  const servers: CliProcess[] = []
  const projects: TempProject[] = []
  afterAll(async () => {
    await Promise.all(servers.map((cli) => cli.stop()))
    for (const project of projects) project.cleanup()
  })
  const start = async (streams: string) => {
    const project = makeProject(projectFiles(streams))
    projects.push(project)
    const cli = await startCli(['start', '--port', String(freePort()), '--host', '127.0.0.1'], project.root)
    servers.push(cli)
    return cli
  }

  test('a list adds its origins to the same-origin rule and ends the loopback one', async () => {
    const cli = await start(`{ allowedOrigins: ['https://app.example.com'] }`)
    expect(await upgrade(cli.port, { host: 'api.example.com', origin: 'https://app.example.com' })).toEqual({ status: 101 })
    expect(await upgrade(cli.port, { host: 'api.example.com', origin: 'https://api.example.com' })).toEqual({ status: 101 })
    expect(await upgrade(cli.port, { host: 'api.example.com', origin: 'https://evil.example' })).toEqual(refusal('https://evil.example'))
    expect(await upgrade(cli.port, { host: `127.0.0.1:${cli.port}`, origin: 'http://localhost:5173' })).toEqual(refusal('http://localhost:5173'))
  }, 60_000)

  test("'*' admits every page", async () => {
    const cli = await start(`{ allowedOrigins: '*' }`)
    expect(await upgrade(cli.port, { host: 'api.example.com', origin: 'https://evil.example' })).toEqual({ status: 101 })
  }, 60_000)

  test('a value that is not an origin stops the start with one line naming it and the fix', async () => {
    const project = makeProject(projectFiles(`{ allowedOrigins: ['https://app.example.com/chat'] }`))
    projects.push(project)
    const result = await runCli(['start', '--port', String(freePort()), '--host', '127.0.0.1'], project.root)
    expect(result.code).toBe(1)
    const lines = (result.stdout + result.stderr).trim().split('\n').filter((line) => line.includes('allowedOrigins'))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toBe(`[motia] motia.config.ts: streams.allowedOrigins: "https://app.example.com/chat" is not an origin (http(s)://host[:port], no path), e.g. allowedOrigins: ['https://app.example.com'] (or '*' for every page)`)
    expect(result.stderr + result.stdout).not.toContain('    at ')
  }, 60_000)
})

describe('in a real browser (Chromium)', () => {
  let browser: Browser
  let foreign: ReturnType<typeof Bun.serve>
  let project: TempProject
  let cli: CliProcess
  const page = `<!doctype html><script>
    window.result = new Promise((resolve) => {
      const ws = new WebSocket(new URLSearchParams(location.search).get('ws'))
      ws.onopen = () => { ws.send(JSON.stringify({ type: 'join', data: { streamName: 'todo', groupId: 'inbox', subscriptionId: 's' } })) }
      ws.onmessage = (event) => resolve(JSON.parse(event.data).event.type)
      ws.onerror = () => resolve('refused')
    })
  </script>`
  beforeAllTests(async () => {
    // The foreign site: a page served from another server, reached as evil.test (mapped to this machine).
    foreign = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response(page, { headers: { 'content-type': 'text/html' } }) })
    project = makeProject({
      ...projectFiles(),
      'steps/page.step.ts': `export const config = { name: 'Page', triggers: [{ type: 'http', method: 'GET', path: '/page' }] }\nexport const handler = async () => ({ status: 200, headers: { 'content-type': 'text/html' }, body: ${JSON.stringify(page)} })\n`,
    })
    cli = await startCli(['dev', '--port', String(freePort())], project.root)
    browser = await launchChromium(['--host-resolver-rules=MAP evil.test 127.0.0.1'])
  }, 60_000)
  afterAll(async () => {
    await browser?.close()
    foreign?.stop(true)
    await cli?.stop()
    project?.cleanup()
  })

  test("the app's own page joins a stream; a foreign page's socket is refused (the browser sends its Origin)", async () => {
    const ws = encodeURIComponent(`ws://127.0.0.1:${cli.port}/`)
    const own = await browser.newPage()
    await own.goto(`http://127.0.0.1:${cli.port}/page?ws=${ws}`)
    expect(await own.evaluate(() => (window as unknown as { result: Promise<string> }).result)).toBe('sync')
    const evil = await browser.newPage()
    await evil.goto(`http://evil.test:${foreign.port}/?ws=${ws}`)
    expect(await evil.evaluate(() => (window as unknown as { result: Promise<string> }).result)).toBe('refused')
    expect(cli.output()).toContain(`stream socket refused for origin \\"http://evil.test:${foreign.port}\\"`)
    await Promise.all([own.close(), evil.close()])
  }, 60_000)
})
