/**
 * N instances of one project on one Redis: three `motia start` processes from one folder, a
 * private redis-server. Proves exactly-once processing when nothing crashes (and the spread over
 * instances), one cron run per tick in total, nothing accepted lost when an instance is killed
 * with SIGKILL, 503s while Redis is away and recovery when it returns; and the one-line refusal
 * when Redis cannot be reached at start.
 */
import { afterAll, describe, expect, test } from 'bun:test'
import { beforeAllTests } from '../helpers/prerequisites.ts'
import { startCli, runCli, type CliProcess } from '../helpers/cli.ts'
import { freePort, makeProject, type TempProject } from '../helpers/project.ts'
import { startRedisServer, type TestRedis } from '../helpers/redis-server.ts'
import { createRedisState } from '../../runtime/adapters/redis/state.ts'
import type { StateAdapter } from '../../runtime/adapters/state/types.ts'

const TOKEN = 'cluster-test-token'

const files = {
  'package.json': JSON.stringify({ name: 'cluster-test', type: 'module' }),
  // POST /ingest { from, count } enqueues messages from..from+count-1 on "work".
  'steps/ingest.step.ts': `
    export const config = { name: 'Ingest', triggers: [{ type: 'http', method: 'POST', path: '/ingest' }], enqueues: ['work'] }
    export const handler = async (req, { enqueue }) => {
      const { from, count } = req.body
      for (let n = from; n < from + count; n++) await enqueue({ topic: 'work', data: { n } })
      return { status: 202, body: { accepted: count } }
    }`,
  // Two subscribers: each counts every message it sees, and which instance saw it.
  'steps/count-a.step.ts': counter('CountA', 'a'),
  'steps/count-b.step.ts': counter('CountB', 'b'),
  'steps/tick.step.ts': `
    export const config = { name: 'Tick', triggers: [{ type: 'cron', expression: '* * * * * *' }] }
    export const handler = async ({ scheduledAt }, { state }) => {
      await state.update('ticks', new Date(scheduledAt).toISOString(), [{ type: 'increment' }])
    }`,
}

function counter(name: string, group: string): string {
  return `
    export const config = { name: '${name}', triggers: [{ type: 'queue', topic: 'work', config: { visibilityTimeoutMs: 10000, concurrency: 20, maxRetries: 10, backoff: { type: 'fixed', delayMs: 200 } } }] }
    export const handler = async ({ n }, { state }) => {
      await state.update('${group}', String(n), [{ type: 'increment' }])
      await state.update('by-instance', '${group}:' + process.env.PORT, [{ type: 'increment' }])
    }`
}

let redis: TestRedis
let project: TempProject
let state: StateAdapter
const instances: CliProcess[] = []

beforeAllTests(async () => {
  redis = await startRedisServer({ persistent: true })
  project = makeProject(files)
  state = await createRedisState({ url: redis.url, prefix: 'motia:cluster-test:', commandTimeoutMs: 2000 })
})

afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.stop()))
  await state?.close()
  await redis?.cleanup()
  project?.cleanup()
})

