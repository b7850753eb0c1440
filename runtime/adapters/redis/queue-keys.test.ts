/**
 * Keys built from topics, step names, group ids and publish ids never collide, whatever
 * characters those hold: checked on the encoding itself, then end to end on a real redis-server.
 */
import { afterAll, afterEach, describe, expect, test } from 'bun:test'
import { beforeAllTests } from '../../../test/helpers/prerequisites.ts'
import { startRedisServer, type TestRedis } from '../../../test/helpers/redis-server.ts'
import { waitFor } from '../../testing/wait.ts'
import { consumeOptions } from '../queue/contract-helpers.ts'
import type { QueueAdapter } from '../queue/types.ts'
import { connectRedis } from './connection.ts'
import { encodeName, groupQueueName, queueName } from './queue-keys.ts'
import { createRedisQueue } from './queue.ts'

/** Names that break naive joining: separators, control characters, BullMQ's own key names, lone surrogates. */
const hostile = ['a', 'a:b', 'b', 'a|b', 'b:c', 'a/b', '', ':', '|', '%3A', '%u', '%uD800', 'x:meta', 'wait', 'meta', 'id', 'groups', 'x|groups', '\u0000', 'a\u0000b', 'a\nb', '\u0001', '\u007f', 'é', 'e\u0301', '☃', '\uD800', '\uDC00', '\uD800\uDC00', '😀']

describe('queue key names', () => {
  test('encodeName is one-to-one on hostile names and leaves no : or |', () => {
    const encoded = hostile.map(encodeName)
    expect(new Set(encoded).size).toBe(hostile.length)
    for (const name of encoded) expect(name).not.toMatch(/[:|]/)
  })

  test('well-formed names encode as encodeURIComponent does, so existing queues keep their names', () => {
    for (const name of hostile.filter((n) => n.isWellFormed())) expect(encodeName(name)).toBe(encodeURIComponent(name))
  })

  test('no (topic, step) pair and no group queue share a BullMQ queue name', () => {
    const names = new Set<string>()
    for (const topic of hostile) {
      for (const step of hostile) {
        names.add(queueName(topic, step))
        names.add(groupQueueName(queueName(topic, step)))
      }
    }
    expect(names.size).toBe(hostile.length * hostile.length * 2)
  })
})

describe('hostile topic and step names on a real redis-server', () => {
  let redis: TestRedis
  let projects = 0
  let queue: QueueAdapter | undefined
  beforeAllTests(async () => void (redis = await startRedisServer()))
  afterAll(() => redis?.cleanup())
  afterEach(async () => {
    await queue?.close()
    queue = undefined
  })

  test('every (topic, step) gets exactly its own messages, depth and dead letters', async () => {
    const prefix = `hostile${++projects}:`
    queue = await createRedisQueue({ url: redis.url, prefix })
    const pairs: Array<[string, string]> = [
      ['a:b', 'c'],
      ['a', 'b:c'],
      ['a', 'b|groups'],
      ['a|b', 'c'],
      ['t\u0000', 'x'],
      ['t', '\u0000x'],
      ['t\n', 'meta'],
      ['t', 'wait'],
      ['x:meta', 'id'],
      ['\uD800', 's'],
      ['\uDC00', 's'],
    ]
    const got = new Map<string, unknown[]>()
    for (const [topic, step] of pairs) {
      const seen: unknown[] = []
      got.set(`${topic}\u0001${step}`, seen)
      await queue.consume(consumeOptions(topic, step, { maxRetries: 0 }), async (message) => {
        seen.push(message.data)
        if (message.data === 'fail') throw new Error(`failed in ${JSON.stringify([topic, step])}`)
      })
    }
    for (const [topic, step] of pairs) await queue.publish(topic, [step], { topic, step }, { traceId: 't' })
    for (const [topic, step] of pairs) await queue.publish(topic, [step], 'fail', { traceId: 't' })
    await waitFor(async () => (await queue!.deadLetters()).length === pairs.length, 15_000)
    for (const [topic, step] of pairs) {
      expect(got.get(`${topic}\u0001${step}`)).toEqual([{ topic, step }, 'fail'])
      expect((await queue.deadLetters({ topic, step })).map((letter) => letter.error)).toEqual([`failed in ${JSON.stringify([topic, step])}`])
      expect(await queue.depth(topic, step)).toBe(0)
    }
  }, 60_000)

  test('groups and publish ids with separators stay apart, and every key starts with the prefix', async () => {
    const prefix = `hostile${++projects}:`
    queue = await createRedisQueue({ url: redis.url, prefix })
    const topic = 'orders:eu'
    const step = 'ship:fast'
    const groups = ['g', 'g:1', ':1', 'g\u0000', 'g\n1', 'meta', 'lock']
    const order: Record<string, number[]> = {}
    await queue.consume(consumeOptions(topic, step, { fifo: true, concurrency: 4 }), async (message) => {
      const { group, n } = message.data as { group: string; n: number }
      ;(order[group] ??= []).push(n)
    })
    for (let n = 0; n < 3; n++) {
      for (const group of groups) await queue.publish(topic, [step], { group, n }, { traceId: 't', messageGroupId: group, id: `${JSON.stringify(group)}:${n}` })
    }
    // The same ids again (control characters are refused in ids, so they are spelled as JSON): all stored already.
    for (let n = 0; n < 3; n++) {
      for (const group of groups) await queue.publish(topic, [step], { group, n, again: true }, { traceId: 't', messageGroupId: group, id: `${JSON.stringify(group)}:${n}` })
    }
    await waitFor(() => groups.every((group) => order[group]?.length === 3), 15_000)
    await waitFor(async () => (await queue!.depth(topic, step)) === 0)
    expect(order).toEqual(Object.fromEntries(groups.map((group) => [group, [0, 1, 2]])))
    const client = await connectRedis({ url: redis.url }, 'test-scan')
    try {
      const keys = await client.keys('*')
      // This server holds only these tests' adapters, each under its own `hostile<n>:`.
      expect(keys.filter((key) => key.startsWith(prefix)).length).toBeGreaterThan(0)
      expect(keys.filter((key) => !/^hostile\d+:/.test(key))).toEqual([])
    } finally {
      client.disconnect()
    }
  }, 60_000)
})
