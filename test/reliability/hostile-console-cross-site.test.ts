/**
 * Issue 18, point 6, over real sockets against the real CLI: a page of another site, or one whose
 * DNS name was rebound to this machine, cannot use the console's API or the control routes. Every
 * state-changing route (state edit and delete, dead-letter replay and purge, enqueue) is attacked
 * with each kind of request a browser lets a foreign page send, and afterwards nothing changed.
 * The CLI and same-origin pages keep working. (test/reliability/hostile-console-browser.test.ts
 * does the same from a real Chromium.)
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { runCli, startCli, type CliProcess } from '../helpers/cli.ts'
import { freePort, makeProject, type TempProject } from '../helpers/project.ts'

const files = {
  'steps/order.step.ts': `export const config = { name: 'Order', triggers: [{ type: 'http', method: 'POST', path: '/orders' }], enqueues: ['order'] }
export const handler = async (req, ctx) => { await ctx.enqueue({ topic: 'order', data: req.body }); return { status: 202, body: {} } }`,
  'steps/ship.step.ts': `export const config = { name: 'Ship', triggers: [{ type: 'queue', topic: 'order', config: { maxRetries: 0 } }] }
export const handler = async (data, ctx) => { ctx.logger.info('shipped ' + data.item); if (data.item === 'broken') throw new Error('cannot ship broken') }`,
}

const attacker = 'attacker.example'

/** What a foreign page can make a browser send, with the headers the browser adds. */
function attacks(port: number): Array<{ name: string; headers: Record<string, string> }> {
  return [
    // DNS rebinding: the page's own origin now resolves to 127.0.0.1, so its requests are "same-origin".
    { name: 'rebinding', headers: { host: `${attacker}:${port}`, origin: `http://${attacker}:${port}`, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' } },
    { name: 'rebinding, no Origin', headers: { host: `${attacker}:${port}`, 'content-type': 'application/json' } },
    // A simple cross-site request (no preflight): text/plain, a form, or sendBeacon.
    { name: 'cross-site text/plain', headers: { origin: `http://${attacker}`, 'sec-fetch-site': 'cross-site', 'content-type': 'text/plain;charset=UTF-8' } },
    { name: 'cross-site form', headers: { origin: `http://${attacker}`, 'sec-fetch-site': 'cross-site', 'content-type': 'application/x-www-form-urlencoded' } },
    // Were a preflight ever skipped, JSON from another site is still refused.
    { name: 'cross-site json', headers: { origin: `http://${attacker}`, 'sec-fetch-site': 'cross-site', 'content-type': 'application/json' } },
    { name: 'same-site other port', headers: { origin: 'http://localhost:5173', 'sec-fetch-site': 'same-site', 'content-type': 'application/json' } },
    // A browser too old for Sec-Fetch-Site is judged by Origin.
    { name: 'old browser, foreign Origin', headers: { origin: `http://${attacker}`, 'content-type': 'text/plain' } },
    { name: 'sandboxed page (Origin: null)', headers: { origin: 'null', 'content-type': 'application/json' } },
    // A same-origin page posting a form or text is not JSON either.
    { name: 'text/plain with no Origin', headers: { 'content-type': 'text/plain' } },
  ]
}

/** Every state-changing control route with a body that would do harm. */
const writes = [
  { method: 'PUT', path: '/__motia/api/state/settings/mode', body: '"hacked"' },
  { method: 'DELETE', path: '/__motia/api/state/settings/mode', body: '' },
  { method: 'POST', path: '/__motia/api/queues/replay', body: '{"all":true}' },
  { method: 'POST', path: '/__motia/api/queues/purge', body: '{}' },
  { method: 'POST', path: '/__motia/enqueue', body: '{"topic":"order","data":{"item":"forged"}}' },
]

const reads = ['/__motia/api/queues/dead-letters', '/__motia/api/state/settings/mode', '/__motia/api/logs', '/__motia/api/live', '/__motia/traces', '/__motia/api']

/** Each server gets its own project, so that its store starts empty. */
let project: TempProject

const lock = () => JSON.parse(readFileSync(`${project.root}/.motia/server.lock`, 'utf8')) as { token: string }

/** Sends `write` with `headers` (plus the token, which an attacker would not have: it must not matter). */
async function attempt(cli: CliProcess, write: (typeof writes)[number], headers: Record<string, string>): Promise<{ status: number; code?: string; error?: string }> {
  const res = await cli.fetch(write.path, { method: write.method, headers: { ...headers, 'x-motia-token': lock().token }, body: write.body || undefined })
  const body = (await res.json().catch(() => ({}))) as { code?: string; error?: string }
  return { status: res.status, code: body.code, error: body.error }
}

/** A dead letter and a state value exist; returns how to see that they still do, unchanged. */
async function seed(cli: CliProcess, headers: Record<string, string> = {}) {
  const json = { 'content-type': 'application/json', ...headers }
  expect((await cli.fetch('/__motia/api/state/settings/mode', { method: 'PUT', headers: json, body: '"safe"' })).status).toBe(200)
  await cli.fetch('/orders', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"item":"broken"}' })
  const letters = async () => ((await (await cli.fetch('/__motia/api/queues/dead-letters', { headers })).json()) as { deadLetters: Array<{ id: string }> }).deadLetters
  const deadline = Date.now() + 20_000
  while ((await letters()).length !== 1) {
    if (Date.now() > deadline) throw new Error(`the broken order was never dead-lettered:\n${cli.output()}`)
    await Bun.sleep(25)
  }
  const shipped = async () => ((await (await cli.fetch('/__motia/api/logs?q=shipped', { headers })).json()) as { logs: unknown[] }).logs.length
  const before = { letters: await letters(), shipped: await shipped() }
  return async () => {
    // Give a forged enqueue or replay time to run, were it accepted: a known-good message after it arrives last.
    await cli.fetch('/orders', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"item":"marker"}' })
    while (!JSON.stringify(await (await cli.fetch('/__motia/api/logs?q=shipped%20marker', { headers })).json()).includes('marker')) await Bun.sleep(25)
    expect(await letters()).toEqual(before.letters)
    expect(await shipped()).toBe(before.shipped + 1)
    expect(((await (await cli.fetch('/__motia/api/state/settings/mode', { headers })).json()) as { value: unknown }).value).toBe('safe')
  }
}

describe('motia dev on loopback', () => {
  let cli: CliProcess
  beforeAll(async () => {
    project = makeProject(files)
    cli = await startCli(['dev', '--port', String(freePort())], project.root)
  })
  afterAll(async () => {
    await cli.stop()
    project.cleanup()
  })

  test('every state-changing route refuses every foreign request, and nothing changes', async () => {
    const unchanged = await seed(cli)
    const outcomes: string[] = []
    for (const write of writes) {
      for (const attack of attacks(cli.port)) {
        const { status, code } = await attempt(cli, write, attack.headers)
        outcomes.push(`${write.method} ${write.path} (${attack.name}): ${status} ${code}`)
      }
    }
    const expected = writes.flatMap((write) =>
      attacks(cli.port).map((attack) => {
        const code = attack.headers.host ? '403 FOREIGN_HOST' : attack.headers.origin ? '403 CROSS_SITE' : '415 JSON_REQUIRED'
        return `${write.method} ${write.path} (${attack.name}): ${code}`
      }),
    )
    expect(outcomes).toEqual(expected)
    await unchanged()
  })

  test('a rebound or cross-site page cannot read either', async () => {
    for (const path of reads) {
      const rebound = await cli.fetch(path, { headers: { host: `${attacker}:${cli.port}`, 'sec-fetch-site': 'same-origin' } })
      expect(`${path} ${rebound.status}`).toBe(`${path} 403`)
      const crossSite = await cli.fetch(path, { headers: { origin: `http://${attacker}`, 'sec-fetch-site': 'cross-site' } })
      expect(`${path} ${crossSite.status}`).toBe(`${path} 403`)
    }
  })

  test('the refusals are one line that says what to do', async () => {
    const rebound = (await (await cli.fetch('/__motia/api', { headers: { host: `${attacker}:${cli.port}` } })).json()) as { error: string }
    expect(rebound.error).toBe(
      `the /__motia/ control routes answer only requests addressed to this machine, not to Host "${attacker}:${cli.port}": open the console at its printed address, or add the name to http.allowedHosts in motia.config.ts`,
    )
    const crossSite = (await (await cli.fetch('/__motia/api', { headers: { 'sec-fetch-site': 'cross-site' } })).json()) as { error: string }
    expect(crossSite.error).toBe("the /__motia/ control routes refuse requests from other sites (Sec-Fetch-Site: cross-site): open the console from this server's own address")
  })

  test('same-origin pages, localhost and the CLI keep working; health and the page stay open', async () => {
    const sameOrigin = { origin: `http://127.0.0.1:${cli.port}`, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' }
    expect((await cli.fetch('/__motia/api/state/settings/other', { method: 'PUT', headers: sameOrigin, body: '1' })).status).toBe(200)
    expect((await cli.fetch('/__motia/api/state/settings/other', { method: 'DELETE', headers: sameOrigin })).status).toBe(200)
    expect((await cli.fetch('/__motia/api', { headers: { host: `localhost:${cli.port}`, 'sec-fetch-site': 'none' } })).status).toBe(200)
    const logs = await runCli(['logs', '--json'], project.root)
    expect(logs.code).toBe(0)
    const enqueued = await runCli(['enqueue', '--topic', 'order', '--data', '{"item":"from the cli"}'], project.root)
    expect(`${enqueued.code} ${enqueued.stderr}`).toBe('0 ')
    expect((await cli.fetch('/__motia/health', { headers: { host: attacker } })).status).toBe(200)
    expect((await cli.fetch('/__motia/', { headers: { host: attacker } })).status).toBe(200)
  })
})

describe('motia dev --host 0.0.0.0 (the token is needed)', () => {
  let cli: CliProcess
  beforeAll(async () => {
    project = makeProject(files)
    cli = await startCli(['dev', '--host', '0.0.0.0', '--port', String(freePort())], project.root)
  })
  afterAll(async () => {
    await cli.stop()
    project.cleanup()
  })

  test('the token does not open the API to a rebound or cross-site page; an IP address or localhost with the token does', async () => {
    const token = { 'x-motia-token': lock().token }
    const unchanged = await seed(cli, token)
    for (const write of writes) {
      for (const attack of attacks(cli.port)) {
        const { status } = await attempt(cli, write, attack.headers)
        expect(`${write.method} ${write.path} (${attack.name}) ${status}`).toMatch(/ 4(03|15)$/)
      }
    }
    await unchanged()
    expect((await cli.fetch('/__motia/api', { headers: { ...token, host: `192.0.2.7:${cli.port}` } })).status).toBe(200)
    expect((await cli.fetch('/__motia/api', { headers: { ...token, host: `localhost:${cli.port}` } })).status).toBe(200)
    expect((await cli.fetch('/__motia/api', { headers: { host: `localhost:${cli.port}` } })).status).toBe(403)
  })
})

describe('motia start with the console', () => {
  let cli: CliProcess
  beforeAll(async () => {
    project = makeProject({ ...files, 'motia.config.ts': `import consolePlugin from 'motia/plugins/console'\nexport default { plugins: [consolePlugin()] }\n` })
    cli = await startCli(['start', '--port', String(freePort())], project.root)
  })
  afterAll(async () => {
    await cli.stop()
    project.cleanup()
  })

  test('cross-site and non-JSON writes are refused even with the token; a proxy\'s Host is not (see docs/console.md)', async () => {
    const { token } = lock()
    const withToken = (headers: Record<string, string>) => ({ ...headers, 'x-motia-token': token })
    const purge = (headers: Record<string, string>) => cli.fetch('/__motia/api/queues/purge', { method: 'POST', headers: withToken(headers), body: '{}' })
    expect((await purge({ origin: `http://${attacker}`, 'sec-fetch-site': 'cross-site', 'content-type': 'text/plain' })).status).toBe(403)
    expect((await purge({ origin: `http://${attacker}`, 'content-type': 'application/json' })).status).toBe(403)
    expect((await purge({ 'content-type': 'text/plain' })).status).toBe(415)
    // Behind a proxy the Host is the proxy's business: the token decides.
    expect((await purge({ host: 'motia.internal:8080', 'content-type': 'application/json' })).status).toBe(200)
    expect((await purge({ host: 'motia.internal:8080', 'x-forwarded-host': 'ops.example.com', origin: 'https://ops.example.com', 'content-type': 'application/json' })).status).toBe(200)
    expect((await cli.fetch('/__motia/api/queues/purge', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(403)
  })
})
