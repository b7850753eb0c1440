import { expect, test } from 'bun:test'
import { testStreamStore } from './contract.ts'
import { createMemoryStreams } from './memory.ts'

testStreamStore({ name: 'memory', create: () => createMemoryStreams() })

test('values that are not plain JSON (a Date from a schema transform) are still copied, not shared', async () => {
  const streams = createMemoryStreams()
  const at = new Date(0)
  await streams.set('s', 'g', 'a', { at, list: [{ at }] })
  const read = (await streams.get('s', 'g', 'a')) as { at: Date; list: Array<{ at: Date }> }
  expect(read.at).toBeInstanceOf(Date)
  expect(read.at).not.toBe(at)
  expect(read.list[0]!.at.getTime()).toBe(0)
})
