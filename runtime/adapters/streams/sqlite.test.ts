import { expect, test } from 'bun:test'
import { tempDatabases } from '../../../test/helpers/temp-db.ts'
import { testStreamStore } from './contract.ts'
import { createSqliteStreams } from './sqlite.ts'

const tempDb = tempDatabases('motia-streams-')

testStreamStore({ name: 'sqlite', create: () => createSqliteStreams({ path: tempDb() }) })

test('stream items survive reopening the file', async () => {
  const path = tempDb()
  const first = createSqliteStreams({ path })
  await first.set('chat', 'room', 'm1', { text: 'kept' })
  await first.close()
  const second = createSqliteStreams({ path })
  expect(await second.list('chat', 'room')).toEqual([{ id: 'm1', data: { text: 'kept' } }])
  await second.close()
})

test('the synchronous half writes what the store reads, and refuses once the store is closed', async () => {
  const store = createSqliteStreams({ path: tempDb() })
  expect(store.immediate!.set('chat', 'room', 'm1', { text: 'now' })).toEqual({ oldValue: undefined, newValue: { text: 'now' } })
  expect(await store.get('chat', 'room', 'm1')).toEqual({ text: 'now' })
  await store.close()
  expect(() => store.immediate!.get('chat', 'room', 'm1')).toThrow(/closed/)
})
