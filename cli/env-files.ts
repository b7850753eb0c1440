/**
 * The project's `.env` files, read again when they change (`motia dev` restarts its runtime then).
 * Bun reads them once, at start, from the folder it starts in; a key the shell set is never
 * replaced by a file's value, a key a file set follows the files (changed, or removed when no file
 * has it any more). Values are never printed: only the names of the keys that changed.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseEnv } from 'node:util'

/** Remembers which variables the files set now; `reload()` applies the files again and names the keys that changed. */
export function createEnvFiles(root: string, env: Record<string, string | undefined> = process.env): { reload(): string[] } {
  const fromFiles = read(root)
  // Keys whose value is the files' own were set by them (Bun at start): they follow the files.
  const owned = new Set(Object.keys(fromFiles).filter((key) => env[key] === undefined || env[key] === fromFiles[key]))
  return {
    reload() {
      const next = read(root)
      const changed: string[] = []
      for (const key of owned) {
        if (key in next) continue
        delete env[key]
        owned.delete(key)
        changed.push(key)
      }
      for (const [key, value] of Object.entries(next)) {
        if (!owned.has(key) && env[key] !== undefined) continue
        owned.add(key)
        if (env[key] !== value) {
          env[key] = value
          changed.push(key)
        }
      }
      return changed.sort()
    },
  }
}

// --- internal ---

/** `.env`, `.env.<NODE_ENV>` (development by default) and `.env.local`, later files winning, as Bun reads them. */
function read(root: string): Record<string, string> {
  const mode = process.env.NODE_ENV || 'development'
  const out: Record<string, string> = {}
  for (const name of ['.env', `.env.${mode}`, '.env.local']) {
    const file = join(root, name)
    if (!existsSync(file)) continue
    try {
      Object.assign(out, parseEnv(readFileSync(file, 'utf8')))
    } catch {
      // A file being written can be half there: the next change event reads it whole.
    }
  }
  return out
}
