/**
 * End to end: the real `motia generate types | openapi | step` on temporary projects, `tsc` on
 * what they write, and `motia dev` keeping types.d.ts current.
 */
import { afterAll, describe, expect, test } from 'bun:test'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { Validator } from '@seriousme/openapi-schema-validator'
import { createTestRuntime } from '../../runtime/testing/index.ts'
import { runCli, startCli } from '../helpers/cli.ts'
import { freePort, makeProject, repoRoot, type TempProject } from '../helpers/project.ts'
import { projectTsconfig, typeCheck } from '../helpers/typecheck.ts'

const projects: TempProject[] = []
afterAll(() => {
  for (const project of projects) project.cleanup()
})
function project(files: Record<string, string>): TempProject {
  const made = makeProject(files)
  projects.push(made)
  return made
}

/** The starter template's compiler options, plus checkJs so generated JavaScript steps are checked too. */
const tsconfig = projectTsconfig({ include: ['steps', '*.ts'], javascript: true })

const subscribers = {
  'tsconfig.json': tsconfig,
  // `as const`, topic from the folder, a field with a default (optional for the sender)
  'steps/queue/user-created/welcome.step.ts': `
    import type { Handlers, StepConfig } from 'motia'
    import { z } from 'zod'
    export const config = { triggers: [{ type: 'queue', input: z.object({ email: z.string(), locale: z.string().default('en') }) }] } as const satisfies StepConfig
    export const handler: Handlers<typeof config> = async () => {}
  `,
  // no \`as const\` and two trigger shapes: the queue one is the second
  'steps/queue/user-created/audit.step.ts': `
    import { z } from 'zod'
    export const config = { triggers: [{ type: 'cron', expression: '0 * * * *' }, { type: 'queue', input: z.object({ plan: z.enum(['free', 'pro']) }) }] }
    export const handler = async () => {}
  `,
  // a plain JSON Schema in a TypeScript step: its type is written out
  'steps/queue/invoice-due/remind.step.ts': `
    export const config = { triggers: [{ type: 'queue', input: { type: 'object', properties: { invoice: { type: 'string' } }, required: ['invoice'] } }] }
    export const handler = async () => {}
  `,
}

const publisher = (data: string, topic = 'user-created') => `import type { Handlers, StepConfig } from 'motia'
export const config = { triggers: [{ type: 'http' }], enqueues: ['${topic}'] } as const satisfies StepConfig
export const handler: Handlers<typeof config> = async (_req, { enqueue }) => {
  await enqueue({ topic: '${topic}', data: ${data} })
  return { status: 202, body: {} }
}
`

describe('motia generate types', () => {
  test('enqueue data is checked against every subscriber of the topic, across files', async () => {
    const app = project({
      ...subscribers,
      'steps/http/signup.post.step.ts': publisher(`{ email: 'a@b.co', plan: 'pro' }`),
      'steps/http/gold.post.step.ts': publisher(`{ email: 'a@b.co', plan: 'gold' }`),
      'steps/http/anonymous.post.step.ts': publisher(`{ plan: 'free' }`),
      'steps/http/remind.post.step.ts': publisher(`{ invoice: 'inv-1' }`, 'invoice-due'),
      'steps/http/remind-wrong.post.step.ts': publisher(`{ invoice: 42 }`, 'invoice-due'),
    })
    const result = await runCli(['generate', 'types'], app.root)
    expect(result).toMatchObject({ code: 0, stdout: 'wrote types.d.ts\n' })
    const errors = (await typeCheck(app.root)).split('\n').filter((line) => line.startsWith('steps/'))
    expect(errors).toHaveLength(3)
    expect(errors[0]).toStartWith('steps/http/anonymous.post.step.ts(4,')
    expect(errors[0]).toContain(`is not assignable to type '{ plan: "free" | "pro"; } & { email: string; locale?: string | undefined; }'`)
    expect(errors[1]).toStartWith('steps/http/gold.post.step.ts(4,')
    expect(errors[1]).toContain(`Type '"gold"' is not assignable to type '"free" | "pro"'`)
    expect(errors[2]).toStartWith('steps/http/remind-wrong.post.step.ts(4,')
    expect(errors[2]).toContain(`Type 'number' is not assignable to type 'string'`)
  }, 300_000)

  test('writes to --out with imports relative to it, and leaves an up-to-date file alone', async () => {
    const app = project(subscribers)
    expect((await runCli(['generate', 'types', '-o', 'types/motia.d.ts'], app.root)).stdout).toBe('wrote types/motia.d.ts\n')
    const text = readFileSync(join(app.root, 'types/motia.d.ts'), 'utf8')
    expect(text).toContain(`"user-created": QueueInput<typeof import("../steps/queue/user-created/audit.step.ts").config, 1> &`)
    expect(text).toContain(`QueueInput<typeof import("../steps/queue/user-created/welcome.step.ts").config, 0>`)
    expect((await runCli(['generate', 'types', '-o', 'types/motia.d.ts'], app.root)).stdout).toBe('unchanged: types/motia.d.ts\n')
  })

  test('a step that fails to load stops it with that step\'s error', async () => {
    const app = project({ ...subscribers, 'steps/queue/user-created/broken.step.ts': 'export const config = {}\n' })
    const result = await runCli(['generate', 'types'], app.root)
    expect(result.code).toBe(1)
    expect(result.stderr).toStartWith('[motia] steps/queue/user-created/broken.step.ts does not export a handler')
    expect(existsSync(join(app.root, 'types.d.ts'))).toBe(false)
  })
})

