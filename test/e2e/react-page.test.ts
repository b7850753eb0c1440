/**
 * Issue 22, point 3: a React page using `motia/react` (`MotiaStreamProvider`, `useStreamGroup`,
 * `useStreamItem`, `useStreamEventHandler`), written as `public/page.tsx` and bundled by the
 * server, is updated live in real Chromium under `motia dev` and `motia start`: items written,
 * changed and deleted by HTTP steps, and events sent by a step, show without a reload. A script
 * that does not bundle answers 500 with a line naming it, and fails `motia build` with one line.
 * (The built executable serving such a page: test/templates/todo-streams-build.test.ts.)
 */
import { afterAll, expect, test } from 'bun:test'
import type { Browser, Page } from 'playwright-core'
import { launchChromium } from '../helpers/browser.ts'
import { runCli, startCli, type CliProcess } from '../helpers/cli.ts'
import { beforeAllTests } from '../helpers/prerequisites.ts'
import { freePort, makeProject, type TempProject } from '../helpers/project.ts'

const files = {
  'package.json': JSON.stringify({ name: 'react-page', private: true, type: 'module' }),
  'steps/note.stream.ts': `import { z } from 'zod'
export const config = { name: 'note', schema: z.object({ text: z.string() }) }
`,
  'steps/http/notes/[group]/[id].put.step.ts': `export const config = { name: 'PutNote', triggers: [{ type: 'http' }] }
export const handler = async (req, { streams }) => ({ status: 200, body: (await streams.note.set(req.params.group, req.params.id, { text: req.body.text })).new_value })
`,
  'steps/http/notes/[group]/[id].delete.step.ts': `export const config = { name: 'DeleteNote', triggers: [{ type: 'http' }] }
export const handler = async (req, { streams }) => ({ status: 200, body: { old: await streams.note.delete(req.params.group, req.params.id) } })
`,
  'steps/http/notes/[group]/ping.post.step.ts': `export const config = { name: 'Ping', triggers: [{ type: 'http' }] }
export const handler = async (req, { streams }) => { await streams.note.send({ groupId: req.params.group }, { type: 'ping', data: { from: req.body.from } }); return { status: 202, body: {} } }
`,
  'public/index.html': '<!doctype html><div id="root"></div><script type="module" src="/page.tsx"></script>',
  'public/page.tsx': `import { useState } from 'react'
import { createRoot } from 'react-dom/client'
import { MotiaStreamProvider, useStreamEventHandler, useStreamGroup, useStreamItem } from 'motia/react'

function Notes() {
  const { data, event } = useStreamGroup<{ id: string; text: string }>({ streamName: 'note', groupId: 'board', sortKey: 'id' })
  const [pings, setPings] = useState<string[]>([])
  useStreamEventHandler({ event, type: 'ping', listener: (ping: { from: string }) => setPings((all) => [...all, ping.from]) }, [])
  return (
    <>
      <ul id="notes" data-ready={event ? 'yes' : 'no'}>{data.map((note) => <li key={note.id}>{note.id}:{note.text}</li>)}</ul>
      <p id="pings">{pings.join(',')}</p>
    </>
  )
}

function Pinned() {
  const { data } = useStreamItem<{ id: string; text: string }>({ streamName: 'note', groupId: 'board', id: 'pinned' })
  return <p id="pinned">{data ? data.text : '(none)'}</p>
}

;(window as any).loadedAt = Math.random()
createRoot(document.querySelector('#root')!).render(<MotiaStreamProvider><Notes /><Pinned /></MotiaStreamProvider>)
`,
  'public/broken.tsx': "import { nothing } from './missing-module.ts'\nconsole.log(nothing)\n",
}

let project: TempProject
let browser: Browser
const servers: CliProcess[] = []

beforeAllTests(async () => {
  project = makeProject(files)
  browser = await launchChromium()
}, 60_000)

afterAll(async () => {
  for (const server of servers) await server.stop()
  await browser?.close()
  project?.cleanup()
})

for (const mode of ['dev', 'start'] as const) {
  test(`motia ${mode}: the page's hooks show items created, changed and deleted, and events, without a reload`, async () => {
    const server = await startCli([mode, '--port', String(freePort())], project.root)
    servers.push(server)
    try {
      const script = await server.fetch('/page.tsx')
      expect(script.status).toBe(200)
      expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
      // Bundled: React is in it, and no bare import is left for the browser to resolve.
      const code = await script.text()
      expect(code).not.toMatch(/^import .* from ['"](react|motia)/m)

      const page = await browser.newPage()
      const problems: string[] = []
      page.on('pageerror', (error) => problems.push(error.message))
      await page.goto(`http://127.0.0.1:${server.port}/`)
      await page.waitForFunction(() => document.querySelector('#notes')?.getAttribute('data-ready') === 'yes', undefined, { timeout: 30_000 })
      const loadedAt = await page.evaluate(() => (window as any).loadedAt)
      const put = (id: string, text: string) => server.fetch(`/notes/board/${id}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) })

      expect((await put('a', 'first')).status).toBe(200)
      await textIs(page, '#notes', 'a:first')
      expect((await put('b', 'second')).status).toBe(200)
      await textIs(page, '#notes', 'a:firstb:second')
      expect((await put('a', 'changed')).status).toBe(200)
      await textIs(page, '#notes', 'a:changedb:second')
      expect((await server.fetch('/notes/board/a', { method: 'DELETE' })).status).toBe(200)
      await textIs(page, '#notes', 'b:second')

      await textIs(page, '#pinned', '(none)')
      expect((await put('pinned', 'read me')).status).toBe(200)
      await textIs(page, '#pinned', 'read me')

      expect((await server.fetch('/notes/board/ping', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: 'ann' }) })).status).toBe(202)
      await textIs(page, '#pings', 'ann')

      expect(await page.evaluate(() => (window as any).loadedAt)).toBe(loadedAt)
      expect(problems).toEqual([])
      await page.close()
      for (const id of ['b', 'pinned']) await server.fetch(`/notes/board/${id}`, { method: 'DELETE' })
    } finally {
      await server.stop()
    }
  }, 180_000)
}

test('a page script that does not bundle answers 500 with one line naming it', async () => {
  const server = await startCli(['dev', '--port', String(freePort())], project.root)
  servers.push(server)
  try {
    const answer = await server.fetch('/broken.tsx')
    expect(answer.status).toBe(500)
    const text = await answer.text()
    expect(text).toStartWith('[motia] could not bundle')
    expect(text).toContain('broken.tsx')
    expect(text).toContain('missing-module')
    await server.waitForOutput(/could not bundle .*broken\.tsx/)
  } finally {
    await server.stop()
  }
}, 120_000)

test('motia build fails with one line naming a page script that does not bundle', async () => {
  const built = await runCli(['build', '--outfile', 'dist/pages'], project.root)
  expect(built.code).toBe(1)
  const lines = built.stderr.trim().split('\n').filter((line) => line.includes('could not bundle'))
  expect(lines).toHaveLength(1)
  expect(lines[0]).toContain('public/broken.tsx')
  expect(lines[0]).toContain('missing-module')
}, 180_000)

// --- internal ---

async function textIs(page: Page, selector: string, text: string): Promise<void> {
  await page.waitForFunction(([s, t]) => document.querySelector(s!)?.textContent === t, [selector, text], { timeout: 30_000 })
}
