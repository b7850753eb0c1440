/**
 * Issue 22, points 2 and 3 (in part), through the real CLI: the `public/` folder is served by
 * `motia dev`, `motia start` and the built executable (types, ETag, caching headers; a step's
 * route wins; dotfiles and paths out of the folder are not served), and `motia build` embeds the
 * files steps read — `includeFiles`, `new URL('…', import.meta.url)`, `import.meta.dir` — so a
 * page-serving step works from the executable run in another folder; a file it cannot embed fails
 * the build with one line.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli, startCli } from '../helpers/cli.ts'
import { freePort, makeProject, type TempProject } from '../helpers/project.ts'

const files = {
  'package.json': JSON.stringify({ name: 'pages', private: true }),
  'public/index.html': '<!doctype html><h1>home</h1>',
  'public/app.js': 'console.log("app")',
  'public/css/site.css': 'h1 { color: red }',
  'public/.secret': 'no',
  'public/taken.txt': 'the file',
  'secret.txt': 'outside',
  // Reads a page next to it through import.meta.url, a template through import.meta.dir, and lists the template in includeFiles.
  'steps/http/page.get.step.ts': `import { readFileSync } from 'node:fs'
import { join } from 'node:path'
export const config = { name: 'Page', triggers: [{ type: 'http', method: 'GET', path: '/page' }], includeFiles: ['../../templates/footer.txt'] }
const page = new URL('../../pages/page.html', import.meta.url)
export const handler = async () => ({
  status: 200,
  headers: { 'content-type': 'text/html; charset=utf-8' },
  body: (await Bun.file(page).text()) + readFileSync(join(import.meta.dir, '../../templates/footer.txt'), 'utf8'),
})
`,
  'steps/http/taken.get.step.ts': `export const config = { name: 'Taken', triggers: [{ type: 'http', method: 'GET', path: '/taken.txt' }] }\nexport const handler = async () => ({ status: 200, body: 'the step' })\n`,
  'pages/page.html': '<p>page</p>',
  'templates/footer.txt': '<footer>footer</footer>',
}

/** What every server of the project must answer. */
async function expectServed(base: string, cacheControl: string): Promise<void> {
  const home = await fetch(`${base}/`)
  expect(home.status).toBe(200)
  expect(home.headers.get('content-type')).toMatch(/^text\/html; ?charset=utf-8$/)
  expect(home.headers.get('cache-control')).toBe(cacheControl)
  expect(await home.text()).toBe('<!doctype html><h1>home</h1>')
  const etag = home.headers.get('etag')!
  expect(etag).toMatch(/^W\/".+"$/)
  expect((await fetch(`${base}/`, { headers: { 'if-none-match': etag } })).status).toBe(304)
  const script = await fetch(`${base}/app.js`)
  expect(script.headers.get('content-type')).toStartWith('text/javascript')
  expect(await (await fetch(`${base}/css/site.css`)).text()).toBe('h1 { color: red }')
  expect(await (await fetch(`${base}/taken.txt`)).text()).toBe('the step')
  expect(await (await fetch(`${base}/page`)).text()).toBe('<p>page</p><footer>footer</footer>')
  for (const hidden of ['/.secret', '/..%2fsecret.txt', '/%2e%2e/secret.txt', '/css/', '/missing.html']) expect((await fetch(`${base}${hidden}`)).status).toBe(404)
  const posted = await fetch(`${base}/app.js`, { method: 'POST' })
  expect(posted.status).toBe(404)
}

let project: TempProject
beforeAll(() => {
  project = makeProject(files)
})
afterAll(() => project?.cleanup())

describe('the public/ folder', () => {
  test('motia dev serves it, asking browsers to check every time', async () => {
    const cli = await startCli(['dev', '--port', String(freePort())], project.root)
    try {
      await expectServed(`http://127.0.0.1:${cli.port}`, 'no-cache')
    } finally {
      await cli.stop()
    }
  }, 60_000)

  test('motia start serves it with the configured maxAge; http.public: false turns it off', async () => {
    project.write('motia.config.ts', `export default { http: { public: { maxAge: 60 } } }\n`)
    let cli = await startCli(['start', '--port', String(freePort())], project.root)
    try {
      await expectServed(`http://127.0.0.1:${cli.port}`, 'public, max-age=60, must-revalidate')
    } finally {
      await cli.stop()
    }
    project.write('motia.config.ts', `export default { http: { public: false } }\n`)
    cli = await startCli(['start', '--port', String(freePort())], project.root)
    try {
      expect((await cli.fetch('/')).status).toBe(404)
      expect(await (await cli.fetch('/page')).text()).toBe('<p>page</p><footer>footer</footer>')
    } finally {
      await cli.stop()
      project.remove('motia.config.ts')
    }
  }, 60_000)
})

