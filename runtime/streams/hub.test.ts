import { expect, test } from 'bun:test'
import { z } from 'zod'
import { createMemoryStreams } from '../adapters/streams/memory.ts'
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
  expect(updated.newItem).toEqual({ n: 11, id: 'a' })
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
