/**
 * Two instances of one project on one Redis run each cron tick once between them: the fast check
 * of the cron lock as the runtime uses it (test/reliability/redis-cluster.test.ts proves the same
 * at the end of a long load test with three `motia start` processes).
 */
import { afterAll, expect, test } from 'bun:test'
import { beforeAllTests } from '../../test/helpers/prerequisites.ts'
import { createRuntime, type Runtime } from '../runtime.ts'
import type { LogEntry } from '../observability/logger.ts'
import { makeProject, type TempProject } from '../../test/helpers/project.ts'
import { startRedisServer, type TestRedis } from '../../test/helpers/redis-server.ts'

let redis: TestRedis
let project: TempProject
const instances: Array<{ runtime: Runtime; logs: LogEntry[] }> = []

beforeAllTests(async () => {
  redis = await startRedisServer()
  project = makeProject({
    'package.json': JSON.stringify({ name: 'cron-instances', type: 'module' }),
    'steps/cron/tick.step.ts': `
      export const config = { triggers: [{ type: 'cron', expression: '* * * * * *' }] }
      export const handler = async (tick, { logger }) => { logger.info('tick ran', { at: tick.scheduledAt.toISOString() }) }
    `,
  })
})

afterAll(async () => {
  await Promise.all(instances.map(({ runtime }) => runtime.stop().catch(() => undefined)))
  await redis?.cleanup()
  project?.cleanup()
})

test('two runtimes sharing one Redis run every cron tick exactly once between them', async () => {
  for (const _ of [1, 2]) {
    const logs: LogEntry[] = []
    const runtime = await createRuntime({ root: project.root, mode: 'test', env: { REDIS_URL: redis.url }, logSink: (entry) => logs.push(entry) })
    instances.push({ runtime, logs })
    await runtime.load()
  }
  // Only ticks due once both instances were scheduling count.
  const from = Math.ceil(Date.now() / 1000) * 1000 + 1000
  const runs = () => instances.flatMap(({ logs }, instance) => logs.filter((entry) => entry.msg === 'tick ran' && Date.parse(entry.at as string) >= from).map((entry) => ({ at: entry.at as string, instance })))
  const ticksSeen = () => new Set(runs().map((run) => run.at)).size
  // Generous: on a loaded machine a tick may come late, never twice.
  const deadline = Date.now() + 30_000
  while (ticksSeen() < 4 && Date.now() < deadline) await Bun.sleep(100)
  expect(ticksSeen()).toBeGreaterThanOrEqual(4)
  // Stopping waits for runs in flight, so a late second run of a tick is counted too.
  await Promise.all(instances.map(({ runtime }) => runtime.stop()))
  const perTick = new Map<string, number>()
  for (const run of runs()) perTick.set(run.at, (perTick.get(run.at) ?? 0) + 1)
  expect([...perTick].filter(([, count]) => count !== 1)).toEqual([])
}, 60_000)