describe('motia build keeps what dev served', () => {
  test('the executable serves the folder http.public names, not public/', async () => {
    const web = makeProject({
      'package.json': JSON.stringify({ name: 'web', private: true }),
      'motia.config.ts': `export default { http: { public: { dir: 'site', maxAge: 30 } } }\n`,
      'site/index.html': '<p>site</p>',
      'site/app.ts': 'const answer: number = 42\nconsole.log(answer)\n',
      'public/stray.html': '<p>not served</p>',
      'steps/http/ping.get.step.ts': `export const config = { name: 'Ping', triggers: [{ type: 'http', method: 'GET', path: '/ping' }] }\nexport const handler = async () => ({ status: 200, body: 'pong' })\n`,
    })
    const elsewhere = mkdtempSync(join(tmpdir(), 'motia-site-'))
    const port = freePort()
    let exe: ReturnType<typeof Bun.spawn> | undefined
    try {
      const built = await runCli(['build', '--outfile', 'dist/web'], web.root)
      expect(built.code).toBe(0)
      exe = Bun.spawn([join(web.root, 'dist/web')], { cwd: elsewhere, env: { ...process.env, PORT: String(port), MOTIA_LOG_FORMAT: 'json' }, stdout: 'ignore', stderr: 'pipe' })
      const base = `http://127.0.0.1:${port}`
      const deadline = Date.now() + 30_000
      while ((await fetch(`${base}/__motia/health`).catch(() => undefined))?.ok !== true) {
        if (Date.now() > deadline || exe.exitCode !== null) throw new Error(`the executable did not start: ${await new Response(exe.stderr as ReadableStream).text()}`)
        await Bun.sleep(50)
      }
      rmSync(join(web.root, 'site'), { recursive: true })
      const home = await fetch(`${base}/`)
      expect(await home.text()).toBe('<p>site</p>')
      expect(home.headers.get('cache-control')).toBe('public, max-age=30, must-revalidate')
      const script = await (await fetch(`${base}/app.ts`)).text()
      expect(script).toContain('42')
      expect(script).not.toContain(': number')
      expect((await fetch(`${base}/stray.html`)).status).toBe(404)
    } finally {
      exe?.kill('SIGKILL')
      await exe?.exited
      rmSync(elsewhere, { recursive: true, force: true })
      web.cleanup()
    }
  }, 90_000)

  test('the executable, run in another folder, serves public/ and the files its steps read', async () => {
    const built = await runCli(['build', '--outfile', 'dist/pages'], project.root)
    expect(built.code).toBe(0)
    const elsewhere = mkdtempSync(join(tmpdir(), 'motia-pages-'))
    const port = freePort()
    const exe = Bun.spawn([join(project.root, 'dist/pages')], { cwd: elsewhere, env: { ...process.env, PORT: String(port), MOTIA_LOG_FORMAT: 'json' }, stdout: 'pipe', stderr: 'pipe' })
    try {
      const base = `http://127.0.0.1:${port}`
      const deadline = Date.now() + 20_000
      while ((await fetch(`${base}/__motia/health`).catch(() => undefined))?.ok !== true) {
        if (Date.now() > deadline || exe.exitCode !== null) throw new Error(`the executable did not start: ${await new Response(exe.stderr).text()}`)
        await Bun.sleep(50)
      }
      // The project's own copies are gone: what answers is embedded.
      rmSync(join(project.root, 'public'), { recursive: true })
      rmSync(join(project.root, 'pages'), { recursive: true })
      rmSync(join(project.root, 'templates'), { recursive: true })
      await expectServed(base, 'public, max-age=0, must-revalidate')
    } finally {
      exe.kill('SIGKILL')
      await exe.exited
      rmSync(elsewhere, { recursive: true, force: true })
      for (const [path, content] of Object.entries(files)) project.write(path, content)
    }
  }, 90_000)

  test('a file a step names but that does not exist fails the build with one line', async () => {
    const broken = makeProject({
      'package.json': JSON.stringify({ name: 'broken', private: true }),
      'steps/http/page.get.step.ts': `export const config = { name: 'Page', triggers: [{ type: 'http', method: 'GET', path: '/p' }], includeFiles: ['../../missing.html'] }\nexport const handler = async () => ({ status: 200, body: 'x' })\n`,
      'steps/http/other.get.step.ts': `export const config = { name: 'Other', triggers: [{ type: 'http', method: 'GET', path: '/o' }] }\nconst page = new URL('./gone.html', import.meta.url)\nexport const handler = async () => ({ status: 200, body: await Bun.file(page).text() })\n`,
    })
    try {
      const first = await runCli(['build'], broken.root)
      expect(first.code).toBe(1)
      expect(first.stderr.trim()).toBe('[motia] steps/http/page.get.step.ts: includeFiles names "../../missing.html", which does not exist (missing.html): fix the path, or remove it — motia build embeds every file a step reads')
      broken.write('missing.html', 'now here')
      const second = await runCli(['build'], broken.root)
      expect(second.code).toBe(1)
      expect(second.stderr.trim()).toBe("[motia] steps/http/other.get.step.ts reads new URL('./gone.html', import.meta.url), which does not exist (steps/http/gone.html): fix the path, or remove it — motia build embeds every file a step reads")
    } finally {
      broken.cleanup()
    }
  }, 60_000)
})
