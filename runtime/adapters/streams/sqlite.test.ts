import { afterEach, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { testStreamStore } from './contract.ts'
import { createSqliteStreams } from './sqlite.ts'

const dirs: string[] = []
const tempDb = () => {
  const dir = mkdtempSync(join(tmpdir(), 'motia-streams-'))
  dirs.push(dir)
  return join(dir, 'motia.db')
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

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
