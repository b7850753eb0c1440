/**
 * The behaviour every StreamStore must show.
 *
 * @example
 * testStreamStore({ name: 'memory', create: () => createMemoryStreams() })
 */
import { describe, expect, test } from 'bun:test'
import { closedAfterEach } from '../../testing/fresh.ts'
import type { StreamStore } from './types.ts'

export function testStreamStore({ name, create }: { name: string; create: () => StreamStore | Promise<StreamStore> }): void {
  describe(`StreamStore contract: ${name}`, () => {
    const fresh = closedAfterEach(create)

    test('set then get returns an equal copy', async () => {
      const streams = await fresh()
      const message = { text: 'hi', meta: { n: 1 } }
      expect(await streams.set('chat', 'room-1', 'm1', message)).toEqual({ oldValue: undefined, newValue: message })
      const read = await streams.get('chat', 'room-1', 'm1')
      expect(read).toEqual(message)
      expect(read).not.toBe(message)
    })

    test('set reports the previous item; delete removes it', async () => {
      const streams = await fresh()
      await streams.set('chat', 'room-1', 'm1', { text: 'a' })
      expect(await streams.set('chat', 'room-1', 'm1', { text: 'b' })).toEqual({ oldValue: { text: 'a' }, newValue: { text: 'b' } })
      expect(await streams.delete('chat', 'room-1', 'm1')).toEqual({ oldValue: { text: 'b' }, newValue: undefined })
      expect(await streams.get('chat', 'room-1', 'm1')).toBeUndefined()
    })

    test('list keeps insertion order, and an update keeps its place', async () => {
      const streams = await fresh()
      for (const id of ['c', 'a', 'b']) await streams.set('feed', 'g', id, { id })
      await streams.set('feed', 'g', 'c', { id: 'c', edited: true })
      expect(await streams.list('feed', 'g')).toEqual([
        { id: 'c', data: { id: 'c', edited: true } },
        { id: 'a', data: { id: 'a' } },
        { id: 'b', data: { id: 'b' } },
      ])
    })

    test('items with own __proto__ keys come back as plain data and pollute nothing', async () => {
      const streams = await fresh()
      const hostile = JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"text":"hi"}')
      await streams.set('chat', 'room-1', 'm1', hostile)
      const read = (await streams.get('chat', 'room-1', 'm1')) as Record<string, unknown>
      const [listed] = await streams.list('chat', 'room-1')
      for (const value of [read, listed!.data as Record<string, unknown>]) {
        expect(Object.getPrototypeOf(value)).toBe(Object.prototype)
        expect(Object.hasOwn(value, '__proto__')).toBe(true)
        expect(value.polluted).toBeUndefined()
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    })

    test('streams and groups are separate; listGroups names a stream\'s groups', async () => {
      const streams = await fresh()
      await streams.set('chat', 'room-1', 'x', 1)
      await streams.set('chat', 'room-2', 'x', 2)
      await streams.set('presence', 'room-1', 'x', 3)
      expect(await streams.get('chat', 'room-2', 'x')).toBe(2)
      expect((await streams.listGroups('chat')).sort()).toEqual(['room-1', 'room-2'])
      expect(await streams.list('presence', 'room-2')).toEqual([])
    })
  })
}
