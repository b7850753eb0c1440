/**
 * The console's Runs page and replay button in real Chromium against a real `motia dev`: sleeping
 * runs are listed with their checkpoints, woken and cancelled from the page, replayed from a
 * checkpoint; a trace is replayed with its recorded input and shown beside the new one.
 */
import { expect, test } from 'bun:test'
import { join } from 'node:path'
import { consoleSession, screenshots } from '../helpers/console-browser.ts'

const session = consoleSession({
  'steps/nap.step.ts': `
    export const config = { name: 'Nap', triggers: [{ type: 'http', method: 'POST', path: '/nap' }], workflow: true }
    export const handler = async (req, ctx) => {
      const before = await ctx.run('before', () => ctx.state.update('count', 'before', [{ type: 'increment' }]))
      await ctx.sleep('nap', req.body.sleep)
      const after = await ctx.run('after', () => ctx.state.update('count', 'after', [{ type: 'increment' }]))
      return { before, after }
    }
  `,
  'steps/hello.step.ts': `
    export const config = { name: 'Hello', triggers: [{ type: 'http', method: 'POST', path: '/hello' }] }
    export const handler = async (req) => ({ status: 200, body: { hello: req.body.name } })
  `,
}, 60_000)
const { open } = session

const post = async (path: string, body: unknown) => fetch(session.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
const startNap = async () => ((await (await post('/nap', { sleep: '1h' })).json()) as { runId: string }).runId

test('runs are listed, woken, cancelled and replayed from a checkpoint in the console', async () => {
  const woken = await startNap()
  const cancelled = await startNap()
  const { page, errors } = await open('/__motia/#/runs')
  for (const id of [woken, cancelled]) await page.locator(`[data-testid="run"][data-run="${id}"][data-status="sleeping"]`).waitFor({ timeout: 20_000 })
  await page.screenshot({ path: join(screenshots, 'runs.png') })

  await page.getByRole('link', { name: woken }).click()
  await page.locator('[data-testid="checkpoint"][data-checkpoint="nap"]').waitFor()
  await page.getByRole('button', { name: 'Wake now' }).click()
  await page.locator('[data-testid="checkpoint"][data-checkpoint="after"]').waitFor({ timeout: 20_000 })
  await page.locator('h2 .status', { hasText: 'completed' }).waitFor({ timeout: 20_000 })
  await page.screenshot({ path: join(screenshots, 'run-detail.png') })

  // Replay from "after": a new run replays "before" and "nap" from the record and runs "after" again.
  await page.locator('[data-testid="checkpoint"][data-checkpoint="after"]').getByRole('button', { name: 'Replay from here' }).click()
  await page.getByRole('status').getByText(/^started run /).waitFor()
  const copy = (await page.getByRole('status').textContent())!.replace('started run ', '')
  await page.goto(`${session.url}/__motia/#/runs/${copy}`)
  await page.locator('h2 .status', { hasText: 'completed' }).waitFor({ timeout: 20_000 })
  await page.getByText(`replays ${woken}`).waitFor()

  await page.goto(`${session.url}/__motia/#/runs/${cancelled}`)
  await page.getByRole('button', { name: 'Cancel' }).click()
  await page.locator('h2 .status', { hasText: 'cancelled' }).waitFor()
  expect(errors).toEqual([])
  await page.close()

  const counts = await (await fetch(`${session.url}/__motia/runs/${copy}`)).json() as { run: { output: unknown } }
  expect(counts.run.output).toEqual({ before: 1, after: 2 })
}, 60_000)

test('a trace is replayed from the console and shown beside the original', async () => {
  const sent = await post('/hello', { name: 'ada' })
  const traceId = sent.headers.get('x-trace-id')!
  const { page, errors } = await open(`/__motia/#/traces/${traceId}`)
  await page.getByRole('button', { name: 'Replay' }).click()
  await page.waitForFunction((id) => location.hash.startsWith(`#/runs/compare/${id}/`), traceId)
  const replayed = (await page.evaluate(() => location.hash)).split('/').at(-1)!
  expect(replayed).toMatch(/^[0-9a-f]{32}$/)
  expect(replayed).not.toBe(traceId)
  await page.getByTestId('compare-original').getByText('Hello').waitFor()
  await page.getByTestId('compare-replay').getByText('Hello').waitFor()
  await page.getByTestId('compare-replay').getByText(replayed).waitFor()
  await page.screenshot({ path: join(screenshots, 'replay-compare.png') })
  expect(errors).toEqual([])
  await page.close()
}, 60_000)
