/**
 * Issue 22, point 6, "the console tells the truth", in real Chromium against a real `motia dev`:
 * a request refused by validation lists as 400 (not a green ok) and can be filtered; the Endpoints
 * form's sample passes its schema and a refused body shows every issue; an error log line shows
 * its stack; the flow graph has stream nodes, a grid for steps with no edge and a legend entry per
 * kind; the start banner names plugin and stream triggers with their sources.
 */
import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { consoleSession, screenshots } from '../helpers/console-browser.ts'


const orderSchema = `z.object({
  item: z.string().min(3),
  quantity: z.number().int().min(1).max(9),
  email: z.email(),
  size: z.enum(['s', 'm', 'l']),
  address: z.object({ city: z.string().min(2), zip: z.string().regex(/^[0-9]+$/) }),
  lines: z.array(z.object({ sku: z.string().min(4), qty: z.number().int().positive() })).min(2),
})`

/** Steps with no topic or stream: the graph places them in a grid. */
const loners = ['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo', 'Foxtrot', 'Golf', 'Hotel']

const files: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'truth', private: true, type: 'module' }),
  'plugins/webhook.ts': `import { definePlugin } from 'motia'
export const webhook = definePlugin({ name: 'webhook', triggers: [{ type: 'webhook', register: () => () => {} }] })
`,
  'motia.config.ts': `import { webhook } from './plugins/webhook.ts'\nexport default { plugins: [webhook] }\n`,
  'steps/orders.stream.ts': `import { z } from 'zod'
export const config = { name: 'orders', schema: z.object({ item: z.string() }) }
`,
  'steps/create-order.step.ts': `import { z } from 'zod'
export const config = { name: 'CreateOrder', flows: ['shop'], triggers: [{ type: 'http', method: 'POST', path: '/orders', bodySchema: ${orderSchema} }] }
export const handler = async (req, ctx) => {
  await ctx.streams.orders.set('all', req.body.item, { item: req.body.item })
  return { status: 201, body: { ok: true } }
}
`,
  'lib/audit.ts': `import { streams } from 'motia'
export const audit = (item: string) => streams.audit.set('all', item, { item })
`,
  'steps/audit.stream.ts': `import { z } from 'zod'
export const config = { name: 'audit', schema: z.object({ item: z.string() }) }
`,
  'steps/refund.step.ts': `import { audit } from '../lib/audit.ts'
export const config = { name: 'Refund', triggers: [{ type: 'queue', topic: 'refund-asked' }] }
export const handler = async (data) => { await audit(data.item) }
`,
  'steps/on-order.step.ts': `export const config = { name: 'OnOrder', flows: ['shop'], triggers: [{ type: 'stream', streamName: 'orders' }] }
export const handler = async () => {}
`,
  'steps/charge.step.ts': `export const config = { name: 'Charge', triggers: [{ type: 'http', method: 'POST', path: '/charge' }] }
export const handler = async (req, ctx) => {
  ctx.logger.error('payment failed', { error: new Error('card declined') })
  return { status: 402, body: { error: 'card declined' } }
}
`,
  'steps/github.step.ts': `export const config = { name: 'GithubHook', triggers: [{ type: 'webhook', source: 'github' }] }
export const handler = async () => {}
`,
  ...Object.fromEntries(
    loners.map((name, i) => [`steps/loner-${i}.step.ts`, `export const config = { name: '${name}', triggers: [{ type: 'http', method: 'GET', path: '/loner/${i}' }] }\nexport const handler = async () => ({ status: 200, body: 'ok' })\n`]),
  ),
}

const session = consoleSession(files, 30_000)
// Chromium logs the 4xx answers these tests ask for as console errors: only uncaught exceptions count.
const { open } = session

const postJson = (path: string, body: unknown) => session.cli.fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

