/**
 * Issue 18, point 6, from a real browser (Debian's Chromium, driven by playwright-core) against a
 * real `motia dev`: a page of another site fires every request a browser lets it send without
 * asking (a text/plain form, no-cors fetches, sendBeacon, a JSON fetch that needs a preflight) at
 * the console's state-changing routes, and a page whose DNS name is rebound to 127.0.0.1 uses the
 * console from its own origin. Chromium's resolver maps the attacker's names to 127.0.0.1, as DNS
 * would. Nothing changes, and the rebound console says why it is refused.
 */
import { afterAll, expect, test } from 'bun:test'
import { beforeAllTests } from '../helpers/prerequisites.ts'
import type { Browser } from 'playwright-core'
import { launchChromium } from '../helpers/browser.ts'
import { startCli, type CliProcess } from '../helpers/cli.ts'
import { freePort, makeProject, type TempProject } from '../helpers/project.ts'


let project: TempProject
let cli: CliProcess
let browser: Browser
let attackerSite: ReturnType<typeof Bun.serve>

beforeAllTests(async () => {
  project = makeProject({
    'steps/order.step.ts': `export const config = { name: 'Order', triggers: [{ type: 'http', method: 'POST', path: '/orders' }], enqueues: ['order'] }
export const handler = async (req, ctx) => { await ctx.enqueue({ topic: 'order', data: req.body }); return { status: 202, body: {} } }`,
    'steps/ship.step.ts': `export const config = { name: 'Ship', triggers: [{ type: 'queue', topic: 'order', config: { maxRetries: 0 } }] }
export const handler = async (data) => { throw new Error('cannot ship ' + data.item) }`,
  })
  cli = await startCli(['dev', '--port', String(freePort())], project.root)
  const target = `http://127.0.0.1:${cli.port}/__motia`
  // The attacker's page: every request a foreign page can send without a preflight, then one that needs it.
  const page = `<!doctype html><body>
<iframe name="sink"></iframe>
<form id="purge" method="POST" enctype="text/plain" target="sink" action="${target}/api/queues/purge"><input name='{"a":"' value='"}'></form>
<script>
const go = async () => {
  document.getElementById('purge').submit()
  const tries = [
    fetch('${target}/api/queues/replay', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: '{"all":true}' }),
    fetch('${target}/api/queues/purge', { method: 'POST', mode: 'no-cors', body: new URLSearchParams({ x: '1' }) }),
    fetch('${target}/api/state/settings/mode', { method: 'POST', mode: 'no-cors', body: '"hacked"' }),
    fetch('${target}/enqueue', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: '{"topic":"order","data":{"item":"forged"}}' }),
    fetch('${target}/api/queues/purge', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
    fetch('${target}/api/state/settings/mode', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '"hacked"' }),
    fetch('${target}/api/state/settings/mode', { method: 'DELETE' }),
  ]
  navigator.sendBeacon('${target}/api/queues/purge', '{}')
  const outcomes = await Promise.all(tries.map((p) => p.then((r) => r.type + ' ' + r.status, (e) => 'blocked')))
  // Reading the dead letters cross-site: refused by the browser, and by the server.
  const read = await fetch('${target}/api/queues/dead-letters').then((r) => r.text(), () => 'blocked')
  document.title = 'done ' + JSON.stringify({ outcomes, read })
}
go()
</script></body>`
  attackerSite = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response(page, { headers: { 'content-type': 'text/html' } }) })
  browser = await launchChromium(['--host-resolver-rules=MAP attacker.test 127.0.0.1, MAP rebind.test 127.0.0.1'])
}, 60_000)

afterAll(async () => {
  await browser?.close()
  attackerSite?.stop(true)
  await cli?.stop()
  project?.cleanup()
})

const api = async (path: string) => (await cli.fetch(`/__motia/api${path}`)).json() as Promise<any>

test("another site's page changes nothing and reads nothing; a rebound page is refused and told why", async () => {
  await cli.fetch('/__motia/api/state/settings/mode', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '"safe"' })
  await cli.fetch('/orders', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"item":"lamp"}' })
  const deadline = Date.now() + 20_000
  while ((await api('/queues/dead-letters')).total !== 1) {
    if (Date.now() > deadline) throw new Error('the order was never dead-lettered')
    await Bun.sleep(25)
  }
  const before = (await api('/queues/dead-letters')).deadLetters

  const attacker = await browser.newPage()
  await attacker.goto(`http://attacker.test:${attackerSite.port}/`)
  await attacker.waitForFunction(() => document.title.startsWith('done '), undefined, { timeout: 20_000 })
  const { outcomes, read } = JSON.parse((await attacker.title()).slice(5)) as { outcomes: string[]; read: string }
  // no-cors answers are opaque to the page; the JSON ones never left the browser (no CORS for /__motia/).
  expect(outcomes).toEqual(['opaque 0', 'opaque 0', 'opaque 0', 'opaque 0', 'blocked', 'blocked', 'blocked'])
  expect(read).toBe('blocked')
  await attacker.close()

  // The rebound page: the console itself, served to the attacker's name, calls the API "same-origin".
  const rebound = await browser.newPage()
  await rebound.goto(`http://rebind.test:${cli.port}/__motia/#/queues`)
  await rebound.getByRole('alert').filter({ hasText: 'answer only requests addressed to this machine, not to Host "rebind.test:' }).first().waitFor()
  const fromRebound = await rebound.evaluate(async () => {
    const purge = await fetch('/__motia/api/queues/purge', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    const read = await fetch('/__motia/api/queues/dead-letters')
    return [purge.status, read.status, (await read.json()).code]
  })
  expect(fromRebound).toEqual([403, 403, 'FOREIGN_HOST'])
  // The login form is not offered: a token would not help.
  expect(await rebound.getByRole('heading', { name: 'Control token' }).count()).toBe(0)
  await rebound.close()

  // A marker message, sent after the attacks, is shipped (and dead-lettered) after anything they enqueued.
  await cli.fetch('/orders', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"item":"marker"}' })
  while ((await api('/queues/dead-letters')).total !== 2) {
    if (Date.now() > deadline + 20_000) throw new Error(`the marker was never dead-lettered: ${JSON.stringify(await api('/queues/dead-letters'))}`)
    await Bun.sleep(25)
  }
  const after = (await api('/queues/dead-letters')).deadLetters
  expect(after.map((l: { data: { item: string } }) => l.data.item)).toEqual(['marker', 'lamp'])
  expect(after[1]).toEqual(before[0])
  expect((await api('/state/settings/mode')).value).toBe('safe')
}, 60_000)
