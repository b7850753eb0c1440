/**
 * The todo-streams template in a real browser (headless Chromium from Debian, driven by
 * playwright-core): two pages show the same list; an HTTP call adds a todo and both pages show it;
 * the presence count and the stream trigger's counter follow. And the presence example cannot be
 * used by an anonymous client to grow the store: joins of made-up lists are refused.
 */
import { afterAll, expect, test } from 'bun:test'
import { beforeAllTests } from '../helpers/prerequisites.ts'
import { cpSync } from 'node:fs'
import type { Browser } from 'playwright-core'
import { launchChromium } from '../helpers/browser.ts'
import { makeProject, repoRoot } from '../helpers/project.ts'
import { call, openSocket, serveProject, type ServedProject } from '../helpers/streams.ts'
import { waitFor } from '../../runtime/testing/wait.ts'

let served: ServedProject
let browser: Browser

beforeAllTests(async () => {
  const project = makeProject()
  cpSync(`${repoRoot}/templates/todo-streams`, project.root, { recursive: true })
  served = await serveProject({}, project)
  browser = await launchChromium()
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await served?.stop()
})

test('two pages, one HTTP call: both pages show the todo, with presence and the change counter', async () => {
  const pages = await Promise.all([browser.newPage(), browser.newPage()])
  const problems: string[] = []
  for (const page of pages) {
    page.on('pageerror', (error) => problems.push(error.message))
    await page.goto(served.url + '/')
  }
  for (const page of pages) await page.waitForFunction(() => document.querySelector('#viewers')?.textContent?.startsWith('2 viewers'), undefined, { timeout: 20_000 })

  const created = await call(served.url, 'POST', '/todos', { text: 'buy milk' })
  expect(created.status).toBe(201)
  for (const page of pages) await page.waitForFunction(() => Array.from(document.querySelectorAll("#todos li span")).some((s) => s.textContent?.includes('buy milk')), undefined, { timeout: 20_000 })

  // A todo added from the first page's form reaches the second page.
  await pages[0]!.fill('#text', 'walk the dog')
  await pages[0]!.click('#add button')
  await pages[1]!.waitForFunction(() => document.querySelectorAll('#todos li').length === 2, undefined, { timeout: 20_000 })

  await waitFor(async () => (await call(served.url, 'GET', '/stats')).body.inbox?.create === 2)
  await pages[1]!.close()
  await pages[0]!.waitForFunction(() => document.querySelector('#viewers')?.textContent?.startsWith('1 viewer '), undefined, { timeout: 20_000 })
  expect(problems).toEqual([])
  await pages[0]!.close()
}, 90_000)

test('an anonymous client joining hundreds of made-up lists is refused each time; the store holds only the app\'s lists', async () => {
  const socket = await openSocket(served.wsUrl)
  for (let i = 0; i < 300; i++) {
    socket.join('todo', `made-up-${i}`)
    socket.join('presence', 'lists', `made-up-${i}`)
  }
  await socket.next((f) => f.event.type === 'error', 600)
  expect(socket.frames.every((f) => f.event.type === 'error' && f.event.data.code === 'unauthorized')).toBe(true)
  socket.close()
  const store = served.runtime.streaming.hub.store
  const presence = (await store.list('presence', 'lists')).map((item) => item.id)
  expect(presence.every((id) => ['inbox', 'work', 'home'].includes(id))).toBe(true)
  expect((await store.listGroups('todo')).every((group) => ['inbox', 'work', 'home'].includes(group))).toBe(true)
  expect((await store.listGroups('presence'))).toEqual(presence.length ? ['lists'] : [])
}, 60_000)