describe('three instances on one Redis', () => {
  test('refuses to start when Redis cannot be reached: one line, exit 1', async () => {
    const result = await runCli(['start', '--port', String(freePort())], project.root, { REDIS_URL: `redis://127.0.0.1:${freePort()}` })
    expect(result.code).toBe(1)
    const lines = result.stderr.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+: .*start Redis or fix REDIS_URL/)
  }, 60_000)

  test('10,000 messages through three instances: each processed exactly once per subscriber, spread over all three; cron once per tick', async () => {
    const env = { REDIS_URL: redis.url, MOTIA_TOKEN: TOKEN }
    const ports = [freePort(), freePort(), freePort()]
    instances.push(...(await Promise.all(ports.map((port) => startCli(['start', '--port', String(port)], project.root, { ...env, PORT: String(port) })))))
    const cronFrom = Date.now()
    const accepted = await ingest(instances, 0, 10_000)
    expect(accepted).toEqual([[0, 10_000]])
    await waitForCounts(10_000, 240_000)
    for (const group of ['a', 'b']) {
      const counts = await state.list<number>(group)
      expect(counts).toHaveLength(10_000)
      expect(counts.filter((entry) => entry.value !== 1)).toEqual([])
    }
    const spread = await state.list<number>('by-instance')
    for (const instance of instances) expect(spread.find((entry) => entry.key === `a:${instance.port}`)?.value ?? 0).toBeGreaterThan(0)
    // Let cron run at least 10 s in all.
    const elapsed = Date.now() - cronFrom
    if (elapsed < 11_000) await Bun.sleep(11_000 - elapsed)
    const ticks = await state.list<number>('ticks')
    expect(ticks.length).toBeGreaterThanOrEqual(9)
    expect(ticks.filter((tick) => tick.value !== 1)).toEqual([])
    const perInstance = instances.map((instance) => spread.find((entry) => entry.key === `a:${instance.port}`)?.value ?? 0)
    console.log(`[redis-cluster] processed ${counts(spread, 'a')} + ${counts(spread, 'b')} copies (CountA per instance ${perInstance.join('/')}), 0 duplicates, ${ticks.length} cron ticks run once each`)
  }, 360_000)

  test('kill -9 of one instance mid-run: every accepted message is still processed', async () => {
    const victim = instances[0]!
    const from = 10_000
    const sending = ingest(instances, from, 3000)
    await Bun.sleep(500)
    victim.signal('SIGKILL')
    const accepted = await sending
    const total = accepted.reduce((sum, [, count]) => sum + count, 0)
    expect(total).toBeGreaterThan(0)
    await waitForAll(accepted, 180_000)
    instances.shift()
  }, 240_000)

  test('Redis stopped for 5 s mid-load: 503s during the outage, instances reconnect, nothing accepted is lost', async () => {
    const from = 20_000
    const statuses = new Map<number, number>()
    const accepted: Array<[number, number]> = []
    let stop = false
    let next = from
    const load = (async () => {
      while (!stop) {
        const batch = next
        next += 10
        const res = await instances[batch % instances.length]!.fetch('/ingest', post({ from: batch, count: 10 })).catch(() => undefined)
        statuses.set(res?.status ?? 0, (statuses.get(res?.status ?? 0) ?? 0) + 1)
        if (res?.status === 202) accepted.push([batch, 10])
        else await Bun.sleep(50)
      }
    })()
    await Bun.sleep(1000)
    await redis.stop()
    await Bun.sleep(5000)
    await redis.start()
    // Load continues until requests succeed again on every instance.
    await waitFor(async () => {
      for (const instance of instances) if ((await instance.fetch('/ingest', post({ from: 900_000, count: 1 }))).status !== 202) return false
      return true
    }, 60_000)
    await Bun.sleep(500)
    stop = true
    await load
    expect(statuses.get(503) ?? 0).toBeGreaterThan(0)
    expect([...statuses.keys()].filter((status) => status !== 202 && status !== 503)).toEqual([])
    await waitForAll(accepted, 180_000)
  }, 240_000)
})

// --- internal ---

function post(body: unknown): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
}

/** Sends `count` messages from `from`, ten per request, round robin, 30 requests at a time; returns the accepted ranges, merged. */
async function ingest(targets: CliProcess[], from: number, count: number): Promise<Array<[number, number]>> {
  const batches = Array.from({ length: count / 10 }, (_, i) => from + i * 10)
  const accepted: number[] = []
  let cursor = 0
  const lane = async () => {
    while (cursor < batches.length) {
      const i = cursor++
      const res = await targets[i % targets.length]!.fetch('/ingest', post({ from: batches[i], count: 10 })).catch(() => undefined)
      if (res?.status === 202) accepted.push(batches[i]!)
    }
  }
  await Promise.all(Array.from({ length: 30 }, lane))
  accepted.sort((a, b) => a - b)
  const ranges: Array<[number, number]> = []
  for (const start of accepted) {
    const last = ranges[ranges.length - 1]
    if (last && last[0] + last[1] === start) last[1] += 10
    else ranges.push([start, 10])
  }
  return ranges
}

function counts(spread: Array<{ key: string; value: number }>, group: string): number {
  return spread.filter((entry) => entry.key.startsWith(`${group}:`)).reduce((sum, entry) => sum + entry.value, 0)
}

async function waitForCounts(expected: number, timeoutMs: number): Promise<void> {
  await waitFor(async () => {
    const spread = await state.list<number>('by-instance').catch(() => [])
    return counts(spread, 'a') >= expected && counts(spread, 'b') >= expected
  }, timeoutMs)
}

/** Waits until every message of the accepted ranges was seen by both subscribers. */
async function waitForAll(ranges: Array<[number, number]>, timeoutMs: number): Promise<void> {
  const wanted = ranges.flatMap(([start, count]) => Array.from({ length: count }, (_, i) => String(start + i)))
  let missing: string[] = wanted
  await waitFor(async () => {
    const [a, b] = await Promise.all([state.list('a'), state.list('b')]).catch(() => [[], []])
    const seen = (list: Array<{ key: string }>) => new Set(list.map((entry) => entry.key))
    const [seenA, seenB] = [seen(a), seen(b)]
    missing = wanted.filter((n) => !seenA.has(n) || !seenB.has(n))
    return missing.length === 0
  }, timeoutMs).catch(() => {
    throw new Error(`${missing.length} accepted message(s) never processed, e.g. ${missing.slice(0, 5).join(', ')}`)
  })
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`condition still false after ${timeoutMs} ms`)
    await Bun.sleep(200)
  }
}