describe('motia dev and types.d.ts', () => {
  test('rewrites it when subscribers change, only then, and never reloads because of it', async () => {
    const app = project(subscribers)
    const dev = await startCli(['dev', '--port', String(freePort())], app.root)
    const reloads = () => dev.output().match(/reloaded \d+ step/g)?.length ?? 0
    const edit = (path: string, change: (text: string) => string) => app.write(path, change(readFileSync(join(app.root, path), 'utf8')))
    try {
      const file = join(app.root, 'types.d.ts')
      expect(readFileSync(file, 'utf8')).toContain('"user-created"')
      const written = statSync(file).mtimeMs
      // an edit that changes no subscriber reloads and leaves the file alone
      edit('steps/queue/user-created/audit.step.ts', (text) => `${text}\n// edited\n`)
      await dev.waitForOutput(/reloaded/)
      expect(statSync(file).mtimeMs).toBe(written)
      // an explicit topic wins over the folder: the welcome step moves to "user-registered"
      const before = dev.output().length
      edit('steps/queue/user-created/welcome.step.ts', (text) => text.replace(`type: 'queue',`, `type: 'queue', topic: 'user-registered',`))
      await dev.waitForOutput(/updated types\.d\.ts/, before)
      expect(readFileSync(file, 'utf8')).toContain('"user-registered": QueueInput<typeof import("./steps/queue/user-created/welcome.step.ts").config, 0>')
      await Bun.sleep(300) // a reload caused by writing types.d.ts would show by now
      expect(reloads()).toBe(2)
    } finally {
      await dev.stop()
    }
  })

  test('does not create it in a project without a tsconfig.json', async () => {
    const app = project({ 'steps/queue/jobs/run.step.js': 'export const handler = async () => {}\n' })
    const dev = await startCli(['dev', '--port', String(freePort())], app.root)
    await dev.stop()
    expect(existsSync(join(app.root, 'types.d.ts'))).toBe(false)
  })
})

