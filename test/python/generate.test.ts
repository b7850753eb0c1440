/**
 * `motia generate` on a project with Python steps: types.d.ts types a TypeScript enqueue to a
 * Python queue step from its pydantic schema (so `tsc` catches bad data), and openapi.json
 * documents a Python http step's body and response schemas.
 */
import { afterAll, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Validator } from '@seriousme/openapi-schema-validator'
import { runCli } from '../helpers/cli.ts'
import { makeProject } from '../helpers/project.ts'
import { projectTsconfig, typeCheck } from '../helpers/typecheck.ts'

const project = makeProject({
  'package.json': JSON.stringify({ name: 'py-generate', version: '2.0.0', type: 'module' }),
  'tsconfig.json': projectTsconfig({ include: ['steps', '*.ts'] }),
  'steps/billing/charge_step.py': `
from pydantic import BaseModel
from motia import queue

class Charge(BaseModel):
    account: str
    cents: int
    note: str | None = None

config = {"name": "Charge", "triggers": [queue("charge", input=Charge)]}

async def handler(charge: Charge, ctx):
    pass
`,
  'steps/billing/quote_step.py': `
from pydantic import BaseModel
from motia import http

class Ask(BaseModel):
    cents: int

config = {
    "name": "Quote",
    "description": "Prices a charge. Answers the price with tax.",
    "flows": ["billing"],
    "triggers": [http("POST", "/quotes/:account", body_schema=Ask, response_schema={200: {"type": "object", "properties": {"total": {"type": "integer"}}}})],
}

async def handler(req, ctx):
    return {"status": 200, "body": {"total": req.body["cents"] * 2}}
`,
  'steps/http/pay.post.step.ts': `
import type { Handlers, StepConfig } from 'motia'
export const config = { triggers: [{ type: 'http' }], enqueues: ['charge'] } as const satisfies StepConfig
export const handler: Handlers<typeof config> = async (_req, { enqueue }) => {
  await enqueue({ topic: 'charge', data: { account: 'a1', cents: 500 } })
  await enqueue({ topic: 'charge', data: { account: 'a1', cents: 'five' } })
  return { status: 202, body: {} }
}
`,
})

afterAll(() => project.cleanup())

test("types.d.ts types a TypeScript enqueue to a Python step from its pydantic schema", async () => {
  const result = await runCli(['generate', 'types'], project.root)
  expect(result).toMatchObject({ code: 0, stdout: 'wrote types.d.ts\n' })
  expect(readFileSync(join(project.root, 'types.d.ts'), 'utf8')).toContain('"charge": { "account": string; "cents": number; "note"?: (string | null) }')
  const errors = (await typeCheck(project.root)).split('\n').filter((line) => line.startsWith('steps/'))
  expect(errors).toHaveLength(1)
  expect(errors[0]).toStartWith('steps/http/pay.post.step.ts(6,')
  expect(errors[0]).toContain(`Type 'string' is not assignable to type 'number'`)
}, 300_000)

test('openapi.json documents a Python http step from its schemas, and is a valid document', async () => {
  const result = await runCli(['generate', 'openapi'], project.root)
  expect(result.code).toBe(0)
  const document = JSON.parse(readFileSync(join(project.root, 'openapi.json'), 'utf8'))
  expect(document.paths['/quotes/{account}'].post).toMatchObject({
    operationId: 'Quote',
    summary: 'Prices a charge.',
    tags: ['billing'],
    parameters: [{ name: 'account', in: 'path', required: true }],
    requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { cents: { type: 'integer' } }, required: ['cents'] } } } },
    responses: { '200': { content: { 'application/json': { schema: { properties: { total: { type: 'integer' } } } } } } },
  })
  const validation = await new Validator().validate(document)
  expect(validation.errors ?? []).toEqual([])
  expect(validation.valid).toBe(true)
})
