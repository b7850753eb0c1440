/**
 * A whole Motia 1.0 project run unmodified by the real `motia dev` over a real port: its config
 * is `config({ ... })` from 'motia', its stream file exports `new Stream(config)` (with the
 * compiled `.js` twin a TypeScript build leaves beside it), steps write the stream through that
 * object (in handlers and from a helper module), an SSE route reads the raw body, and a
 * multi-trigger step's `ctx.match` has no handler for one of its triggers.
 */
import { afterEach, describe, expect, test } from 'bun:test'
import { freePort, makeProject, type TempProject } from '../helpers/project.ts'
import { startCli, type CliProcess } from '../helpers/cli.ts'
import { openSocket, type TestSocket } from '../helpers/streams.ts'
import { projectTsconfig, typeCheck } from '../helpers/typecheck.ts'

let project: TempProject | undefined
let cli: CliProcess | undefined
let socket: TestSocket | undefined

afterEach(async () => {
  socket?.close()
  socket = undefined
  await cli?.stop()
  project?.cleanup()
  cli = project = undefined
})

export const motia1Project: Record<string, string> = {
  'motia.config.ts': `
    import { config } from 'motia'
    export default config({
      streamAuth: {
        contextSchema: { type: 'object' },
        authenticate: async (request) => ({ via: request.url ? 'url' : 'none' }),
      },
    })
  `,
  'steps/todo.stream.ts': `
    import { Stream, type StreamConfig } from 'motia'
    import { z } from 'zod'
    export const config = {
      name: 'todo',
      schema: z.object({ text: z.string(), done: z.boolean() }),
      baseConfig: { storageType: 'default' },
    } satisfies StreamConfig
    export const todo = new Stream(config)
  `,
  // What \`tsc\` leaves beside it when a project compiles in place: an older schema.
  'steps/todo.stream.js': `
    import { Stream } from 'motia'
    import { z } from 'zod'
    export const config = { name: 'todo', schema: z.object({ title: z.number() }), baseConfig: { storageType: 'default' } }
    export const todo = new Stream(config)
  `,
  'src/lib/todos.ts': `
    import { getContext, type Enqueuer } from 'motia'
    import { todo } from '../../steps/todo.stream'
    export async function countOpen(list: string): Promise<number> {
      getContext().logger.info('counting', { list })
      const items = await todo.getGroup(list)
      return items.filter((item) => !item.done).length
    }
    export const announce = (enqueue: Enqueuer<{ topic: 'todo.added'; data: { list: string; id: string } }>, list: string, id: string) =>
      enqueue({ topic: 'todo.added', data: { list, id } })
  `,
  'steps/add-todo.step.ts': `
    import { http, step } from 'motia'
    import { z } from 'zod'
    import { todo } from './todo.stream'
    import { announce } from '../src/lib/todos'
    export const { config, handler } = step(
      { name: 'AddTodo', triggers: [http('POST', '/lists/:list/todos', { bodySchema: z.object({ id: z.string(), text: z.string() }) })], enqueues: ['todo.added'] },
      async (req, ctx) => {
        const { list } = req.pathParams
        await Promise.resolve()
        const { new_value } = await todo.set(list, req.body.id, { text: req.body.text, done: false })
        await announce(ctx.enqueue, list, req.body.id)
        return { status: 201, body: new_value }
      },
    )
  `,
  'steps/count-todos.step.ts': `
    import { http, step } from 'motia'
    import { countOpen } from '../src/lib/todos'
    export const { config, handler } = step({ name: 'CountTodos', triggers: [http('GET', '/lists/:list/open')] }, async (req) => ({
      status: 200,
      body: { open: await countOpen(req.pathParams.list) },
    }))
  `,
  // Multi-trigger, and ctx.match has no queue handler: a queue message resolves undefined.
  'steps/audit.step.ts': `
    import { http, queue, step } from 'motia'
    export const { config, handler } = step(
      { name: 'Audit', triggers: [http('GET', '/audit'), queue('todo.added')] },
      async (_input, ctx) => {
        await ctx.state.update('audit', ctx.trigger.type, [{ type: 'increment', path: 'runs' }])
        return ctx.match({ http: async () => ({ status: 200, body: await ctx.state.get('audit', 'queue') }) })
      },
    )
  `,
  // Server-sent events answering a raw text body, through Motia's ({ request, response }) form.
  'steps/shout.step.ts': `
    import { http, step } from 'motia'
    export const { config, handler } = step({ name: 'Shout', triggers: [http('POST', '/shout')] }, async ({ request, response }) => {
      const text = typeof request.body === 'string' ? request.body : await new Response(request.requestBody).text()
      response.status(200)
      response.headers({ 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
      for (const word of text.split(' ')) response.stream.write('data: ' + word.toUpperCase() + '\\n\\n')
      response.close()
    })
  `,
  // What a project adds to Motia's types (an auth middleware's user, a generated topic).
  'src/types/motia.d.ts': `
    import type {} from 'motia'
    declare module 'motia' {
      interface ApiRequest<TBody = unknown> {
        user?: { id: string }
      }
      interface FlowContext<TEnqueueData = never, TInput = unknown> {
        tenant?: string
      }
      interface Enqueues {
        'todo.added': { list: string; id: string }
      }
    }
  `,
  'steps/whoami.step.ts': `
    import type { Handlers, StepConfig } from 'motia'
    export const config = {
      name: 'WhoAmI',
      triggers: [{ type: 'http', method: 'POST', path: '/whoami', bodySchema: { type: 'object', properties: { note: { type: 'string' } }, additionalProperties: false } }],
      enqueues: ['todo.added'],
    } as const satisfies StepConfig
    export const handler: Handlers<typeof config> = async (req, ctx) => {
      const note: string | undefined = req.body.note
      return { status: 200, body: { user: req.user?.id ?? null, tenant: ctx.tenant ?? null, note: note ?? null } }
    }
  `,
  'steps/upload.step.ts': `
    import { http, step } from 'motia'
    export const { config, handler } = step({ name: 'Upload', triggers: [http('POST', '/upload')] }, async ({ request }) => {
      const bytes = await new Response(request.requestBody).arrayBuffer()
      return { status: 200, body: { size: bytes.byteLength, type: request.headers['content-type'] ?? null } }
    })
  `,
}

