/**
 * Whole Motia projects, config included, run unmodified by the real `motia dev` over a real port:
 * a 0.x project whose `motia.config.ts` imports `defineConfig` from `@motiadev/core` and lists
 * Motia's Workbench plugins (and one third-party Workbench plugin), and a 1.0 project whose config
 * is `config({ ... })` from `motia`. Nothing but `motia` is installed: `@motiadev/*` resolve
 * through the runtime.
 */
import { afterEach, describe, expect, test } from 'bun:test'
import { freePort, makeProject, type TempProject } from '../helpers/project.ts'
import { startCli, type CliProcess } from '../helpers/cli.ts'
import { openSocket, type TestSocket } from '../helpers/streams.ts'
import { Redis } from 'ioredis'
import { projectTsconfig, typeCheck } from '../helpers/typecheck.ts'
import { startRedisServer, type TestRedis } from '../helpers/redis-server.ts'

let project: TempProject | undefined
let cli: CliProcess | undefined
let socket: TestSocket | undefined
let redis: TestRedis | undefined

afterEach(async () => {
  socket?.close()
  socket = undefined
  await cli?.stop()
  project?.cleanup()
  cli = project = undefined
  await redis?.cleanup()
  redis = undefined
})

async function dev(files: Record<string, string>, env: Record<string, string> = {}): Promise<CliProcess> {
  project = makeProject(files)
  cli = await startCli(['dev', '--port', String(freePort())], project.root, env)
  return cli
}

/** The JSON log lines printed so far. */
const logLines = (c: CliProcess) =>
  c
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: string; msg: string })

export const motia0xProject: Record<string, string> = {
  'motia.config.ts': `
    import { defineConfig } from '@motiadev/core'
    import endpointPlugin from '@motiadev/plugin-endpoint/plugin'
    import logsPlugin from '@motiadev/plugin-logs/plugin'
    import observabilityPlugin from '@motiadev/plugin-observability/plugin'
    import statesPlugin from '@motiadev/plugin-states/plugin'
    import bullmqPlugin from '@motiadev/plugin-bullmq/plugin'
    import recorderPlugin from './plugins/recorder/index'

    export default defineConfig({
      plugins: [observabilityPlugin, statesPlugin, endpointPlugin, logsPlugin, bullmqPlugin, recorderPlugin],
      app: (app) => {
        app.use((req: any, res: any, next: any) => next())
      },
      streamAuth: {
        contextSchema: { type: 'object', properties: { userId: { type: 'string' } } },
        authenticate: async (request) => {
          const token = new URL(request.url ?? '', 'http://localhost').searchParams.get('authToken')
          if (token === 'bad') throw new Error('invalid token')
          return token ? { userId: token } : null
        },
      },
    })
  `,
  // A third-party Workbench plugin, as Motia's plugin guide writes one.
  'plugins/recorder/index.ts': `
    export default function recorderPlugin(motia: any) {
      return { workbench: [{ packageName: '~/plugins/recorder', label: 'Recorder', componentName: 'RecorderPage' }] }
    }
  `,
  // Motia 0.x's own docs import step types from 'motia', others from '@motiadev/core': both resolve.
  'steps/create-ticket.step.ts': `
    import type { ApiRouteConfig } from 'motia'
    import { z } from 'zod'
    export const config: ApiRouteConfig = {
      type: 'api',
      name: 'CreateTicket',
      path: '/tickets',
      method: 'POST',
      emits: ['ticket.created'],
      bodySchema: z.object({ title: z.string() }),
      flows: ['tickets'],
    }
    export const handler = async (req: any, { emit, logger }: any) => {
      const id = 't-' + req.body.title
      logger.info('ticket received', { id })
      await emit({ topic: 'ticket.created', data: { id, title: req.body.title } })
      return { status: 201, body: { id } }
    }
  `,
  'steps/store-ticket.step.ts': `
    import type { EventConfig } from '@motiadev/core'
    import { z } from 'zod'
    export const config: EventConfig = {
      type: 'event',
      name: 'StoreTicket',
      subscribes: ['ticket.created'],
      emits: [],
      input: z.object({ id: z.string(), title: z.string() }),
      flows: ['tickets'],
    }
    export const handler = async (input: any, { state, streams }: any) => {
      await state.set('tickets', input.id, input)
      await streams.ticketFeed.set(input.id.startsWith('t-') ? 'ada' : 'other', input.id, { title: input.title })
    }
  `,
  'steps/get-ticket.step.ts': `
    import type { ApiRouteConfig } from '@motiadev/core'
    export const config: ApiRouteConfig = { type: 'api', name: 'GetTicket', path: '/tickets/:id', method: 'GET', emits: [], flows: ['tickets'] }
    export const handler = async (req: any, { state }: any) => {
      const ticket = await state.get('tickets', req.pathParams.id)
      return ticket ? { status: 200, body: ticket } : { status: 404, body: { error: 'not found' } }
    }
  `,
  'steps/ticket-feed.stream.ts': `
    import type { StreamConfig } from '@motiadev/core'
    import { z } from 'zod'
    export const config: StreamConfig = {
      name: 'ticketFeed',
      schema: z.object({ title: z.string() }),
      baseConfig: { storageType: 'default' },
      canAccess: (subscription: any, authContext: any) => authContext?.userId === subscription.groupId,
    }
  `,
}

