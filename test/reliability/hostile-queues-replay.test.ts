/**
 * Dead-letter replay is exactly once under concurrent replayers, through the real CLI: `motia dlq
 * replay` commands and the console's replay route, all at once, on the embedded store (one server,
 * commands on the same file) and on Redis (two instances, commands on the same Redis). Letters
 * carry large payloads so that each replay takes long enough for the replayers to overlap.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test'
import { beforeAllTests } from '../helpers/prerequisites.ts'
import { join } from 'node:path'
import { readFileSync } from 'node:fs'
import { createRedisQueue } from '../../runtime/adapters/redis/queue.ts'
import { createRedisState } from '../../runtime/adapters/redis/state.ts'
import { createSqliteQueue } from '../../runtime/adapters/queue/sqlite.ts'
import type { QueueAdapter } from '../../runtime/adapters/queue/types.ts'
import { createSqliteState } from '../../runtime/adapters/state/sqlite.ts'
import type { StateAdapter } from '../../runtime/adapters/state/types.ts'
import { waitFor } from '../../runtime/testing/wait.ts'
import { runCli, startCli, type CliProcess } from '../helpers/cli.ts'
import { freePort, makeProject, type TempProject } from '../helpers/project.ts'
import { startRedisServer, type TestRedis } from '../helpers/redis-server.ts'

const TOKEN = 'hostile-replay-token'
const letters = 120

const files = {
  'package.json': JSON.stringify({ name: 'hostile-replay', type: 'module' }),
  // The console under motia start, so that its replay route races the commands.
  'motia.config.ts': `import { defineConfig } from 'motia'\nimport { consolePlugin } from 'motia/plugins/console'\nexport default defineConfig({ plugins: [consolePlugin()] })\n`,
  'steps/fill.step.ts': `
    export const config = { name: 'Fill', triggers: [{ type: 'http', method: 'POST', path: '/fill' }], enqueues: ['jobs'] }
    export const handler = async (req, { enqueue }) => {
      const payload = 'x'.repeat(req.body.bytes)
      await Promise.all(Array.from({ length: req.body.count }, (_, n) => enqueue({ topic: 'jobs', data: { n, payload } })))
      return { status: 202, body: {} }
    }`,
  'steps/switch.step.ts': `
    export const config = { name: 'Switch', triggers: [{ type: 'http', method: 'POST', path: '/switch' }] }
    export const handler = async (req, { state }) => {
      await state.set('switch', 'broken', req.body.broken)
      return { status: 200, body: {} }
    }`,
  // Fails while the switch is on (no retries: straight to the dead letters); counts every run once fixed.
  'steps/work.step.ts': `
    export const config = { name: 'Work', triggers: [{ type: 'queue', topic: 'jobs', config: { maxRetries: 0, concurrency: 20 } }] }
    export const handler = async ({ n }, { state }) => {
      if (await state.get('switch', 'broken')) throw new Error('broken on purpose')
      await state.update('runs', String(n), [{ type: 'increment' }])
    }`,
}

interface Stores {
  queue: QueueAdapter
  state: StateAdapter
}

let project: TempProject
let servers: CliProcess[] = []
let stores: Stores | undefined

beforeAll(() => void (project = makeProject(files)))
afterAll(() => project.cleanup())
afterEach(async () => {
  await Promise.all(servers.map((server) => server.stop()))
  servers = []
  await Promise.all([stores?.queue.close(), stores?.state.close()])
  stores = undefined
})

const post = (body: unknown, token: string, origin: string): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-motia-token': token, origin },
  body: JSON.stringify(body),
})

/** Dead-letters `letters` messages of ~20 KB through `server`, then fixes the step. */
async function fillDeadLetters(server: CliProcess, token: string): Promise<void> {
  const origin = `http://127.0.0.1:${server.port}`
  expect((await server.fetch('/switch', post({ broken: true }, token, origin))).status).toBe(200)
  expect((await server.fetch('/fill', post({ count: letters, bytes: 20_000 }, token, origin))).status).toBe(202)
  await waitFor(async () => (await stores!.queue.deadLetters()).length === letters, 60_000)
  expect((await server.fetch('/switch', post({ broken: false }, token, origin))).status).toBe(200)
}

/** Every replayer at once: two `--all` commands, one by ids, and the console route of each server. */
async function replayEverywhere(env: Record<string, string>, token: string): Promise<number[]> {
  const ids = (await stores!.queue.deadLetters()).map((letter) => letter.id)
  const command = async (args: string[]) => {
    const result = await runCli(['dlq', 'replay', ...args, '--json'], project.root, env)
    // A command by ids checks them first: it may find them already taken by a faster replayer.
    if (result.code !== 0) {
      expect(result.stderr).toMatch(/^\[motia\] no dead letter with id .*: see motia dlq list\n$/)
      return 0
    }
    return (JSON.parse(result.stdout) as { replayed: number }).replayed
  }
  const consoleRoute = async (server: CliProcess) => {
    const res = await server.fetch('/__motia/api/queues/replay', post({ all: true }, token, `http://127.0.0.1:${server.port}`))
    expect(res.status).toBe(200)
    return ((await res.json()) as { replayed: number }).replayed
  }
  return Promise.all([command(['--all']), command(['--all']), command(ids.slice(0, 40)), ...servers.map(consoleRoute)])
}

/** Waits until every replayed copy ran, then checks each ran once and nothing is left. */
async function expectEachRanOnce(): Promise<void> {
  const { queue, state } = stores!
  await waitFor(async () => (await queue.depth('jobs', 'Work')) === 0 && (await state.list('runs')).length === letters, 60_000)
  const runs = await state.list('runs')
  expect(runs.filter((entry) => entry.value !== 1)).toEqual([])
  expect(await queue.deadLetters()).toEqual([])
}

describe('concurrent dead-letter replay', () => {
  test('embedded store: two replay commands, one by ids and the console route at once requeue each letter once', async () => {
    const port = freePort()
    servers.push(await startCli(['start', '--port', String(port)], project.root))
    const token = (JSON.parse(readFileSync(join(project.root, '.motia', 'server.lock'), 'utf8')) as { token: string }).token
    const path = join(project.root, '.motia', 'motia.db')
    stores = { queue: createSqliteQueue({ path }), state: createSqliteState({ path }) }
    await fillDeadLetters(servers[0]!, token)
    const counts = await replayEverywhere({}, token)
    expect(counts.reduce((sum, n) => sum + n, 0)).toBe(letters)
    await expectEachRanOnce()
  }, 120_000)

  describe('Redis, two instances', () => {
    let redis: TestRedis
    beforeAllTests(async () => void (redis = await startRedisServer()))
    afterAll(() => redis?.cleanup())

    test('two replay commands, one by ids and both instances\' console routes at once requeue each letter once', async () => {
      const env = { REDIS_URL: redis.url, MOTIA_TOKEN: TOKEN }
      const ports = [freePort(), freePort()]
      servers.push(...(await Promise.all(ports.map((port) => startCli(['start', '--port', String(port)], project.root, { ...env, PORT: String(port) })))))
      const prefix = 'motia:hostile-replay:'
      stores = { queue: await createRedisQueue({ url: redis.url, prefix }), state: await createRedisState({ url: redis.url, prefix }) }
      await fillDeadLetters(servers[0]!, TOKEN)
      const counts = await replayEverywhere(env, TOKEN)
      expect(counts.reduce((sum, n) => sum + n, 0)).toBe(letters)
      await expectEachRanOnce()
    }, 120_000)
  })
})
