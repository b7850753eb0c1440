/**
 * Issue 22, point 1, in real Chromium against a real `motia dev`: a step whose file has a syntax
 * error shows in a banner above every page with its location and code frame; fixing the file
 * clears the banner without reloading the page.
 */
import { expect, test } from 'bun:test'
import { consoleSession } from '../helpers/console-browser.ts'

const brokenStep = `export const config = { name: 'Hello' }
export const handler = async () => {
  const total: number = 1 +
  return { status: 200, body: total }
}
`

const session = consoleSession(
  { 'steps/http/hello.get.step.ts': brokenStep, 'steps/http/fine.get.step.ts': `export const handler = async () => ({ status: 200, body: 'ok' })\n`, 'lib/report.step.ts': '' },
  30_000,
)

test('the banner shows the failing file with its code frame and hints, and clears once the file is fixed', async () => {
  const { page, errors } = await session.open('/__motia/#/endpoints', { consoleErrors: false })
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

  session.project.write('steps/http/hello.get.step.ts', `export const config = { name: 'Hello' }\nexport const handler = async () => ({ status: 200, body: 'fixed' })\n`)
  session.project.remove('lib/report.step.ts')
  await page.getByTestId('problems').waitFor({ state: 'detached', timeout: 20_000 })
  expect(errors).toEqual([])
  await page.close()
}, 60_000)