describe('a Motia 1.0 project: config() from motia, new Stream(config), SSE over a raw body, a partial ctx.match', () => {
  test('runs as it is under motia dev', async () => {
    project = makeProject(motia1Project)
    cli = await startCli(['dev', '--port', String(freePort())], project.root)
    const c = cli

    socket = await openSocket(`ws://127.0.0.1:${c.port}/`)
    socket.join('todo', 'home')
    await socket.next((f) => f.event.type === 'sync')

    const post = (path: string, body: unknown) => c.fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    const added = await post('/lists/home/todos', { id: 't1', text: 'milk' })
    expect(added.status).toBe(201)
    expect(await added.json()).toEqual({ id: 't1', text: 'milk', done: false })
    // The TypeScript schema checks writes (the .js twin's would refuse this item).
    const created = await socket.next((f) => f.event.type === 'create')
    expect(created.event.data).toEqual({ id: 't1', text: 'milk', done: false })
    await post('/lists/home/todos', { id: 't2', text: 'eggs' })
    expect(await (await c.fetch('/lists/home/open')).json()).toEqual({ open: 2 })

    // The queue trigger has no match handler: both messages ran, resolved undefined, once warned.
    await c.until('/audit', (body) => (body as { runs?: number } | null)?.runs === 2, 30_000)
    const lines = c.output().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { level: string; msg: string })
    const missing = lines.filter((line) => line.msg.includes('ctx.match() has no "queue" handler'))
    expect(missing).toHaveLength(1)
    expect(missing[0]!.level).toBe('warn')
    const twin = lines.filter((line) => line.msg.includes('compiled twin'))
    expect(twin.map((line) => line.msg)).toEqual([expect.stringContaining('steps/todo.stream.js is the compiled twin of steps/todo.stream.ts')])
    expect(lines.filter((line) => line.level === 'error')).toEqual([])

    const shout = await c.fetch('/shout', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello motia world' })
    expect(shout.headers.get('content-type')).toBe('text/event-stream')
    expect(await shout.text()).toBe('data: HELLO\n\ndata: MOTIA\n\ndata: WORLD\n\n')
    const bytes = new Uint8Array(70_000).map((_, i) => i % 251)
    const upload = await c.fetch('/upload', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: bytes })
    expect(await upload.json()).toEqual({ size: 70_000, type: 'application/octet-stream' })
    expect(await (await post('/whoami', { note: 'n' })).json()).toEqual({ user: null, tenant: null, note: 'n' })
  }, 90_000)

  test('tsc accepts it: new Stream(config) types its items, Handlers types both http forms, augmentations and literal JSON Schemas type the inputs', async () => {
    const files = { ...motia1Project }
    delete files['steps/todo.stream.js']
    project = makeProject({ ...files, 'tsconfig.json': projectTsconfig({ include: ['**/*.ts'] }) })
    expect(await typeCheck(project.root)).toBe('')
  }, 300_000)

  test('tsc refuses an item of the wrong shape written through the Stream object', async () => {
    const files: Record<string, string> = { ...motia1Project, 'steps/add-todo.step.ts': motia1Project['steps/add-todo.step.ts']!.replace('done: false }', "done: 'no' }") }
    delete files['steps/todo.stream.js']
    project = makeProject({ ...files, 'tsconfig.json': projectTsconfig({ include: ['**/*.ts'] }) })
    expect(await typeCheck(project.root)).toContain('steps/add-todo.step.ts')
  }, 300_000)
})
