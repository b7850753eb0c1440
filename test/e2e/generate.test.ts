/**
 * End to end: `motia generate types | openapi | step` on temp projects, and `motia dev` keeping
 * types.d.ts current.
 */
import { afterAll, describe, expect, test } from 'bun:test'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Validator } from '@seriousme/openapi-schema-validator'
import { createTestRuntime } from '../../runtime/testing/index.ts'
import { freePort, makeProject, repoRoot, type TempProject } from '../helpers/project.ts'
import { runCli, startCli } from '../helpers/cli.ts'

const projects: TempProject[] = []
afterAll(() => {
  for (const project of projects) project.cleanup()
})
const project = (files: Record<string, string>) => {
  const made = makeProject(files)
  projects.push(made)
  return made
}

const tsconfig = JSON.stringify({
  compilerOptions: {
    target: 'ESNext',
    module: 'Preserve',
    moduleResolution: 'bundler',
    types: ['bun'],
    typeRoots: [join(repoRoot, 'node_modules/@types')],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    allowImportingTsExtensions: true,
  },
  include: ['steps', '*.ts'],
})

async function typeCheck(root: string): Promise<string> {
  const tsc = Bun.spawn([join(repoRoot, 'node_modules/.bin/tsc'), '-p', root], { stdout: 'pipe', stderr: 'pipe' })
  const output = await new Response(tsc.stdout).text()
  await tsc.exited
  return output
}

const publisher = (data: string) => `
import type { Handlers, StepConfig } from 'motia'
export const config = { triggers: [{ type: 'http' }], enqueues: ['user-created'] } as const satisfies StepConfig
export const handler: Handlers<typeof config> = async (_req, { enqueue }) => {
  await enqueue({ topic: 'user-created', data: ${data} })
  return { status: 202, body: {} }
}
`

describe('motia generate types', () => {
  const files = {
    'tsconfig.json': tsconfig,
    'steps/queue/user-created/welcome.step.ts': `
      import type { Handlers, StepConfig } from 'motia'
      import { z } from 'zod'
      export const config = { triggers: [{ type: 'queue', input: z.object({ email: z.string() }) }] } as const satisfies StepConfig
      export const handler: Handlers<typeof config> = async () => {}
    `,
    'steps/queue/user-created/audit.step.ts': `
      import type { Handlers, StepConfig } from 'motia'
      import { z } from 'zod'
      export const config = { triggers: [{ type: 'queue', input: z.object({ plan: z.enum(['free', 'pro']) }) }] } as const satisfies StepConfig
      export const handler: Handlers<typeof config> = async () => {}
    `,
  }

  test('enqueue data is checked against every subscriber of the topic, across files', async () => {
    const bad = project({ ...files, 'steps/http/signup.post.step.ts': publisher(`{ email: 'a@b.co', plan: 'gold' }`) })
    expect(await typeCheck(bad.root)).toBe('')
    const result = await runCli(['generate', 'types'], bad.root)
    expect(result.stdout).toBe('wrote types.d.ts\n')
    const errors = await typeCheck(bad.root)
    expect(errors).toContain('steps/http/signup.post.step.ts(5,')
    expect(errors).toContain(`Type '"gold"' is not assignable to type '"free" | "pro"'`)

    const good = project({ ...files, 'steps/http/signup.post.step.ts': publisher(`{ email: 'a@b.co', plan: 'pro' }`) })
    await runCli(['generate', 'types'], good.root)
    expect(await typeCheck(good.root)).toBe('')
  }, 60_000)

  test('motia dev keeps types.d.ts current after an edit', async () => {
    const app = project({ ...files, 'steps/http/signup.post.step.ts': publisher(`{ email: 'a@b.co', plan: 'pro' }`) })
    const server = await startCli(['dev', '--port', String(freePort())], app.root)
    try {
      const types = join(app.root, 'types.d.ts')
      expect(readFileSync(types, 'utf8')).toContain('"user-created"')
      app.write('steps/queue/invoice-due/remind.step.ts', `
        import { z } from 'zod'
        export const config = { triggers: [{ type: 'queue', input: z.object({ invoice: z.string() }) }] }
        export const handler = async () => {}
      `)
      const deadline = Date.now() + 5000
      while (!readFileSync(types, 'utf8').includes('"invoice-due"') && Date.now() < deadline) await Bun.sleep(50)
      expect(readFileSync(types, 'utf8')).toContain('"invoice-due"')
    } finally {
      await server.stop()
    }
  }, 30_000)
})

