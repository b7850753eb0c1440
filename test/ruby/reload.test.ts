/**
 * Hot reload of Ruby files under the real `motia dev`: an edited step, an edited file it
 * `require_relative`s, a broken file (reported with file and line while the others serve) and its
 * fix, a file that raises while it loads; a run in flight during a reload finishes with the code
 * it started with. Two step files that both define `config` and `handler` never collide.
 */
import { afterAll, expect, test } from 'bun:test'
import { beforeAllTests } from '../helpers/prerequisites.ts'
import { freePort, makeProject, type TempProject } from '../helpers/project.ts'
import { startCli, type CliProcess } from '../helpers/cli.ts'
import { requireRuby } from '../helpers/ruby.ts'

let project: TempProject
let cli: CliProcess

beforeAllTests(async () => {
  requireRuby()
  project = makeProject({
    'lib/greeting.rb': `module Greeting\n  PREFIX = 'hello'\nend\n`,
    'steps/http/greet.get_step.rb': `require_relative '../../lib/greeting'

def config = { name: 'Greet' }

def handler(_req, _ctx) = { status: 200, body: { text: "#{Greeting::PREFIX} v1" } }
`,
    'steps/http/other.get_step.rb': `def config = { name: 'Other' }

def helper = 'other'

def handler(_req, _ctx) = { status: 200, body: { text: helper } }
`,
    'steps/http/slow.get_step.rb': `def config = { name: 'Slow' }

def handler(_req, ctx)
  ctx.state.set('slow', 'started', true)
  sleep 0.02 until ctx.state.get('slow', 'release')
  { status: 200, body: { version: 'old' } }
end
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
  await cli?.stop()
  project?.cleanup()
})

const text = async (path: string) => ((await (await cli.fetch(path)).json()) as { text: string }).text

test('each step file keeps its own config, handler and helpers', async () => {
  expect(await text('/greet')).toBe('hello v1')
  expect(await text('/other')).toBe('other')
})

test('an edited Ruby step is served without a restart', async () => {
  const from = cli.output().length
  project.write('steps/http/greet.get_step.rb', (await Bun.file(`${project.root}/steps/http/greet.get_step.rb`).text()).replace('v1', 'v2'))
  await cli.until('/greet', (body) => (body as { text: string }).text === 'hello v2', 20_000)
  await cli.waitForOutput(/reloaded \d+ step\(s\) in \d+ ms/, from)
})

test('an edited file that a Ruby step requires takes effect', async () => {
  project.write('lib/greeting.rb', `module Greeting\n  PREFIX = 'bonjour'\nend\n`)
  await cli.until('/greet', (body) => (body as { text: string }).text.startsWith('bonjour'), 20_000)
  // Defining Greeting::PREFIX again is what a reload does: Ruby's warning about it is left out.
  expect(cli.output()).not.toContain('already initialized constant')
})

test('a syntax error is reported with file and line while the other steps keep serving; the fix loads', async () => {
  const from = cli.output().length
  project.write('steps/http/broken.get_step.rb', `def config = { name: 'Broken' }\n\ndef handler(_req, _ctx)\n  { status: 200\nend\n`)
  await cli.waitForOutput(/steps\/http\/broken\.get_step\.rb failed to load: SyntaxError: .* \(steps\/http\/broken\.get_step\.rb:5\)/, from, 20_000)
  expect(await text('/greet')).toStartWith('bonjour')
  project.write('steps/http/broken.get_step.rb', `def config = { name: 'Broken' }\n\ndef handler(_req, _ctx) = { status: 200, body: { fixed: true } }\n`)
  await cli.until('/broken', (body) => (body as { fixed?: boolean }).fixed === true, 20_000)
})

test('a file that raises or names an unknown method while it loads is reported with its line; a file with no handler says what to add', async () => {
  const from = cli.output().length
  project.write('steps/http/raises.get_step.rb', `def config = { name: 'Raises' }\n\nraise 'no DATABASE_URL'\n`)
  project.write('steps/http/nohandler.get_step.rb', `def config = { name: 'NoHandler' }\n`)
  project.write('steps/http/typo.get_step.rb', `def config = { name: 'Typo' }\n\ny + 1\n`)
  await cli.waitForOutput(/steps\/http\/raises\.get_step\.rb failed to load: RuntimeError: no DATABASE_URL \(steps\/http\/raises\.get_step\.rb:3\)/, from, 20_000)
  await cli.waitForOutput(/steps\/http\/nohandler\.get_step\.rb defines config but no handler: add `def handler\(input, ctx\)/, from, 20_000)
  await cli.waitForOutput(/steps\/http\/typo\.get_step\.rb failed to load: NameError: undefined local variable or method `y' \(steps\/http\/typo\.get_step\.rb:3\)/, from, 20_000)
  expect(await text('/greet')).toStartWith('bonjour')
  project.remove('steps/http/raises.get_step.rb')
  project.remove('steps/http/nohandler.get_step.rb')
  project.remove('steps/http/typo.get_step.rb')
})

test('a run in flight during a reload finishes with the code it started with', async () => {
  const pending = cli.fetch('/slow')
  await cli.until('/started', (body) => (body as { started: boolean }).started, 20_000)
  const from = cli.output().length
  project.write('steps/http/slow.get_step.rb', `def config = { name: 'Slow' }\n\ndef handler(_req, _ctx) = { status: 200, body: { version: 'new' } }\n`)
  // Polling /slow would start more old runs that wait too: the reload's log line says when.
  await cli.waitForOutput(/reloaded \d+ step\(s\) in \d+ ms/, from, 20_000)
  expect(await (await cli.fetch('/slow')).json()).toEqual({ version: 'new' })
  await cli.fetch('/release', { method: 'POST' })
  const finished = await pending
  expect(finished.status).toBe(200)
  expect(await finished.json()).toEqual({ version: 'old' })
})