describe('motia generate openapi', () => {
  test('writes a valid OpenAPI 3.1 document from the http steps', async () => {
    const api = project({
      'package.json': JSON.stringify({ name: 'orders-api', version: '1.2.3', description: 'Orders' }),
      'steps/http/orders/index.post.step.ts': `
        import { z } from 'zod'
        export const config = {
          description: 'Places an order. The order is recorded in the background.',
          flows: ['orders'],
          triggers: [{
            type: 'http',
            bodySchema: z.object({ item: z.string(), quantity: z.number().int().default(1) }),
            responseSchema: { 202: z.object({ id: z.string() }), 400: z.object({ error: z.string() }) },
          }],
        }
        export const handler = async () => ({ status: 202, body: { id: 'x' } })
      `,
      'steps/http/orders/[id].get.step.ts': `
        import { z } from 'zod'
        export const config = { flows: ['orders', 'reads'], triggers: [{ type: 'http', queryParams: z.object({ expand: z.string().describe('related records').optional() }) }] }
        export const handler = async () => ({ status: 200, body: {} })
      `,
      'steps/health.step.ts': `
        export const config = {
          name: 'Health',
          triggers: [{ type: 'http', method: 'GET', path: '/health', queryParams: [{ name: 'deep', required: true }] }, { type: 'http', method: 'HEAD', path: '/health' }],
        }
        export const handler = async () => ({ status: 200 })
      `,
      'steps/queue/order-placed/record.step.ts': 'export const handler = async () => {}\n',
    })
    const result = await runCli(['generate', 'openapi'], api.root)
    expect(result).toMatchObject({ code: 0, stdout: 'wrote openapi.json (3 paths)\n' })
    const document = JSON.parse(readFileSync(join(api.root, 'openapi.json'), 'utf8'))
    const validation = await new Validator().validate(document)
    expect(validation.errors ?? []).toEqual([])
    expect(validation.valid).toBe(true)

    expect(document).toMatchObject({ openapi: '3.1.0', info: { title: 'orders-api', version: '1.2.3', description: 'Orders' }, tags: [{ name: 'orders' }, { name: 'reads' }] })
    expect(Object.keys(document.paths)).toEqual(['/health', '/orders', '/orders/{id}'])
    expect(document.paths['/orders'].post).toEqual({
      operationId: 'PostOrders',
      summary: 'Places an order.',
      description: 'Places an order. The order is recorded in the background.',
      tags: ['orders'],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            // the request side is the schema's input: a field with a default is optional
            schema: { type: 'object', properties: { item: { type: 'string' }, quantity: expect.objectContaining({ type: 'integer', default: 1 }) }, required: ['item'] },
          },
        },
      },
      responses: {
        202: { description: 'Accepted', content: { 'application/json': { schema: expect.objectContaining({ properties: { id: { type: 'string' } } }) } } },
        400: { description: 'Bad Request', content: { 'application/json': { schema: expect.objectContaining({ properties: { error: { type: 'string' } } }) } } },
      },
    })
    expect(document.paths['/orders/{id}'].get).toMatchObject({
      operationId: 'GetOrdersById',
      tags: ['orders', 'reads'],
      parameters: [
        { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
        { name: 'expand', in: 'query', required: false, description: 'related records', schema: { type: 'string' } },
      ],
      responses: { default: { description: 'Response' } },
    })
    expect(document.paths['/health'].get).toMatchObject({ operationId: 'Health_0', parameters: [{ name: 'deep', in: 'query', required: true, schema: { type: 'string' } }] })
    expect(document.paths['/health'].head.operationId).toBe('Health_1')
  })

  test('writes into a folder that does not exist yet, titled by --title', async () => {
    const api = project({ 'steps/http/ping.get.step.ts': 'export const handler = async () => ({ status: 200 })\n' })
    expect((await runCli(['generate', 'openapi', '-o', 'docs/api.json', '--title', 'Ping API'], api.root)).stdout).toBe('wrote docs/api.json (1 path)\n')
    expect(JSON.parse(readFileSync(join(api.root, 'docs/api.json'), 'utf8')).info).toEqual({ title: 'Ping API', version: '0.0.0' })
  })
})

