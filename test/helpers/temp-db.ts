/**
 * Database files in temporary folders, removed after each test of the file that asked for them.
 *
 * @example
 * const tempDb = tempDatabases('motia-queue-')
 * testQueueAdapter({ name: 'sqlite', create: () => createSqliteQueue({ path: tempDb() }) })
 */
import { afterEach } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Call at the top of a test file: returns a function giving a fresh `motia.db` path per call. */
export function tempDatabases(prefix: string): () => string {
  const dirs: string[] = []
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })
  return () => {
    const dir = mkdtempSync(join(tmpdir(), prefix))
    dirs.push(dir)
    return join(dir, 'motia.db')
  }
}
