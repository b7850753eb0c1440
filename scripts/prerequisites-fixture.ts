/**
 * A test file that needs redis-server, run by prerequisites.test.ts (not by the suite: its name
 * does not end in .test.ts) with and without redis-server on PATH.
 */
import { afterAll, expect, test } from 'bun:test'
import { beforeAllTests } from '../test/helpers/prerequisites.ts'
import { startRedisServer, type TestRedis } from '../test/helpers/redis-server.ts'

let redis: TestRedis
beforeAllTests(async () => void (redis = await startRedisServer()))
afterAll(() => redis?.cleanup())

test('the server has a url', () => {
  expect(redis.url).toStartWith('redis://127.0.0.1:')
})

test('the server has a port', () => {
  expect(redis.port).toBeGreaterThan(0)
})
