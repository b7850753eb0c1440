/**
 * Issue 22, point 1, in real Chromium against a real `motia dev`: a step whose file has a syntax
 * error shows in a banner above every page with its location and code frame; fixing the file
 * clears the banner without reloading the page.
 */
import { afterAll, expect, test } from 'bun:test'
import type { Browser } from 'playwright-core'
import { launchChromium } from '../helpers/browser.ts'
import { beforeAllTests } from '../helpers/prerequisites.ts'
import { startCli, type CliProcess } from '../helpers/cli.ts'
import { freePort, makeProject, type TempProject } from '../helpers/project.ts'

const brokenStep = `export const config = { name: 'Hello' }
export const handler = async () => {
  const total: number = 1 +
  return { status: 200, body: total }
}
`

let project: TempProject
let cli: CliProcess
let browser: Browser

beforeAllTests(async () => {
  project = makeProject({ 'steps/http/hello.get.step.ts': brokenStep, 'steps/http/fine.get.step.ts': `export const handler = async () => ({ status: 200, body: 'ok' })\n`, 'lib/report.step.ts': '' })
  cli = await startCli(['dev', '--port', String(freePort())], project.root)
  browser = await launchChromium()
}, 30_000)

afterAll(async () => {
  await browser?.close()
  await cli?.stop()
  project?.cleanup()
})

test('the banner shows the failing file with its code frame and hints, and clears once the file is fixed', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  await page.goto(`http://127.0.0.1:${cli.port}/__motia/#/endpoints`)
  const problem = page.getByTestId('problem')
  await problem.waitFor({ timeout: 15_000 })
  expect(await problem.locator('.where').textContent()).toBe('steps/http/hello.get.step.ts:4:3')
  const frame = (await problem.locator('pre').textContent()) ?? ''
  expect(frame).toContain('steps/http/hello.get.step.ts:4:3: Unexpected return')
  expect(frame).toContain('> 4 |   return { status: 200, body: total }\n        |   ^')
  expect(await page.getByTestId('hint').first().textContent()).toContain('lib/report.step.ts looks like a step but is not loaded')
  // The banner stays over other pages.
  await page.evaluate(() => (location.hash = '#/flows'))
  await page.getByTestId('problem').waitFor()

  project.write('steps/http/hello.get.step.ts', `export const config = { name: 'Hello' }\nexport const handler = async () => ({ status: 200, body: 'fixed' })\n`)
  project.remove('lib/report.step.ts')
  await page.getByTestId('problems').waitFor({ state: 'detached', timeout: 20_000 })
  expect(errors).toEqual([])
  await page.close()
}, 60_000)