describe('a Motia 0.x project: @motiadev/core config with Workbench plugins', () => {
  test('its config loads, its steps run, and each Motia-only part is reported once', async () => {
    const c = await dev(motia0xProject)
    const created = await c.fetch('/tickets', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'printer' }) })
    expect(created.status).toBe(201)
    expect(await created.json()).toEqual({ id: 't-printer' })
    await c.until('/tickets/t-printer', (body) => (body as { title?: string }).title === 'printer', 30_000)

    const lines = logLines(c)
    const about = (pattern: RegExp) => lines.filter((line) => pattern.test(line.msg))
    // Motia's first-party plugins: one info line each, saying what serves them here.
    for (const [name, servedBy] of [
      ['@motiadev/plugin-endpoint', /Endpoints page/],
      ['@motiadev/plugin-logs', /Logs page/],
      ['@motiadev/plugin-observability', /Traces page/],
      ['@motiadev/plugin-states', /State page/],
      ['@motiadev/plugin-bullmq', /embedded SQLite queue; set REDIS_URL/],
    ] as const) {
      const found = about(new RegExp(`^\\[motia\\] ${name} `))
      expect(found).toHaveLength(1)
      expect(found[0]!.level).toBe('info')
      expect(found[0]!.msg).toMatch(servedBy)
    }
    // The third-party Workbench plugin: named, with what to do; the steps loaded anyway.
    const recorder = about(/recorderPlugin/)
    expect(recorder).toHaveLength(1)
    expect(recorder[0]!.level).toBe('warn')
    expect(recorder[0]!.msg).toContain('plugins[5] in motia.config.ts')
    expect(recorder[0]!.msg).toContain('definePlugin')
    // Express customisation: reported, not called.
    expect(about(/app \(Motia's Express customisation\) is not called/)).toHaveLength(1)
    expect(c.output()).not.toContain('failed to load')
  }, 90_000)

  test('streamAuth.authenticate decides who may open and join a stream', async () => {
    const c = await dev(motia0xProject)
    await c.fetch('/tickets', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'desk' }) })
    await c.until('/tickets/t-desk', (body) => (body as { title?: string }).title === 'desk', 30_000)

    const refused = await fetch(`http://127.0.0.1:${c.port}/?authToken=bad`, { headers: { upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13' } })
    expect(refused.status).toBe(401)

    socket = await openSocket(`ws://127.0.0.1:${c.port}/?authToken=ada`)
    socket.join('ticketFeed', 'ada')
    const sync = await socket.next((f) => f.event.type === 'sync')
    expect(sync.event.data).toEqual([expect.objectContaining({ id: 't-desk', title: 'desk' })])
    socket.join('ticketFeed', 'other')
    const denied = await socket.next((f) => (f as { event: { type: string } }).event.type === 'error' || (f as { type?: string }).type === 'error' || JSON.stringify(f).includes('unauthorized'))
    expect(JSON.stringify(denied)).toContain('unauthorized')
  }, 90_000)

  test('@motiadev/plugin-bullmq maps to BullMQ over Redis when the config has redis options', async () => {
    redis = await startRedisServer()
    const config = motia0xProject['motia.config.ts']!.replace('app: (app)', `redis: { useMemoryServer: false, host: '127.0.0.1', port: ${redis.port} },\n      app: (app)`)
    const c = await dev({ ...motia0xProject, 'motia.config.ts': config })
    const created = await c.fetch('/tickets', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'lamp' }) })
    expect(created.status).toBe(201)
    await c.until('/tickets/t-lamp', (body) => (body as { title?: string }).title === 'lamp', 30_000)
    const bullmq = logLines(c).filter((line) => line.msg.startsWith('[motia] @motiadev/plugin-bullmq '))
    expect(bullmq).toHaveLength(1)
    expect(bullmq[0]!.msg).toContain(`queues run on BullMQ over Redis (redis://127.0.0.1:${redis.port})`)
    // The message went through this Redis: BullMQ keeps its queues there.
    const client = new Redis(redis.url)
    const keys = await client.keys('*').finally(() => client.disconnect())
    expect(keys.some((key) => key.includes('ticket.created'))).toBe(true)
  }, 90_000)
})

describe('a mixed project (TypeScript and Python steps) with a Motia config', () => {
  test('its config and TypeScript steps load and serve when its Python steps cannot run', async () => {
    const files = {
      ...motia0xProject,
      'steps/score_step.py': 'config = {"type": "event", "name": "Score", "subscribes": ["ticket.created"], "emits": []}\nasync def handler(data, ctx):\n    await ctx.state.set("scores", data["id"], 1)\n',
    }
    const c = await dev(files, { MOTIA_PYTHON: '/nonexistent/python3' })
    const created = await c.fetch('/tickets', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'chair' }) })
    expect(created.status).toBe(201)
    await c.until('/tickets/t-chair', (body) => (body as { title?: string }).title === 'chair', 30_000)
    const lines = logLines(c)
    expect(lines.filter((line) => line.msg.startsWith('[motia] @motiadev/plugin-'))).toHaveLength(5)
    const python = lines.filter((line) => line.msg.includes('Python steps are not loaded'))
    expect(python).toHaveLength(1)
    expect(python[0]!.msg).toContain('not loaded: steps/score_step.py')
  }, 90_000)
})

describe('types', () => {
  test('tsc accepts the 0.x project as it is: @motiadev/core, its plugins, its config keys', async () => {
    project = makeProject({ ...motia0xProject, 'tsconfig.json': projectTsconfig({ include: ['**/*.ts'] }) })
    expect(await typeCheck(project.root)).toBe('')
  }, 300_000)

  test('tsc still reports a mistake in such a config', async () => {
    const config = motia0xProject['motia.config.ts']!.replace('streamAuth: {', 'streamAuth: { authenticate: 42, wrong: true },\n      other: {')
    project = makeProject({ ...motia0xProject, 'motia.config.ts': config, 'tsconfig.json': projectTsconfig({ include: ['**/*.ts'] }) })
    expect(await typeCheck(project.root)).toContain('motia.config.ts')
  }, 300_000)
})