describe('motia generate openapi', () => {
  test('writes a valid OpenAPI 3.1 document from the http steps', async () => {
    const api = project({
      'package.json': JSON.stringify({ name: 'orders-api', version: '1.2.3' }),
      'steps/http/orders/index.post.step.ts': `
        import { z } from 'zod'
        export const config = {
          description: 'Places an order',
          flows: ['orders'],
          triggers: [{ type: 'http', bodySchema: z.object({ item: z.string(), quantity: z.number().int() }), responseSchema: { 202: z.object({ id: z.string() }) } }],
        }
        export const handler = async () => ({ status: 202, body: { id: 'x' } })
      `,
      'steps/http/orders/[id].get.step.ts': `
        import { z } from 'zod'
        export const config = { triggers: [{ type: 'http', queryParams: z.object({ expand: z.string().optional() }) }] }
        export const handler = async () => ({ status: 200, body: {} })
      `,
    })
    const result = await runCli(['generate', 'openapi'], api.root)
    expect(result.stdout).toBe('wrote openapi.json (2 paths)\n')
    const document = JSON.parse(readFileSync(join(api.root, 'openapi.json'), 'utf8'))
    const validation = await new Validator().validate(document)
    expect(validation.errors ?? []).toEqual([])
    expect(validation.valid).toBe(true)
    expect(document).toMatchObject({ openapi: '3.1.0', info: { title: 'orders-api', version: '1.2.3' }, tags: [{ name: 'orders' }] })
    expect(document.paths['/orders'].post).toMatchObject({
      operationId: 'PostOrders',
      summary: 'Places an order',
      requestBody: { content: { 'application/json': { schema: { type: 'object', required: ['item', 'quantity'] } } } },
      responses: { 202: { content: { 'application/json': { schema: { properties: { id: { type: 'string' } } } } } } },
    })
    expect(document.paths['/orders/{id}'].get.parameters).toEqual([
      { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
      { name: 'expand', in: 'query', required: false, schema: { type: 'string' } },
    ])
  }, 30_000)
})

describe('motia generate step', () => {
  const cases = [
    ['AddNote', 'http', ['--method', 'POST', '--path', '/users/:id/notes'], 'steps/http/users/[id]/notes.post'],
    ['SendWelcome', 'queue', ['--topic', 'user-created'], 'steps/queue/user-created/send-welcome'],
    ['HourlyDigest', 'cron', ['--cron', '0 * * * *'], 'steps/cron/hourly-digest'],
    ['WatchUsers', 'state', [], 'steps/state/watch-users'],
  ] as const

  for (const language of ['ts', 'js'] as const) {
    test(`writes a ${language} step for each trigger that loads and type-checks`, async () => {
      const app = project({ 'tsconfig.json': tsconfig })
      for (const [name, trigger, flags, base] of cases) {
        const result = await runCli(['generate', 'step', '--name', name, '--trigger', trigger, '--language', language, ...flags], app.root)
        expect(result.stderr).toBe('')
        expect(result.stdout).toBe(`wrote ${base}.step.${language}\n`)
      }
      const runtime = await createTestRuntime({ root: app.root })
      try {
        expect(runtime.logs.filter((entry) => entry.level === 'error')).toEqual([])
        expect(runtime.runtime.steps().map((step) => step.name).sort()).toEqual(['AddNote', 'HourlyDigest', 'SendWelcome', 'WatchUsers'])
        expect(runtime.runtime.steps().find((step) => step.name === 'HourlyDigest')!.triggers[0]).toMatchObject({ type: 'cron', expression: '0 * * * *' })
        const res = await runtime.request('POST', '/users/7/notes', { name: 'first' })
        expect(await res.json()).toEqual({ ok: true, name: 'first' })
      } finally {
        await runtime.stop()
      }
      if (language === 'ts') expect(await typeCheck(app.root)).toBe('')
    }, 60_000)
  }

  test('refuses an existing file and, with no terminal, names the missing flag', async () => {
    const app = project({})
    expect((await runCli(['generate', 'step', '-n', 'Ping', '-t', 'http'], app.root)).code).toBe(0)
    const again = await runCli(['generate', 'step', '-n', 'Ping', '-t', 'http'], app.root)
    expect(again.stderr).toBe('[motia] steps/http/ping.get.step.js already exists: choose another --name or --path\n')
    const missing = await runCli(['generate', 'step', '--trigger', 'queue'], app.root)
    expect(missing.code).toBe(1)
    expect(missing.stderr).toBe('[motia] missing --name: motia generate step --name <Name> --trigger <http|queue|cron|state>\n')
    const wrong = await runCli(['generate', 'step', '-n', 'X', '-t', 'webhook'], app.root)
    expect(wrong.stderr).toBe('[motia] --trigger must be one of http, queue, cron, state, got "webhook"\n')
    expect(existsSync(join(app.root, 'steps/http/ping.get.step.js'))).toBe(true)
  })
})
