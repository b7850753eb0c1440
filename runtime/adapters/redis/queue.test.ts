import { afterAll } from 'bun:test'
import { beforeAllTests } from '../../../test/helpers/prerequisites.ts'
import { startRedisServer, type TestRedis } from '../../../test/helpers/redis-server.ts'
import { testQueueAdapter } from '../queue/contract.ts'
import { createRedisQueue } from './queue.ts'

let redis: TestRedis
let projects = 0
beforeAllTests(async () => void (redis = await startRedisServer()))
afterAll(() => redis?.cleanup())

// Each adapter gets a prefix of its own: a fresh, empty queue on the shared server.
testQueueAdapter({
  name: 'redis (BullMQ)',
  create: (settings) => createRedisQueue({ url: redis.url, prefix: `test${++projects}:`, ...settings }),
  // Two adapters on one prefix: two instances of one project.
  createPair: async (settings) => {
    const prefix = `test${++projects}:`
    return Promise.all([createRedisQueue({ url: redis.url, prefix, ...settings }), createRedisQueue({ url: redis.url, prefix, ...settings })])
  },
})
