/**
 * Issue 22, points 2 and 3: the todo-streams template built with `motia build` and run from
 * another folder serves its page (public/), the page's script and `/__motia/client.js` from the
 * executable, and the page in real Chromium shows a todo added over HTTP, live. The page is a
 * React one on `motia/react` (public/app.tsx), bundled by `motia build`: the executable has no
 * node_modules, and a delete shows, live.
 */
import { afterAll, expect, test } from 'bun:test'
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { launchChromium } from '../helpers/browser.ts'
import { beforeAllTests } from '../helpers/prerequisites.ts'
import { runCli } from '../helpers/cli.ts'
import { freePort, makeProject, repoRoot, type TempProject } from '../helpers/project.ts'

let project: TempProject
let browser: Browser
let exe: Bun.Subprocess<'ignore', 'pipe', 'pipe'> | undefined
const elsewhere = mkdtempSync(join(tmpdir(), 'motia-todo-exe-'))

beforeAllTests(async () => {
  project = makeProject()
  cpSync(`${repoRoot}/templates/todo-streams`, project.root, { recursive: true })
  browser = await launchChromium()
}, 60_000)

afterAll(async () => {
  exe?.kill('SIGKILL')
  await exe?.exited
  await browser?.close()
  project?.cleanup()
  rmSync(elsewhere, { recursive: true, force: true })
})

test('the built executable, run in another folder, serves the page, and the page is live in Chromium', async () => {
  const built = await runCli(['build', '--outfile', 'dist/todos'], project.root)
  expect(built.code).toBe(0)
  // Nothing of the project is left to read: only the executable answers.
  const binary = join(elsewhere, 'todos')
  cpSync(join(project.root, 'dist/todos'), binary)
  project.cleanup()
  const port = freePort()
  const started = performance.now()
  exe = Bun.spawn([binary], { cwd: elsewhere, env: { ...process.env, PORT: String(port), MOTIA_LOG_FORMAT: 'json' }, stdout: 'pipe', stderr: 'pipe' })
  const base = `http://127.0.0.1:${port}`
  while ((await fetch(`${base}/__motia/health`).catch(() => undefined))?.ok !== true) {
    if (performance.now() - started > 20_000 || exe.exitCode !== null) throw new Error(`the executable did not start: ${await new Response(exe.stderr).text()}`)
    await Bun.sleep(20)
  }
  console.log(`todo-streams executable: first answer ${Math.round(performance.now() - started)} ms after spawn`)
  expect(await (await fetch(`${base}/`)).text()).toContain('<script type="module" src="/app.tsx"></script>')
  const script = await fetch(`${base}/app.tsx`)
  expect(script.headers.get('content-type')).toStartWith('text/javascript')
  // The bundle (minified), not the source: JSX and TypeScript are gone, React and motia/client are in it.
  const code = await script.text()
  expect(code).not.toContain('<MotiaStreamProvider>')
  expect(code).toContain('rendererPackageName:"react-dom"')
  expect(code).toContain('subscribeGroup(')
  expect(await (await fetch(`${base}/__motia/client.js`)).text()).toContain('export class Stream')

  const page = await browser.newPage()
  const problems: string[] = []
  page.on('pageerror', (error) => problems.push(error.message))
  await page.goto(`${base}/?list=work`)
  await page.waitForFunction(() => document.querySelector('#viewers')?.textContent?.startsWith('1 viewer'), undefined, { timeout: 20_000 })
  const created = await fetch(`${base}/todos`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'ship it', list: 'work' }) })
  expect(created.status).toBe(201)
  await page.waitForFunction(() => Array.from(document.querySelectorAll('#todos li span')).some((s) => s.textContent?.includes('ship it')), undefined, { timeout: 20_000 })
  expect(await page.textContent('#lists')).toContain('[work]')
  const id = ((await created.json()) as { id: string }).id
  expect((await fetch(`${base}/todos/${id}?list=work`, { method: 'DELETE' })).status).toBe(200)
  await page.waitForFunction(() => document.querySelectorAll('#todos li').length === 0, undefined, { timeout: 20_000 })
  expect(problems).toEqual([])
  await page.close()
}, 120_000)
