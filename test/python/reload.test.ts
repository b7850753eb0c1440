/**
 * Hot reload of Python files under the real `motia dev`: an edited step, an edited module it
 * imports, a broken file (reported with file and line while the others serve) and its fix; a run
 * in flight during a reload finishes with the code it started with.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { freePort, makeProject, type TempProject } from '../helpers/project.ts'
import { startCli, type CliProcess } from '../helpers/cli.ts'

let project: TempProject
let cli: CliProcess

beforeAll(async () => {
  project = makeProject({
    'lib/greeting.py': `PREFIX = "hello"\n`,
    'steps/http/greet.get_step.py': `
from lib.greeting import PREFIX
config = {"name": "Greet"}
async def handler(req, ctx):
    return {"status": 200, "body": {"text": f"{PREFIX} v1"}}
`,
    'steps/http/slow.get_step.py': `
import asyncio
config = {"name": "Slow"}
async def handler(req, ctx):
    await ctx.state.set("slow", "started", True)
    while not await ctx.state.get("slow", "release"):
        await asyncio.sleep(0.02)
    return {"status": 200, "body": {"version": "old"}}
`,
    'steps/http/release.post.step.ts': `
export const config = { name: 'Release' }
export const handler = async (_req: unknown, { state }: any) => {
  await state.set('slow', 'release', true)
  return { status: 200, body: {} }
}
`,
    'steps/http/started.get.step.ts': `
export const config = { name: 'Started' }
export const handler = async (_req: unknown, { state }: any) => ({ status: 200, body: { started: (await state.get('slow', 'started')) ?? false } })
`,
  })
  cli = await startCli(['dev', '--port', String(freePort())], project.root)
})

afterAll(async () => {
  await cli.stop()
  project.cleanup()
})

const text = async (path: string) => ((await (await cli.fetch(path)).json()) as { text: string }).text

test('an edited Python step is served without a restart', async () => {
  expect(await text('/greet')).toBe('hello v1')
  const from = cli.output().length
  project.write('steps/http/greet.get_step.py', (await Bun.file(`${project.root}/steps/http/greet.get_step.py`).text()).replace('v1', 'v2'))
  await cli.until('/greet', (body) => (body as { text: string }).text === 'hello v2', 20_000)
  await cli.waitForOutput(/reloaded \d+ step\(s\) in \d+ ms/, from)
})

test('an edited module that a Python step imports takes effect', async () => {
  project.write('lib/greeting.py', `PREFIX = "bonjour"\n`)
  await cli.until('/greet', (body) => (body as { text: string }).text.startsWith('bonjour'), 20_000)
})

test('a syntax error is reported with file and line while the other steps keep serving; the fix loads', async () => {
  const from = cli.output().length
  project.write('steps/http/broken.get_step.py', `config = {"name": "Broken"}\nasync def handler(req, ctx)\n    return {"status": 200}\n`)
  await cli.waitForOutput(/steps\/http\/broken\.get_step\.py failed to load: SyntaxError: .* \(steps\/http\/broken\.get_step\.py:2\)/, from, 20_000)
  expect(await text('/greet')).toStartWith('bonjour')
  project.write('steps/http/broken.get_step.py', `config = {"name": "Broken"}\nasync def handler(req, ctx):\n    return {"status": 200, "body": {"fixed": True}}\n`)
  await cli.until('/broken', (body) => (body as { fixed?: boolean }).fixed === true, 20_000)
})

test('a run in flight during a reload finishes with the code it started with', async () => {
  const pending = cli.fetch('/slow')
  await cli.until('/started', (body) => (body as { started: boolean }).started, 20_000)
  const from = cli.output().length
  project.write('steps/http/slow.get_step.py', `
config = {"name": "Slow"}
async def handler(req, ctx):
    return {"status": 200, "body": {"version": "new"}}
`)
  // Polling /slow would start more old runs that wait too: the reload's log line says when.
  await cli.waitForOutput(/reloaded \d+ step\(s\) in \d+ ms/, from, 20_000)
  expect(await (await cli.fetch('/slow')).json()).toEqual({ version: 'new' })
  await cli.fetch('/release', { method: 'POST' })
  const finished = await pending
  expect(finished.status).toBe(200)
  expect(await finished.json()).toEqual({ version: 'old' })
})
