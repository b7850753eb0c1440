/**
 * Idempotent enqueue through the real CLI and server. The ambiguous failure it exists for: Redis
 * freezes while `POST /__motia/enqueue` is writing, the server answers 503 after its deadline, and
 * the write then happens anyway. A client that retries without an id doubles the work; with an id
 * each subscriber runs once. Also `motia enqueue --id` run twice (through the server, and straight
 * into the store), and ids the route refuses.
 */
import { afterAll, describe, expect, test } from 'bun:test'
import { beforeAllTests } from '../helpers/prerequisites.ts'
import { join } from 'node:path'
import { createRedisQueue } from '../../runtime/adapters/redis/queue.ts'
import { createRedisState } from '../../runtime/adapters/redis/state.ts'
import { createSqliteQueue } from '../../runtime/adapters/queue/sqlite.ts'
import { createSqliteState } from '../../runtime/adapters/state/sqlite.ts'
import type { QueueAdapter } from '../../runtime/adapters/queue/types.ts'
import type { StateAdapter } from '../../runtime/adapters/state/types.ts'
import { waitFor } from '../../runtime/testing/wait.ts'
import { runCli, startCli, type CliProcess } from '../helpers/cli.ts'
import { adapterKinds, bootRuntime } from '../helpers/runtime.ts'
import { freePort, makeProject, type TempProject } from '../helpers/project.ts'
import { startRedisServer, type TestRedis } from '../helpers/redis-server.ts'

const TOKEN = 'hostile-enqueue-token'

// Two subscribers, each counting the runs of every order number.
const counter = (name: string, group: string) => `
  export const config = { name: '${name}', triggers: [{ type: 'queue', topic: 'orders' }] }
  export const handler = async ({ n }, { state }) => {
    await state.update('${group}', String(n), [{ type: 'increment' }])
  }`

const files = {
  'package.json': JSON.stringify({ name: 'hostile-enqueue', type: 'module' }),
  'steps/count-a.step.ts': counter('CountA', 'a'),
  'steps/count-b.step.ts': counter('CountB', 'b'),
}

const enqueue = (server: CliProcess, body: unknown) =>
  server.fetch('/__motia/enqueue', { method: 'POST', headers: { 'content-type': 'application/json', 'x-motia-token': TOKEN, origin: `http://127.0.0.1:${server.port}` }, body: JSON.stringify(body) })

async function runs(state: StateAdapter, n: number): Promise<[unknown, unknown]> {
  return [await state.get('a', String(n)), await state.get('b', String(n))]
}

describe('a client retrying after an ambiguous 503 (Redis froze mid-write)', () => {
  let redis: TestRedis
  let project: TempProject
  let server: CliProcess
  let queue: QueueAdapter
  let state: StateAdapter

  beforeAllTests(async () => {
    redis = await startRedisServer()
    project = makeProject(files)
    const port = freePort()
    server = await startCli(['start', '--port', String(port)], project.root, { REDIS_URL: redis.url, MOTIA_TOKEN: TOKEN, PORT: String(port) })
    const prefix = 'motia:hostile-enqueue:'
    queue = await createRedisQueue({ url: redis.url, prefix })
    state = await createRedisState({ url: redis.url, prefix })
    // Warm up: the queues are registered and BullMQ's scripts loaded, so a write is one command.
    expect((await enqueue(server, { topic: 'orders', data: { n: 0 }, id: 'order-0' })).status).toBe(202)
    await waitFor(async () => (await runs(state, 0)).every((count) => count === 1), 15_000)
  }, 60_000)

  afterAll(async () => {
    redis?.resume()
    await server?.stop()
    await Promise.all([queue?.close(), state?.close()])
    await redis?.cleanup()
    project?.cleanup()
  })

  /** Sends `body` while Redis is frozen: 503, though the write is stored once Redis resumes. Then the retry. */
  async function ambiguousThenRetry(body: { data: { n: number }; id?: string }): Promise<number> {
    redis.pause()
    const first = await enqueue(server, { topic: 'orders', ...body })
    redis.resume()
    expect(first.status).toBe(503)
    expect(((await first.json()) as { error: string }).error).toMatch(/Redis is unavailable .*retry when Redis is back/)
    // The retry, once the server answers again.
    let retry: Response | undefined
    await waitFor(async () => (retry = await enqueue(server, { topic: 'orders', ...body })).status !== 503, 15_000)
    return retry!.status
  }

  /** Waits until both subscribers ran order `n` and nothing is left queued. */
  async function settled(n: number): Promise<[unknown, unknown]> {
    await waitFor(async () => (await runs(state, n)).every((count) => typeof count === 'number') && (await queue.depth('orders', 'CountA')) === 0 && (await queue.depth('orders', 'CountB')) === 0, 15_000)
    return runs(state, n)
  }

  test('without an id the retry doubles the work: the 503 was ambiguous', async () => {
    expect(await ambiguousThenRetry({ data: { n: 1 } })).toBe(202)
    expect(await settled(1)).toEqual([2, 2])
  }, 60_000)

  test('with an id each subscriber runs the order once', async () => {
    expect(await ambiguousThenRetry({ data: { n: 2 }, id: 'order-2' })).toBe(202)
    expect(await settled(2)).toEqual([1, 1])
    // A third try, long after: still nothing more.
    expect((await enqueue(server, { topic: 'orders', data: { n: 2 }, id: 'order-2' })).status).toBe(202)
    expect(await queue.depth('orders', 'CountA')).toBe(0)
    expect(await runs(state, 2)).toEqual([1, 1])
  }, 60_000)

  test('bad ids are refused with a 400 that names the field, and nothing is stored', async () => {
    for (const id of ['', 'x'.repeat(257), 42, 'line\nbreak', '\uD800', { id: 1 }]) {
      const res = await enqueue(server, { topic: 'orders', data: { n: 99 }, id })
      expect(res.status).toBe(400)
      expect(((await res.json()) as { error: string }).error).toMatch(/^\[motia\] enqueue to "orders": id must be a string of 1 to 256 characters without control characters, got .*: pass a string, e.g. id: 'order-42-created', or leave it out$/)
    }
    expect(await queue.depth('orders', 'CountA')).toBe(0)
    expect(await runs(state, 99)).toEqual([undefined, undefined])
  }, 60_000)
})

