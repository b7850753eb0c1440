import { describe, expect, test } from 'bun:test'
import { mkdirSync, writeFileSync } from 'node:fs'
import { tempDatabases } from '../../../test/helpers/temp-db.ts'
import { MotiaError } from '../../errors.ts'
import { isStoreFailure, openDatabase } from './database.ts'

const tempDb = tempDatabases('motia-db-')

describe('openDatabase', () => {
  test('refuses a file that is not a database with one line naming it and the fix', () => {
    const path = tempDb()
    writeFileSync(path, 'not a database, just text '.repeat(200))
    const refused = catchError(() => openDatabase(path))
    expect(refused).toBeInstanceOf(MotiaError)
    expect((refused as MotiaError).code).toBe('STORE_UNUSABLE')
    expect((refused as Error).message).toBe(
      `[motia] cannot open the store ${path} (file is not a database): move it away to start with an empty store (mv ${path} ${path}.broken; its messages, dead letters and state stay in the moved file), or restore it from a backup`,
    )
  })

  test('refuses a path it cannot open as a file (a folder named motia.db)', () => {
    const path = tempDb()
    mkdirSync(path)
    expect((catchError(() => openDatabase(path)) as Error).message).toStartWith(`[motia] cannot open the store ${path} (unable to open database file): move it away`)
  })

  test('a refused open leaves nothing half-open behind', () => {
    const path = tempDb()
    writeFileSync(path, 'garbage '.repeat(100))
    catchError(() => openDatabase(path))
    writeFileSync(path, '')
    const shared = openDatabase(path)
    expect(shared.db.query('SELECT 1 AS one').get()).toEqual({ one: 1 })
    shared.release()
  })
})

describe('isStoreFailure', () => {
  test('is true for a full disk, I/O and permission errors, false for a bad row', () => {
    expect(isStoreFailure(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }))).toBe(true)
    expect(isStoreFailure(Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_WRITE' }))).toBe(true)
    expect(isStoreFailure(Object.assign(new Error('readonly'), { code: 'SQLITE_READONLY' }))).toBe(true)
    expect(isStoreFailure(Object.assign(new Error('NOT NULL constraint failed'), { code: 'SQLITE_CONSTRAINT_NOTNULL' }))).toBe(false)
    expect(isStoreFailure(new TypeError('Binding expected string'))).toBe(false)
  })
})

function catchError(action: () => unknown): unknown {
  try {
    action()
  } catch (error) {
    return error
  }
  throw new Error('expected an error')
}
