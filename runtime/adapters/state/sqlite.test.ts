import { Database } from 'bun:sqlite'
import { describe, expect, test } from 'bun:test'
import { tempDatabases } from '../../../test/helpers/temp-db.ts'
import { testStateAdapter } from './contract.ts'
import { createSqliteState } from './sqlite.ts'

const tempDb = tempDatabases('motia-state-')

testStateAdapter({ name: 'sqlite', create: () => createSqliteState({ path: tempDb() }) })

describe('sqlite state', () => {
  test('values survive closing and reopening the file', async () => {
    const path = tempDb()
    const first = createSqliteState({ path })
    await first.set('users', 'u1', { name: 'Ada' })
    await first.close()
    const second = createSqliteState({ path })
    expect(await second.get('users', 'u1')).toEqual({ name: 'Ada' })
    await second.close()
  })

  test('10,000 concurrent increments of one key end at exactly 10,000', async () => {
    const state = createSqliteState({ path: tempDb() })
    await Promise.all(Array.from({ length: 10_000 }, () => state.update('counters', 'hits', [{ type: 'increment', path: 'n' }])))
    expect(await state.get('counters', 'hits')).toEqual({ n: 10_000 })
    await state.close()
  })

  test('two processes incrementing one key never lose an increment', async () => {
    const path = tempDb()
    const state = createSqliteState({ path })
    const script = `
      import { createSqliteState } from ${JSON.stringify(`${import.meta.dir}/sqlite.ts`)}
      const state = createSqliteState({ path: ${JSON.stringify(path)} })
      await Promise.all(Array.from({ length: 2000 }, () => state.update('c', 'k', [{ type: 'increment' }])))
      await state.close()
    `
    const child = Bun.spawn([process.execPath, '-e', script], { stderr: 'pipe' })
    for (let i = 0; i < 2000; i++) await state.update('c', 'k', [{ type: 'increment' }])
    expect(await child.exited).toBe(0)
    expect(await state.get('c', 'k')).toBe(4000)
    await state.close()
  })

  test('stored JSON with __proto__ keys reads back as plain data and updates without pollution', async () => {
    const path = tempDb()
    const state = createSqliteState({ path })
    const raw = new Database(path)
    raw.run("INSERT INTO motia_state (group_name, key, value) VALUES ('g', 'k', '{\"__proto__\":{\"polluted\":true},\"n\":1}')")
    raw.close()
    const read = (await state.get('g', 'k')) as Record<string, unknown>
    expect(Object.getPrototypeOf(read)).toBe(Object.prototype)
    expect(read.polluted).toBeUndefined()
    const write = await state.update('g', 'k', [{ type: 'increment', path: 'n' }, { type: 'merge', value: { m: 1 } }])
    expect(JSON.stringify(write.newValue)).toBe('{"__proto__":{"polluted":true},"n":2,"m":1}')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    await state.close()
  })

  test('refuses operations after close', async () => {
    const state = createSqliteState({ path: tempDb() })
    await state.close()
    await expect(state.get('g', 'k')).rejects.toThrow('closed')
  })
})