describe('motia enqueue --id', () => {
  test('run twice through the server, then twice with no server (into the store): one run per subscriber each', async () => {
    const project = makeProject(files)
    const path = join(project.root, '.motia', 'motia.db')
    let server = await startCli(['start', '--port', String(freePort())], project.root)
    const state = createSqliteState({ path })
    const queue = createSqliteQueue({ path })
    const enqueueCli = (n: number, id: string) => runCli(['enqueue', '-t', 'orders', '--data', JSON.stringify({ n }), '--id', id, '--json'], project.root)
    /** Once both subscribers ran order `n` and the queues are empty, nothing more of it can run. */
    const settledRuns = async (n: number) => {
      await waitFor(async () => (await runs(state, n)).every((count) => typeof count === 'number') && (await queue.depth('orders', 'CountA')) + (await queue.depth('orders', 'CountB')) === 0, 15_000)
      return runs(state, n)
    }
    try {
      for (let i = 0; i < 2; i++) {
        const result = await enqueueCli(1, 'order-1')
        expect(result.stderr).toBe('')
        expect(JSON.parse(result.stdout)).toMatchObject({ via: 'server', subscribers: ['CountA', 'CountB'] })
      }
      expect(await settledRuns(1)).toEqual([1, 1])
      await server.stop()
      for (let i = 0; i < 2; i++) {
        const result = await enqueueCli(2, 'order-2')
        expect(result.stderr).toBe('')
        expect(JSON.parse(result.stdout)).toMatchObject({ via: 'store' })
      }
      expect([await queue.depth('orders', 'CountA'), await queue.depth('orders', 'CountB')]).toEqual([1, 1])
      server = await startCli(['start', '--port', String(freePort())], project.root)
      // Order 1's id again, through the new server: still a repeat.
      expect((await enqueueCli(1, 'order-1')).code).toBe(0)
      expect(await settledRuns(2)).toEqual([1, 1])
      expect(await runs(state, 1)).toEqual([1, 1])
      const bad = await runCli(['enqueue', '-t', 'orders', '--data', '{"n":3}', '--id', 'a\tb'], project.root)
      expect(bad.code).toBe(1)
      expect(bad.stderr).toMatch(/^\[motia\] enqueue to "orders": id must be a string of 1 to 256 characters without control characters, got "a\\tb" \(a string\)/)
      expect(bad.stderr.trim().split('\n')).toHaveLength(1)
    } finally {
      await server.stop()
      await Promise.all([state.close(), queue.close()])
      project.cleanup()
    }
  }, 90_000)
})

describe.each(adapterKinds)('every way in takes the id (%s)', (kind) => {
  test('ctx.enqueue twice, the module-level enqueue, a retried handler and runtime.enqueue with one id: each subscriber runs once', async () => {
    const booted = await bootRuntime(kind, {
      ...files,
      // Enqueues order 7 three ways, then fails its first attempt, so its retry enqueues it all again.
      'steps/kick.step.ts': `
        import { enqueue } from 'motia'
        export const config = { name: 'Kick', triggers: [{ type: 'queue', topic: 'kick', config: { maxRetries: 1, backoff: { type: 'fixed', delayMs: 1 } } }], enqueues: ['orders'] }
        export const handler = async (_input, ctx) => {
          const message = { topic: 'orders', data: { n: 7 }, id: 'order-7' }
          await ctx.enqueue(message)
          await ctx.enqueue(message)
          await enqueue(message)
          if (ctx.attempt === 1) throw new Error('retry me')
          await ctx.state.set('kick', 'done', true)
        }`,
    })
    try {
      const { runtime } = booted
      await runtime.enqueue({ topic: 'kick', data: {} })
      await waitFor(async () => (await runtime.state.get('kick', 'done')) === true, 15_000)
      await runtime.enqueue({ topic: 'orders', data: { n: 7 }, id: 'order-7' })
      await waitFor(async () => (await runs(runtime.state, 7)).every((count) => typeof count === 'number') && (await runtime.queue.depth('orders', 'CountA')) + (await runtime.queue.depth('orders', 'CountB')) === 0, 15_000)
      expect(await runs(runtime.state, 7)).toEqual([1, 1])
    } finally {
      await booted.stop()
    }
  }, 60_000)
})
