/** Walking a project's own files: dependencies, build output and dot folders are never the user's sources. */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'

/** Folders that hold no file of the user's. */
const skipped = new Set(['node_modules', 'dist', 'build', 'coverage'])

/** The files under `root` whose name `matches`, at most `maxDepth` folders down; unreadable folders are passed over. */
export function projectFiles(root: string, matches: (name: string) => boolean, maxDepth = Number.POSITIVE_INFINITY): string[] {
  const files: string[] = []
  const visit = (dir: string, depth: number) => {
    if (depth > maxDepth) return
    let entries
    try {
      entries = readdirSync(dir, { withFileTypes: true })
    } catch {
      return
    }
    for (const entry of entries) {
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && !skipped.has(entry.name)) visit(join(dir, entry.name), depth + 1)
      } else if (matches(entry.name)) {
        files.push(join(dir, entry.name))
      }
    }
  }
  visit(root, 0)
  return files
}