describe('the console tells the truth', () => {
  test('the start banner names plugin and stream triggers with their sources', () => {
    const banner = session.cli.output()
    expect(banner).toMatch(/ {2}webhook github +GithubHook {2}steps\/github\.step\.ts/)
    expect(banner).toMatch(/ {2}stream orders +OnOrder {2}steps\/on-order\.step\.ts/)
    expect(banner).toMatch(/ {2}POST {3}\/orders +CreateOrder/)
  })

  test('a request refused by validation lists as 400, not ok, and the status filter finds it', async () => {
    const refused = await postJson('/orders', { item: 'x' })
    expect(refused.status).toBe(400)
    const refusedId = refused.headers.get('x-trace-id')!
    const charged = await postJson('/charge', {})
    expect(charged.status).toBe(402)
    const fine = await session.cli.fetch('/loner/0')
    expect(fine.status).toBe(200)
    const fineId = fine.headers.get('x-trace-id')!

    const { page, errors } = await open('/__motia/#/traces', { consoleErrors: false })
    const row = (id: string) => page.locator('[data-testid="trace-row"]').filter({ has: page.locator(`a[href="#/traces/${id}"]`) })
    await row(refusedId).waitFor()
    expect(await row(refusedId).getByTestId('trace-status').textContent()).toBe('400')
    expect(await row(fineId).getByTestId('trace-status').textContent()).toBe('ok · 200')

    await page.getByLabel('Status').selectOption('4xx')
    await page.waitForFunction((id) => !document.querySelector(`[data-testid="trace-row"] a[href="#/traces/${id}"]`), fineId)
    const statuses = await page.locator('[data-testid="trace-row"] [data-testid="trace-status"]').allTextContents()
    expect(statuses.sort()).toEqual(['400', '402'])
    await page.getByLabel('Status').selectOption('ok')
    await row(fineId).waitFor()
    expect(await row(refusedId).count()).toBe(0)
    await page.getByLabel('Status').selectOption('')
    await row(refusedId).waitFor()
    await page.screenshot({ path: join(screenshots, 'traces-statuses.png') })

    // The trace itself says what happened, though no step ran.
    await page.evaluate((id) => (location.hash = `#/traces/${id}`), refusedId)
    await page.getByText('Answered 400 before any step ran').waitFor()
    expect(await page.getByTestId('trace-status').textContent()).toBe('400')
    expect(errors).toEqual([])
    await page.close()
  }, 60_000)

  test('the Endpoints sample passes the schema and the server takes it; a refused body lists every issue', async () => {
    const { page, errors } = await open(`/__motia/#/endpoints/${encodeURIComponent('POST /orders')}`, { consoleErrors: false })
    const editor = page.getByTestId('body-editor')
    await editor.waitFor()
    const sample = JSON.parse(await editor.inputValue())
    expect(sample.lines).toHaveLength(2)
    expect(sample.size).toBe('s')
    expect(await page.locator('ul.problems[role="alert"]').count()).toBe(0)
    await page.getByRole('button', { name: 'Send' }).click()
    await page.getByTestId('response').getByText('201').waitFor()

    await editor.fill(JSON.stringify({ item: 'ab', quantity: 0, email: 'nope', size: 'xl', address: { city: 'A' }, lines: [] }))
    // Checked as typed, every issue at once; then the server's own answer lists them.
    const typed = page.locator('ul.problems[role="alert"]')
    await typed.getByText('body.email: must be a valid email').waitFor()
    expect((await typed.locator('li').allTextContents()).map((line) => line.split(':')[0]).sort()).toEqual(['body.address.city', 'body.address.zip', 'body.email', 'body.item', 'body.lines', 'body.quantity', 'body.size'])
    await page.getByRole('button', { name: 'Send' }).click()
    await page.getByTestId('response').getByText('400').waitFor()
    await page.screenshot({ path: join(screenshots, 'endpoint-issues.png'), fullPage: true })
    const issues = (await page.getByTestId('response-issues').locator('li').allTextContents()).map((line) => line.split(':')[0])
    expect(issues.sort()).toEqual(['body.address.city', 'body.address.zip', 'body.email', 'body.item', 'body.lines', 'body.quantity', 'body.size'])
    expect(errors).toEqual([])
    await page.close()
  }, 60_000)

  test('an error log line renders its stack, and collapses', async () => {
    await postJson('/charge', {})
    const { page, errors } = await open('/__motia/#/logs', { consoleErrors: false })
    const line = page.getByTestId('log-line').filter({ hasText: 'payment failed' }).first()
    const stack = line.getByTestId('log-stack')
    await stack.waitFor()
    expect(await stack.locator('summary').textContent()).toBe('error: Error: card declined')
    const pre = stack.locator('pre')
    expect(await pre.textContent()).toMatch(/^Error: card declined\n\s+at .*charge\.step\.ts:\d+:\d+/)
    expect(await pre.isVisible()).toBe(true)
    await page.screenshot({ path: join(screenshots, 'log-stack.png') })
    await stack.locator('summary').click()
    expect(await pre.isVisible()).toBe(false)
    expect(errors).toEqual([])
    await page.close()
  }, 60_000)

  test('the flow graph shows streams with their writers, steps with no edge in a grid, and a legend entry per kind', async () => {
    const graph = (await session.cli.json('/__motia/api/flows')) as { nodes: Array<{ id: string; kind: string }>; edges: Array<{ source: string; target: string; kind: string }> }
    expect(graph.nodes.filter((n) => n.kind === 'stream').map((n) => n.id)).toEqual(['stream:audit', 'stream:orders'])
    expect(graph.edges.filter((e) => e.kind === 'write' || e.kind === 'trigger').map((e) => [e.source, e.target, e.kind])).toEqual([
      ['step:CreateOrder', 'stream:orders', 'write'],
      ['stream:orders', 'step:OnOrder', 'trigger'],
      // Written through a helper module the step imports.
      ['step:Refund', 'stream:audit', 'write'],
    ])

    const { page, errors } = await open('/__motia/#/flows', { consoleErrors: false })
    await page.waitForSelector('[data-testid="flow-graph"][data-rendered="yes"] [data-stream="orders"]')
    const legend = await page.getByTestId('legend-item').allTextContents()
    expect(legend).toEqual(['http', 'queue', 'cron', 'state', 'stream', 'webhook (plugin)', 'noop', 'topic', 'stream data'])
    expect(await page.locator('[data-step="GithubHook"]').getAttribute('class')).toContain('t-plugin')

    // Boxes in flow coordinates: none overlaps another, and the loners fill rows and columns.
    const boxes = await page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLElement>('.react-flow__node'), (el) => {
        const [x, y] = /translate\(([-\d.]+)px, ?([-\d.]+)px\)/.exec(el.style.transform)!.slice(1).map(Number)
        return { id: el.dataset.id!, x: x!, y: y!, w: el.offsetWidth, h: el.offsetHeight }
      }),
    )
    await page.screenshot({ path: join(screenshots, 'flows-streams-grid.png') })
    expect(boxes).toHaveLength(graph.nodes.length)
    for (const a of boxes) for (const b of boxes) if (a.id < b.id) expect(a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y ? '' : `${a.id} overlaps ${b.id}`).toBe('')
    const lonerBoxes = boxes.filter((b) => loners.some((name) => b.id === `step:${name}`))
    expect(new Set(lonerBoxes.map((b) => b.x)).size).toBeGreaterThan(1)
    expect(new Set(lonerBoxes.map((b) => b.y)).size).toBeGreaterThan(1)
    expect(errors).toEqual([])
    await page.close()
  }, 60_000)
})
