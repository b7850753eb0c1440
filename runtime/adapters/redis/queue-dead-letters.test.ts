/**
 * A replayer that dies between claiming a dead letter and finishing its replay, on a real
 * redis-server: the claim is written as that replayer would have left it, then another caller
 * lists and replays. Nothing is lost, and nothing runs twice.
 */
import { afterAll, afterEach, expect, test } from 'bun:test'
import { beforeAllTests } from '../../../test/helpers/prerequisites.ts'
import { startRedisServer, type TestRedis } from '../../../test/helpers/redis-server.ts'
import { waitFor } from '../../testing/wait.ts'
import { consumeOptions } from '../queue/contract-helpers.ts'
import type { QueueAdapter } from '../queue/types.ts'
import { connectRedis, type Redis } from './connection.ts'
import { staleClaimMs } from './queue-dead-letters.ts'
import { dedupIdOf, queueKeys, queueName } from './queue-keys.ts'
import { createRedisQueue } from './queue.ts'

let server: TestRedis
let client: Redis
let projects = 0
let queue: QueueAdapter | undefined
beforeAllTests(async () => {
  server = await startRedisServer()
  client = await connectRedis({ url: server.url }, 'test')
})
afterAll(async () => {
  client?.disconnect()
  await server?.cleanup()
})
afterEach(async () => {
  await queue?.close()
  queue = undefined
})

/** A queue with one dead letter on (topic 'jobs', step 'work'), and the deliveries it makes once fixed. */
async function withDeadLetter() {
  const prefix = `dl${++projects}:`
  queue = await createRedisQueue({ url: server.url, prefix })
  let broken = true
  const deliveries: unknown[] = []
  await queue.consume(consumeOptions('jobs', 'work', { maxRetries: 0 }), async (message) => {
    if (broken) throw new Error('broken')
    deliveries.push(message.data)
  })
  await queue.publish('jobs', ['work'], 'payload', { traceId: 't' })
  await waitFor(async () => (await queue!.deadLetters()).length === 1)
  broken = false
  const [letter] = await queue.deadLetters()
  const keys = queueKeys(prefix)
  /** Leaves the letter as a replayer that claimed it `ageMs` ago and then died would. */
  const abandonClaim = async (ageMs: number) => {
    const json = (await client.hget(keys.deadLetters, letter!.id)) as string
    await client.hdel(keys.deadLetters, letter!.id)
    await client.hset(keys.replaying, letter!.id, `${Date.now() - ageMs}|${json}`)
  }
  return { queue, letter: letter!, keys, deliveries, abandonClaim }
}

test('a letter claimed by a replayer that died before requeueing it comes back to the list, then replays once', async () => {
  const { queue, letter, deliveries, abandonClaim } = await withDeadLetter()
  await abandonClaim(staleClaimMs + 1000)
  expect((await queue.deadLetters()).map((l) => l.id)).toEqual([letter.id])
  const counts = await Promise.all([queue.replay([letter.id]), queue.replay('all')])
  expect(counts[0] + counts[1]).toBe(1)
  await waitFor(async () => deliveries.length === 1 && (await queue.depth('jobs', 'work')) === 0)
  expect(deliveries).toEqual(['payload'])
})

test('a letter whose replayer died after requeueing it is listed again, and replaying it stores no second copy', async () => {
  const { queue, letter, keys, deliveries, abandonClaim } = await withDeadLetter()
  // The dead replayer's copy was stored (its deduplication key is there) and has run.
  await client.set(keys.dedup(queueName('jobs', 'work'), dedupIdOf.replay(letter.id)), 'm-earlier', 'PX', 60_000)
  await abandonClaim(staleClaimMs + 1000)
  expect(await queue.replay([letter.id])).toBe(1)
  expect(await queue.depth('jobs', 'work')).toBe(0)
  expect(deliveries).toEqual([])
  expect(await queue.deadLetters()).toEqual([])
})

test('a fresh claim (a replay in progress elsewhere) is left alone: neither listed, replayed nor purged', async () => {
  const { queue, letter, keys, abandonClaim } = await withDeadLetter()
  await abandonClaim(0)
  expect(await queue.deadLetters()).toEqual([])
  expect(await queue.replay('all')).toBe(0)
  expect(await queue.purge()).toBe(0)
  expect(await client.hexists(keys.replaying, letter.id)).toBe(1)
})
