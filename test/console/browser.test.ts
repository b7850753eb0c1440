/**
 * The console in real Chromium (Debian's, driven by playwright-core) against a real `motia dev`:
 * every page loads without console errors, and the journeys of issue #14 work end to end.
 * Screenshots go to `.screenshots/console/` (ignored by git).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { networkInterfaces } from 'node:os'
import { join } from 'node:path'
import { consoleSession, screenshots } from '../helpers/console-browser.ts'
import { startCli, type CliProcess } from '../helpers/cli.ts'
import { freePort, makeProject, type TempProject } from '../helpers/project.ts'

const pages = ['flows', 'endpoints', 'traces', 'logs', 'state', 'queues', 'streams']

const files = {
  'steps/create-order.step.ts': `import { z } from 'zod'
export const config = { name: 'CreateOrder', flows: ['orders'], triggers: [{ type: 'http', method: 'POST', path: '/orders', bodySchema: z.object({ item: z.string(), quantity: z.number().int().min(1) }) }], enqueues: ['order-created'] }
export const handler = async (req, ctx) => {
  ctx.logger.info('order for ' + req.body.item)
  await ctx.enqueue({ topic: 'order-created', data: req.body })
  return { status: 201, body: { ok: true } }
}`,
  'steps/ship.step.ts': `export const config = { name: 'Ship', flows: ['orders'], triggers: [{ type: 'queue', topic: 'order-created', config: { maxRetries: 0 } }] }
export const handler = async (data, ctx) => {
  if (data.item === 'broken' && (await ctx.state.get('settings', 'allowBroken')) !== true) throw new Error('cannot ship broken')
  ctx.logger.info('shipped ' + data.item)
}`,
  'steps/read-setting.step.ts': `export const config = { name: 'ReadSetting', triggers: [{ type: 'http', method: 'GET', path: '/settings/:key' }] }
export const handler = async (req, ctx) => ({ status: 200, body: { value: (await ctx.state.get('settings', req.pathParams.key)) ?? null } })`,
  'steps/todo.stream.ts': `import { z } from 'zod'
export const config = { name: 'todo', schema: z.object({ text: z.string(), done: z.boolean() }) }`,
  'steps/add-todo.step.ts': `export const config = { name: 'AddTodo', triggers: [{ type: 'http', method: 'POST', path: '/todos/:list' }] }
export const handler = async (req, ctx) => {
  const id = 'todo-' + req.body.text.replaceAll(' ', '-')
  await ctx.streams.todo.set(req.pathParams.list, id, { text: req.body.text, done: false })
  return { status: 201, body: { id } }
}`,
}

const session = consoleSession(files, 30_000)
const { open } = session

const post = (item: string) => fetch(`${session.url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ item, quantity: 1 }) })

describe('console in Chromium', () => {
  test('the banner links the console and / redirects to it', async () => {
    expect(session.cli.output()).toContain(`console: http://127.0.0.1:${session.cli.port}/__motia/`)
    const res = await fetch(session.url, { redirect: 'manual' })
    expect(res.headers.get('location')).toBe('/__motia/')
  })

  test('every page loads without console errors, at 1280×800 and 390×844, in both themes', async () => {
    await post('warmup')
    for (const [viewport, suffix] of [[{ width: 1280, height: 800 }, ''], [{ width: 390, height: 844 }, '-phone']] as const) {
      const { page, errors } = await open('/__motia/', { viewport })
      for (const [i, id] of pages.entries()) {
        await page.evaluate((hash) => (location.hash = hash), `#/${id}`)
        await page.waitForSelector(`nav a[href="#/${id}"][aria-current="page"]`)
        // Live pages keep a stream open, so "network idle" never comes: wait for the content instead.
        await page.waitForFunction(() => !/Loading|Connecting/.test(document.querySelector('main')?.textContent ?? 'Loading'))
        if (id === 'flows') await page.waitForSelector('[data-testid="flow-graph"][data-rendered="yes"] .react-flow__node')
        await page.screenshot({ path: join(screenshots, `${id}${suffix}${i % 2 && !suffix ? '-light' : ''}.png`) })
        // Alternate themes with the keyboard shortcut, so both are exercised on real pages.
        if (!suffix) await page.keyboard.press('t')
      }
      expect(errors).toEqual([])
      await page.close()
    }
  }, 60_000)

  test('keyboard: digits switch pages, t switches the theme', async () => {
    const { page, errors } = await open('/__motia/#/flows')
    await page.waitForSelector('[data-testid="flow-graph"]')
    await page.keyboard.press('6')
    await page.waitForSelector('nav a[href="#/queues"][aria-current="page"]')
    const before = await page.evaluate(() => document.documentElement.dataset.theme)
    await page.keyboard.press('t')
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).not.toBe(before)
    expect(errors).toEqual([])
    await page.close()
  })

  test('a request sent from Endpoints appears in Traces with its queue step', async () => {
    const { page, errors } = await open(`/__motia/#/endpoints/${encodeURIComponent('POST /orders')}`)
    const editor = page.getByTestId('body-editor')
    await editor.fill('{"item": 3}')
    await page.getByText('body.item: must be string, got number').waitFor()
    await editor.fill('{"item": "book", "quantity": 2}')
    await page.getByRole('button', { name: 'Send' }).click()
    await page.getByTestId('response').getByText('201').waitFor()
    await page.getByRole('link', { name: 'open its trace' }).click()
    await page.locator('[data-testid="span"][data-step="Ship"]').waitFor()
    await page.locator('[data-testid="span"][data-step="Ship"]').click()
    await page.getByTestId('span-detail').getByText('shipped book').waitFor()
    // Each span shows what it was given and what it returned.
    await page.getByTestId('span-input').getByText('"item": "book"').waitFor()
    await page.locator('[data-testid="span"][data-step="CreateOrder"]').click()
    await page.getByTestId('span-input').getByText('"method": "POST"').waitFor()
    await page.getByTestId('span-output').getByText('"status": 201').waitFor()
    await page.screenshot({ path: join(screenshots, 'trace-waterfall.png') })
    expect(errors).toEqual([])
    await page.close()
  })

  test('a log line appears live', async () => {
    const { page, errors } = await open('/__motia/#/logs')
    await page.waitForSelector('[aria-label="live"]')
    await post('lamp')
    await page.getByTestId('log-line').filter({ hasText: 'shipped lamp' }).waitFor()
    expect(errors).toEqual([])
    await page.close()
  })

  test('Streams: an item written by an HTTP step shows without reload, in an open group and as a new group', async () => {
    const addTodo = (list: string, text: string) => fetch(`${session.url}/todos/${list}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) })
    const { page, errors } = await open('/__motia/#/streams/todo/inbox')
    await page.getByText('This group is empty').waitFor()
    await page.waitForSelector('[aria-label="live"]')
    expect((await addTodo('inbox', 'buy milk')).status).toBe(201)
    await page.locator('[data-testid="stream-item"][data-id="todo-buy-milk"]').getByText('"done": false').waitFor()
    await page.locator('[data-stream="todo"] a[href="#/streams/todo/inbox"]').getByText('1').waitFor()
    await addTodo('errands', 'post letter')
    await page.locator('[data-stream="todo"] a[href="#/streams/todo/errands"]').click()
    await page.locator('[data-testid="stream-item"][data-id="todo-post-letter"]').waitFor()
    await page.screenshot({ path: join(screenshots, 'streams-items.png') })
    // The writer's trace lists the stream operation in its span.
    const [trace] = ((await (await fetch(`${session.url}/__motia/api/traces?step=AddTodo&limit=1`)).json()) as { traces: Array<{ id: string }> }).traces
    await page.evaluate((hash) => (location.hash = hash), `#/traces/${trace!.id}`)
    await page.locator('[data-testid="span"][data-step="AddTodo"]').click()
    await page.getByTestId('span-detail').getByText('set todo / errands / todo-post-letter').waitFor()
    expect(errors).toEqual([])
    await page.close()
  })

  test('Queues never stacks polls: while each answer takes 2 s, at most one request per list is out', async () => {
    const page = await session.browser.newPage()
    const out = new Map<string, number>()
    const peak = new Map<string, number>()
    const asked = new Map<string, number>()
    await page.route('**/__motia/api/queues**', async (route) => {
      const list = new URL(route.request().url()).pathname
      out.set(list, (out.get(list) ?? 0) + 1)
      asked.set(list, (asked.get(list) ?? 0) + 1)
      peak.set(list, Math.max(peak.get(list) ?? 0, out.get(list)!))
      const response = await route.fetch()
      await Bun.sleep(2000)
      await route.fulfill({ response }).catch(() => {})
      out.set(list, out.get(list)! - 1)
    })
    await page.goto(`${session.url}/__motia/#/queues`)
    // Runs wake the page (and the 3 s timer goes on) while answers are slow: it asks again, one at a time.
    const deadline = Date.now() + 40_000
    while ((asked.get('/__motia/api/queues') ?? 0) < 4 || (asked.get('/__motia/api/queues/dead-letters') ?? 0) < 4) {
      if (Date.now() > deadline) throw new Error(`the page stopped asking: ${JSON.stringify([...asked])}`)
      await post('poll')
      await Bun.sleep(200)
    }
    expect([...peak.values()]).toEqual([1, 1])
    await page.close()
  }, 60_000)

  test('a failing queue step shows in Queues; State edits what an HTTP step reads; Replay from Queues succeeds', async () => {
    await post('broken')
    const { page, errors } = await open('/__motia/#/queues')
    await page.getByTestId('dead-letter').filter({ hasText: 'cannot ship broken' }).waitFor()
    await page.screenshot({ path: join(screenshots, 'queues-dead-letter.png') })

    await page.evaluate(() => (location.hash = '#/state/settings/allowBroken'))
    await page.getByTestId('state-editor').fill('tru')
    await page.getByText('not valid JSON').waitFor()
    await page.getByTestId('state-editor').fill('true')
    await page.getByRole('button', { name: 'Save' }).click()
    await page.getByRole('status').filter({ hasText: 'saved' }).waitFor()
    expect(await (await fetch(`${session.url}/settings/allowBroken`)).json()).toEqual({ value: true })

    await page.evaluate(() => (location.hash = '#/queues'))
    await page.getByTestId('replay').click()
    await page.getByText('Dead letters (0)').waitFor()
    await session.cli.until('/__motia/api/logs?q=shipped%20broken', (body) => (body as { logs: unknown[] }).logs.length === 1)
    expect(errors).toEqual([])
    await page.close()
  })
})