describe('motia generate step', () => {
  const cases: Array<[name: string, trigger: string, flags: string[], file: string]> = [
    ['AddNote', 'http', ['--method', 'post', '--path', '/users/:id/notes'], 'steps/http/users/[id]/notes.post.step.ts'],
    ['Home', 'http', ['--path', '/'], 'steps/http/index.get.step.ts'],
    ['SendWelcome', 'queue', ['--topic', 'user-created'], 'steps/queue/user-created/send-welcome.step.ts'],
    ['HourlyDigest', 'cron', ['--cron', '0 * * * *'], 'steps/cron/hourly-digest.step.ts'],
    ['WatchUsers', 'state', [], 'steps/state/watch-users.step.ts'],
    ['AddNoteJs', 'http', ['--method', 'POST', '--path', '/users/:id/notes/js', '-l', 'js'], 'steps/http/users/[id]/notes/js.post.step.js'],
    ['Status', 'http', ['-l', 'js'], 'steps/http/status.get.step.js'],
    ['SendWelcomeJs', 'queue', ['--topic', 'user-created', '-l', 'js'], 'steps/queue/user-created/send-welcome-js.step.js'],
    ['HourlyDigestJs', 'cron', ['--cron', '*/10 * * * * *', '-l', 'js'], 'steps/cron/hourly-digest-js.step.js'],
    ['WatchUsersJs', 'state', ['-l', 'js'], 'steps/state/watch-users-js.step.js'],
  ]

  test('writes TypeScript and JavaScript steps of every trigger that load, run and type-check', async () => {
    const app = project({ 'tsconfig.json': tsconfig })
    for (const [name, trigger, flags, file] of cases) {
      const result = await runCli(['generate', 'step', '--name', name, '--trigger', trigger, ...flags], app.root)
      expect(result).toEqual({ code: 0, stdout: `wrote ${file}\n`, stderr: '' })
    }
    const runtime = await createTestRuntime({ root: app.root })
    try {
      expect(runtime.logs.filter((entry) => entry.level === 'error' || entry.level === 'warn')).toEqual([])
      expect(runtime.runtime.steps().map((step) => step.name).sort()).toEqual(cases.map(([name]) => name).sort())
      expect(await (await runtime.request('POST', '/users/7/notes', { name: 'first' })).json()).toEqual({ name: 'first' })
      expect(await (await runtime.request('POST', '/users/7/notes/js', { name: 'second' })).json()).toEqual({ name: 'second' })
      expect(await (await runtime.request('GET', '/')).json()).toEqual({ ok: true })
      expect(await (await runtime.request('GET', '/status')).json()).toEqual({ ok: true })
      expect(runtime.runtime.subscribers('user-created').map((s) => s.step.name).sort()).toEqual(['SendWelcome', 'SendWelcomeJs'])
    } finally {
      await runtime.stop()
    }
    expect(await typeCheck(app.root)).toBe('')
  }, 300_000)

  test('without a terminal it never waits: a missing or wrong flag is one line and exit code 1', async () => {
    const app = project({})
    const expectations: Array<[string[], string]> = [
      [['--trigger', 'queue'], '[motia] missing --name: motia generate step --name <Name> --trigger <http|queue|cron|state>'],
      [['-n', 'Ping'], '[motia] missing --trigger: motia generate step --name <Name> --trigger <http|queue|cron|state>'],
      [['-n', 'Ping', '-t', 'queue'], '[motia] missing --topic: a queue step subscribes to a topic, e.g. --topic user-created'],
      [['-n', 'Ping', '-t', 'cron', '--cron', '61 * * * *'], '[motia] --cron "61 * * * *" is not a valid cron expression: CronPattern: Invalid value for minute: 61'],
      [['-n', 'Ping', '-t', 'webhook'], '[motia] --trigger must be one of http, queue, cron, state, got "webhook"'],
      [['-n', 'Ping', '-t', 'http', '--topic', 'x'], '[motia] --topic does not apply to an http step (it takes --method, --path)'],
    ]
    for (const [flags, message] of expectations) {
      const result = await runCli(['generate', 'step', ...flags], app.root)
      expect(result).toEqual({ code: 1, stdout: '', stderr: `${message}\n` })
    }
    expect(existsSync(join(app.root, 'steps'))).toBe(false)
    // the language follows the project: JavaScript without a tsconfig.json
    expect((await runCli(['generate', 'step', '-n', 'Ping', '-t', 'http'], app.root)).stdout).toBe('wrote steps/http/ping.get.step.js\n')
    const again = await runCli(['generate', 'step', '-n', 'Ping', '-t', 'http'], app.root)
    expect(again).toEqual({ code: 1, stdout: '', stderr: '[motia] steps/http/ping.get.step.js already exists: choose another --name or --path\n' })
  })
})

test('every generate command has --help with examples', async () => {
  for (const command of [[], ['types'], ['openapi'], ['step']]) {
    const result = await runCli(['generate', ...command, '--help'], repoRoot)
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('Examples:\n  motia generate')
  }
})
