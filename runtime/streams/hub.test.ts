import { expect, test } from 'bun:test'
import { z } from 'zod'
import { createMemoryStreams } from '../adapters/streams/memory.ts'
import type { StreamStore } from '../adapters/streams/types.ts'
import { compileSchema } from '../step/schema.ts'
import { createStreamsContext } from './api.ts'
import { createStreamHub, type StreamChange } from './hub.ts'

function fresh() {
  const hub = createStreamHub(createMemoryStreams(), (error) => {
    throw error
  })
  const schema = z.object({ n: z.number(), tags: z.array(z.string()).optional() })
  hub.swap([{ name: 'counter', file: 'counter.stream.ts', relativePath: 'counter.stream.ts', config: { name: 'counter', schema } as never, validate: compileSchema(schema) }])
  const changes: string[] = []
  hub.onChange((change: StreamChange) => changes.push(`${change.event.type}:${JSON.stringify((change.event as { data: { n?: number } }).data?.n)}`))
  return { hub, changes, streams: createStreamsContext(hub, () => {}) }
}

test('a set waits for an update already running on the item, and the feed shows them in call order', async () => {
  const { hub, changes, streams } = fresh()
  await streams.counter!.set('g', 'a', { n: 1 })
  let release!: () => void
  const gate = new Promise<void>((resolve) => (release = resolve))
  // An update whose `next` is slow (as an async schema or a remote store would be).
  const slow = hub.write('counter', 'g', 'a', async (current) => {
    await gate
    return { n: (current as { n: number }).n + 10 }
  })
  const set = streams.counter!.set('g', 'a', { n: 100 })
  await Bun.sleep(5)
  release()
  const [updated, replaced] = await Promise.all([slow, set])
  expect(updated.new_value).toEqual({ n: 11, id: 'a' })
  expect(replaced).toEqual({ old_value: { n: 11, id: 'a' }, new_value: { n: 100, id: 'a' } } as never)
  expect(await streams.counter!.get('g', 'a')).toEqual({ n: 100, id: 'a' } as never)
  expect(changes).toEqual(['create:1', 'update:11', 'update:100'])
})

test('a failed write releases the item for the next one', async () => {
  const { streams } = fresh()
  await expect(streams.counter!.set('g', 'a', { n: 'not a number' } as never)).rejects.toThrow(/does not match the schema/)
  await expect(streams.counter!.update('g', 'a', [{ type: 'set', path: 'n', value: 'x' }] as never)).rejects.toThrow(/does not match the schema/)
  expect(await streams.counter!.set('g', 'a', { n: 2 })).toEqual({ old_value: null, new_value: { n: 2, id: 'a' } } as never)
})

test('what a writer or a reader does to its objects afterwards never reaches the stored item', async () => {
  const { streams } = fresh()
  const value = { n: 1, tags: ['x'] }
  const written = (await streams.counter!.set('g', 'a', value)) as unknown as { new_value: { tags: string[] } }
  value.tags.push('after')
  written.new_value.tags.push('returned')
  const read = (await streams.counter!.get('g', 'a')) as unknown as { tags: string[] }
  read.tags.push('read')
  expect(await streams.counter!.get('g', 'a')).toEqual({ n: 1, tags: ['x'], id: 'a' } as never)
})

test('with a store that answers at once, a write is over (subscribers told) when the call returns', () => {
  const { hub, changes } = fresh()
  const written = hub.put('counter', 'g', 'a', { n: 1 })
  expect(written).not.toBeInstanceOf(Promise)
  expect(written).toEqual({ old_value: null, new_value: { n: 1, id: 'a' } })
  expect(changes).toEqual(['create:1'])
})

test('a write made by a listener waits until the write it heard has told everyone, and comes after it', async () => {
  const { hub } = fresh()
  const heard: string[] = []
  hub.onBroadcast((change) => heard.push(`broadcast ${change.id}@${change.timestamp}`))
  hub.onChange((change) => {
    heard.push(`change ${change.id}@${change.timestamp}`)
    if (change.id === 'a') void hub.put('counter', 'g', 'b', { n: 2 })
  })
  hub.put('counter', 'g', 'a', { n: 1 })
  await Bun.sleep(0)
  const at = heard.map((line) => Number(line.split('@')[1]))
  expect(heard.map((line) => line.split('@')[0])).toEqual(['broadcast a', 'change a', 'broadcast b', 'change b'])
  expect(at[2]).toBeGreaterThan(at[0]!)
})

test('a store wrapped by spreading it keeps its own methods: the synchronous half is not copied', async () => {
  const inner = createMemoryStreams()
  const sets: string[] = []
  const wrapped: StreamStore = { ...inner, set: (stream, groupId, id, data) => (sets.push(id), inner.set(stream, groupId, id, data)) }
  expect(inner.immediate).toBeDefined()
  expect(wrapped.immediate).toBeUndefined()
  const hub = createStreamHub(wrapped, (error) => {
    throw error
  })
  await hub.put('counter', 'g', 'a', { n: 1 })
  expect(sets).toEqual(['a'])
})
