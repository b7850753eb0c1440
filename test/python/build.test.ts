/**
 * `motia build` with Python steps: the executable, copied alone to an empty folder (no sources,
 * no node_modules, no SDK), runs a Python http step that imports a local module and hands work to
 * a Python queue step, with the system `python3`.
 */
import { afterAll, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runBuiltQuote } from '../helpers/built-quote.ts'
import { makeProject } from '../helpers/project.ts'

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
  const { quote } = await runBuiltQuote(project.root, runDir, 'python3')
  expect(quote).toEqual({ price: 21 })
}, 120_000)
