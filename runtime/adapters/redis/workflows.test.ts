import { afterAll, beforeAll } from 'bun:test'
import { startRedisServer, type TestRedis } from '../../../test/helpers/redis-server.ts'
import { testWorkflowStore } from '../workflows/contract.ts'
import { createRedisWorkflowStore } from './workflows.ts'

let redis: TestRedis
let projects = 0
beforeAll(async () => void (redis = await startRedisServer()))
afterAll(() => redis.cleanup())

// Each store gets a prefix of its own: a fresh, empty store on the shared server.
testWorkflowStore({ name: 'redis', create: () => createRedisWorkflowStore({ url: redis.url, prefix: `test${++projects}:` }) })
