import { afterAll, describe, expect, test } from 'bun:test'
import { beforeAllTests } from '../../../test/helpers/prerequisites.ts'
import { startRedisServer, type TestRedis } from '../../../test/helpers/redis-server.ts'
import { waitFor } from '../../testing/wait.ts'
import { testStreamStore } from '../streams/contract.ts'
import type { BroadcastChange } from '../streams/types.ts'
import { createRedisStreams } from './streams.ts'

let redis: TestRedis
let projects = 0
beforeAllTests(async () => void (redis = await startRedisServer()))
afterAll(() => redis?.cleanup())

testStreamStore({ name: 'redis', create: () => createRedisStreams({ url: redis.url, prefix: `test${++projects}:` }) })

describe('redis streams fan-out', () => {
  test('a change made on one instance reaches the subscribers of another, in order per item', async () => {
    const prefix = `fanout${++projects}:`
    const [a, b] = await Promise.all([createRedisStreams({ url: redis.url, prefix }), createRedisStreams({ url: redis.url, prefix })])
    const seen: BroadcastChange[] = []
    await b.onChange((change) => seen.push(change))
    for (let n = 0; n < 50; n++) await a.set('chat', 'room-1', 'm1', { n })
    await a.delete('chat', 'room-1', 'm1')
    await a.send('chat', 'room-1', { type: 'typing', data: { user: 'ada' } })
    await waitFor(() => seen.length === 52)
    const writes = seen.filter((change) => change.type === 'write')
    expect(writes.map((change) => (change.newValue as { n: number } | undefined)?.n)).toEqual([...Array.from({ length: 50 }, (_, n) => n), undefined])
    expect(writes[1]).toEqual({ type: 'write', stream: 'chat', groupId: 'room-1', id: 'm1', oldValue: { n: 0 }, newValue: { n: 1 } })
    expect(seen[51]).toEqual({ type: 'event', stream: 'chat', groupId: 'room-1', event: { type: 'typing', data: { user: 'ada' } } })
    await Promise.all([a.close(), b.close()])
  })

  test('update is atomic across instances: concurrent increments from two stores lose none, one change each', async () => {
    const prefix = `update${++projects}:`
    // 100 updates of one item at once, straight on the stores (the stream manager above them takes
    // one at a time per item): the last to win may retry for seconds on a loaded machine. Atomicity
    // is what this test is about, not the time limit.
    const options = { url: redis.url, prefix, commandTimeoutMs: 60_000 }
    const [a, b] = await Promise.all([createRedisStreams(options), createRedisStreams(options)])
    const seen: BroadcastChange[] = []
    await b.onChange((change) => seen.push(change))
    const bump = (current: unknown) => ({ n: ((current as { n?: number } | undefined)?.n ?? 0) + 1 })
    const writes = await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 ? a : b).update('c', 'g', 'x', bump)))
    expect(writes.map((w) => (w.newValue as { n: number }).n).sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1))
    expect(await a.get('c', 'g', 'x')).toEqual({ n: 100 })
    await waitFor(() => seen.length === 100)
    expect(seen.map((change) => (change as { newValue: { n: number } }).newValue.n)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1))
    // A delete of an absent item changes nothing and tells nobody.
    expect(await a.update('c', 'g', 'none', () => undefined)).toEqual({ oldValue: undefined, newValue: undefined })
    await a.delete('c', 'g', 'none')
    await a.set('c', 'g', 'y', 1)
    await waitFor(() => seen.length === 101)
    expect(seen[100]).toMatchObject({ id: 'y', newValue: 1 })
    await Promise.all([a.close(), b.close()])
  })

  test('another prefix (another project) hears nothing', async () => {
    const [a, b] = await Promise.all([createRedisStreams({ url: redis.url, prefix: 'one:' }), createRedisStreams({ url: redis.url, prefix: 'two:' })])
    const seen: BroadcastChange[] = []
    await b.onChange((change) => seen.push(change))
    const own: BroadcastChange[] = []
    await a.onChange((change) => own.push(change))
    await a.set('chat', 'g', 'x', 1)
    await waitFor(() => own.length === 1)
    expect(seen).toEqual([])
    await Promise.all([a.close(), b.close()])
  })
})
