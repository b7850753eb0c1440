/**
 * `motia build` with Ruby steps: the executable, copied alone to an empty folder (no sources, no
 * node_modules, no SDK), runs a Ruby http step that requires a local file and hands work to a
 * Ruby queue step writing a Ruby-defined stream, with the system `ruby`. Gems installed under
 * vendor/bundle stay out of it.
 */
import { afterAll, expect, test } from 'bun:test'
import { beforeAllTests } from '../helpers/prerequisites.ts'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runBuiltQuote } from '../helpers/built-quote.ts'
import { makeProject, type TempProject } from '../helpers/project.ts'
import { requireRuby } from '../helpers/ruby.ts'

let project: TempProject
let runDir: string

beforeAllTests(() => {
  requireRuby()
  project = makeProject({
    'package.json': JSON.stringify({ name: 'rb-exe', version: '1.2.3', type: 'module' }),
    'lib/pricing.rb': `module Pricing\n  def self.total(quantity) = quantity * 7\nend\n`,
    'steps/http/quote.post_step.rb': `
require_relative '../../lib/pricing'

def config
  { name: 'Quote', triggers: [http('POST', '/quote', body_schema: { type: 'object', properties: { quantity: { type: 'integer' } }, required: ['quantity'] })], enqueues: ['quoted'] }
end

def handler(req, ctx)
  price = Pricing.total(req.body['quantity'])
  ctx.enqueue(topic: 'quoted', data: { price: price })
  { status: 200, body: { price: price } }
end
`,
    'steps/quoted_step.rb': `
def config = { name: 'Record', triggers: [queue('quoted')] }

def handler(data, ctx)
  ctx.streams.quotes.set('all', data.price.to_s, data)
end
`,
    // A gem Bundler installed into the project: not the project's source, left out of the build.
    'vendor/bundle/ruby/3.1.0/gems/fake-1.0/lib/fake.rb': `module Fake; end\n`,
    'steps/quotes_stream.rb': `def config = { name: 'quotes', schema: { type: 'object', properties: { price: { type: 'integer' } } } }\n`,
    'steps/http/quotes/[price].get.step.ts': `
export const config = { name: 'ReadQuote' }
export const handler = async (req: any, { streams }: any) => ({ status: 200, body: (await streams.quotes.get('all', req.params.price)) ?? null })
`,
  })
  runDir = mkdtempSync(join(tmpdir(), 'motia-rb-exe-'))
})

afterAll(() => {
  project?.cleanup()
  if (runDir) rmSync(runDir, { recursive: true, force: true })
})

test('a built executable runs Ruby steps and a Ruby stream with the system ruby, alone in an empty folder', async () => {
  const { printed, quote } = await runBuiltQuote(project.root, runDir, 'ruby')
  expect(quote).toEqual({ id: '21', price: 21 })
  expect(printed).toContain('stream quotes')
  // What the executable extracted for its worker: the project's own Ruby files and the SDK, no gems.
  const [extracted] = readdirSync(join(runDir, '.motia/languages/ruby'))
  const base = join(runDir, '.motia/languages/ruby', extracted!)
  expect([...new Bun.Glob('**/*.rb').scanSync({ cwd: join(base, 'project') })].sort()).toEqual(['lib/pricing.rb', 'steps/http/quote.post_step.rb', 'steps/quoted_step.rb', 'steps/quotes_stream.rb'])
  expect(existsSync(join(base, 'sdk/motia_worker.rb'))).toBe(true)
}, 120_000)
