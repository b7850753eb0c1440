/**
 * The console's browser tests share one setup: a real `motia dev` on a temporary project and
 * Debian's Chromium, started before the file's tests (through `beforeAllTests`, so a missing
 * Chromium fails each test by name) and stopped after them.
 */
import { afterAll } from 'bun:test'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { launchChromium } from './browser.ts'
import { startCli, type CliProcess } from './cli.ts'
import { beforeAllTests } from './prerequisites.ts'
import { freePort, makeProject, repoRoot, type TempProject } from './project.ts'

/** Where the browser tests put their screenshots (ignored by git). */
export const screenshots = join(repoRoot, '.screenshots/console')

export interface ConsoleSession {
  readonly project: TempProject
  readonly cli: CliProcess
  readonly browser: Browser
  /** `http://127.0.0.1:<port>` of the server. */
  readonly url: string
  /**
   * A new page at `path` of the server (`/__motia/#/flows`), with the page's uncaught exceptions
   * in `errors` — and its console errors too, unless `consoleErrors` is false (a test that makes
   * the server answer 4xx on purpose, which Chromium logs as console errors).
   */
  open(path: string, options?: { viewport?: { width: number; height: number }; consoleErrors?: boolean }): Promise<{ page: Page; errors: string[] }>
}

/** Starts `motia dev` on a project of `files` and a Chromium for this test file. */
export function consoleSession(files: Record<string, string>, setupMs = 60_000): ConsoleSession {
  let project: TempProject | undefined
  let cli: CliProcess | undefined
  let browser: Browser | undefined
  beforeAllTests(async () => {
    mkdirSync(screenshots, { recursive: true })
    project = makeProject(files)
    cli = await startCli(['dev', '--port', String(freePort())], project.root)
    browser = await launchChromium()
  }, setupMs)
  afterAll(async () => {
    await browser?.close()
    await cli?.stop()
    project?.cleanup()
  })
  return {
    get project() {
      return project!
    },
    get cli() {
      return cli!
    },
    get browser() {
      return browser!
    },
    get url() {
      return `http://127.0.0.1:${cli!.port}`
    },
    async open(path, { viewport = { width: 1280, height: 800 }, consoleErrors = true } = {}) {
      const page = await browser!.newPage({ viewport })
      const errors: string[] = []
      if (consoleErrors) page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
      page.on('pageerror', (e) => errors.push(e.message))
      await page.goto(`http://127.0.0.1:${cli!.port}${path}`)
      return { page, errors }
    },
  }
}
