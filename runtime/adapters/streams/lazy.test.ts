import { expect, test } from 'bun:test'
import { testStreamStore } from './contract.ts'
import { createLazyStreamStore } from './lazy.ts'
import { createMemoryStreams } from './memory.ts'

testStreamStore({ name: 'lazy (memory)', create: () => createLazyStreamStore(() => createMemoryStreams()) })

test('the synchronous half is there once the store is open, and gone once it is closed', async () => {
  const store = createLazyStreamStore(() => createMemoryStreams())
  expect(store.immediate).toBeUndefined()
  await store.set('s', 'g', 'a', { n: 1 })
  expect(store.immediate?.get('s', 'g', 'a')).toEqual({ n: 1 })
  await store.close()
  expect(store.immediate).toBeUndefined()
  await expect(store.get('s', 'g', 'a')).rejects.toThrow(/closed/)
})
