/**
 * `motia build` with Python steps: the executable, copied alone to an empty folder (no sources,
 * no node_modules, no SDK), runs a Python http step that imports a local module and hands work to
 * a Python queue step, with the system `python3`.
 */
import { afterAll, expect, test } from 'bun:test'
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { freePort, makeProject } from '../helpers/project.ts'
import { runCli } from '../helpers/cli.ts'

const project = makeProject({
  'package.json': JSON.stringify({ name: 'py-exe', version: '1.2.3', type: 'module' }),
  'lib/pricing.py': `def total(quantity: int) -> int:\n    return quantity * 7\n`,
  'steps/http/quote.post_step.py': `
from lib.pricing import total
from motia import http
config = {"name": "Quote", "triggers": [http("POST", "/quote", body_schema={"type": "object", "properties": {"quantity": {"type": "integer"}}, "required": ["quantity"]})], "enqueues": ["quoted"]}
async def handler(req, ctx):
    price = total(req.body["quantity"])
    await ctx.enqueue({"topic": "quoted", "data": {"price": price}})
    return {"status": 200, "body": {"price": price}}
`,
  'steps/quoted_step.py': `
from motia import queue
config = {"name": "Record", "triggers": [queue("quoted")]}
async def handler(data, ctx):
    await ctx.state.set("quotes", str(data["price"]), data)
`,
  'steps/http/quotes/[price].get.step.ts': `
export const config = { name: 'ReadQuote' }
export const handler = async (req: any, { state }: any) => ({ status: 200, body: (await state.get('quotes', req.params.price)) ?? null })
`,
})
const runDir = mkdtempSync(join(tmpdir(), 'motia-py-exe-'))

afterAll(() => {
  project.cleanup()
  rmSync(runDir, { recursive: true, force: true })
})

test('a built executable runs Python steps with the system python3, alone in an empty folder', async () => {
  const built = await runCli(['build', '--outfile', 'dist/api'], project.root)
  expect(built.stderr).toBe('')
  expect(built.code).toBe(0)
  const lock = JSON.parse(readFileSync(join(project.root, 'motia.lock.json'), 'utf8'))
  expect(lock.steps.map((s: { name: string }) => s.name).sort()).toEqual(['Quote', 'ReadQuote', 'Record'])

  const exe = join(runDir, 'api')
  cpSync(join(project.root, 'dist/api'), exe)
  const port = freePort()
  const python = dirname(Bun.which('python3')!)
  const proc = Bun.spawn([exe], { cwd: runDir, env: { PATH: `${python}:/usr/bin:/bin`, PORT: String(port), MOTIA_LOG_FORMAT: 'json' }, stdout: 'pipe', stderr: 'pipe' })
  const output = new Response(proc.stdout).text()
  try {
    const base = `http://127.0.0.1:${port}`
    let res: Response | undefined
    while (!res && proc.exitCode === null) {
      res = await fetch(`${base}/quote`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"quantity":3}' }).catch(() => Bun.sleep(20).then(() => undefined))
    }
    expect(await res!.json()).toEqual({ price: 21 })
    expect((await fetch(`${base}/quote`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"quantity":"x"}' })).status).toBe(400)
    let quote: unknown = null
    while (quote === null) {
      quote = await (await fetch(`${base}/quotes/21`)).json()
      if (quote === null) await Bun.sleep(20)
    }
    expect(quote).toEqual({ price: 21 })
  } finally {
    proc.kill('SIGTERM')
    await proc.exited
  }
  expect(await output).toContain('motia start: 3 step(s)')
}, 120_000)