describe('console in Chromium behind motia dev --host 0.0.0.0 (the token is needed)', () => {
  let exposed: CliProcess
  let exposedProject: TempProject
  let exposedBase: string
  beforeAll(async () => {
    exposedProject = makeProject({
      'steps/load.step.ts': `export const config = { name: 'Load', triggers: [{ type: 'http', method: 'POST', path: '/load' }], enqueues: ['work'] }
export const handler = async (req, ctx) => { for (let i = 0; i < req.body.n; i++) await ctx.enqueue({ topic: 'work', data: { i, pad: 'p'.repeat(req.body.size) } }); return { status: 202, body: {} } }`,
      'steps/work.step.ts': `export const config = { name: 'Work', triggers: [{ type: 'queue', topic: 'work', config: { maxRetries: 0 } }] }
export const handler = async (data, ctx) => { if ((await ctx.state.get('settings', 'fixed')) !== true) throw new Error('work failed ' + data.i) }`,
    })
    exposed = await startCli(['dev', '--host', '0.0.0.0', '--port', String(freePort())], exposedProject.root)
    exposedBase = `http://127.0.0.1:${exposed.port}`
  }, 60_000)
  afterAll(async () => {
    await exposed?.stop()
    exposedProject?.cleanup()
  })

  const token = () => (JSON.parse(readFileSync(join(exposedProject.root, '.motia/server.lock'), 'utf8')) as { token: string }).token

  test('asks for the token once; then pages, paging through big dead letters, a state edit and Replay all work', async () => {
    // 60 dead letters of 100 KB each: more than a page.
    await fetch(`${exposedBase}/load`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ n: 60, size: 100_000 }) })
    const total = async () => ((await (await fetch(`${exposedBase}/__motia/api/queues/dead-letters?limit=1`, { headers: { 'x-motia-token': token() } })).json()) as { total: number }).total
    const deadline = Date.now() + 30_000
    while ((await total()) !== 60) {
      if (Date.now() > deadline) throw new Error(`60 dead letters never came:\n${exposed.output()}`)
      await Bun.sleep(50)
    }
    const page = await session.browser.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    // The API answers 403 until the token is given: that one is expected in the console log.
    page.on('console', (m) => m.type() === 'error' && !m.text().includes('403') && errors.push(m.text()))
    await page.goto(`${exposedBase}/__motia/#/queues`)
    await page.getByRole('heading', { name: 'Control token' }).waitFor()
    await page.getByLabel('Token').fill(token())
    await page.getByRole('button', { name: 'Open the console' }).click()
    await page.getByText('Dead letters (60)').waitFor()
    expect(await page.getByTestId('dead-letter').count()).toBe(50)
    await page.getByTestId('more-letters').click()
    await page.getByTestId('dead-letter').nth(59).waitFor()
    await page.getByTestId('dead-letter').first().locator('summary').click()
    await page.getByTestId('data-preview').first().waitFor()
    expect((await page.getByTestId('data-preview').first().textContent())!.length).toBeLessThan(3000)
    await page.screenshot({ path: join(screenshots, 'queues-paged.png') })

    await page.evaluate(() => (location.hash = '#/state/settings/fixed'))
    await page.getByTestId('state-editor').fill('true')
    await page.getByRole('button', { name: 'Save' }).click()
    await page.getByRole('status').filter({ hasText: 'saved' }).waitFor()

    await page.evaluate(() => (location.hash = '#/queues'))
    await page.getByRole('button', { name: 'Replay all' }).click()
    await page.getByRole('status').filter({ hasText: 'replayed 60' }).waitFor()
    await page.getByText('Dead letters (0)').waitFor()
    expect(errors).toEqual([])
    await page.close()
  }, 60_000)

  test('reached by this machine\'s address (not loopback), it works with the token too', async () => {
    const outside = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal)?.address
    if (!outside) return
    const page = await session.browser.newPage()
    await page.goto(`http://${outside}:${exposed.port}/__motia/#/flows`)
    await page.getByLabel('Token').fill(token())
    await page.getByRole('button', { name: 'Open the console' }).click()
    await page.waitForSelector('[data-testid="flow-graph"][data-rendered="yes"] .react-flow__node')
    await page.close()
  }, 60_000)
})
