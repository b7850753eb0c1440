/** Where the embedded adapters keep a project's data; apart from database.ts so that naming the file does not load SQLite. */
import { resolve } from 'node:path'

/** Where the embedded adapters keep a project's data. */
export function defaultDatabasePath(root: string): string {
  return resolve(root, '.motia', 'motia.db')
}
