/** Walking a project's own files: dependencies, build output and dot folders are never the user's sources. */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'

/** Folders that hold no file of the user's. */
const skipped = new Set(['node_modules', 'dist', 'build', 'coverage'])
/** Under a step root every folder is the user's (a `steps/build/` too), but for dependencies and dot folders. */
const dependencies = new Set(['node_modules'])

/** The files under `root` whose name `matches`, at most `maxDepth` folders down; unreadable folders are passed over. */
export function projectFiles(root: string, matches: (name: string) => boolean, maxDepth = Number.POSITIVE_INFINITY): string[] {
  return walk(root, matches, maxDepth, skipped)
}

/**
 * The files under a step root (`steps/`, `src/`) whose name `matches`, as `**\/*` finds them: any
 * depth, no dot folder or file, nothing in `node_modules`. A walk rather than `Bun.Glob`, whose
 * first scan costs a server's start ~1.3 MiB and ~1.5 ms (docs/performance-startup.md).
 */
export function stepRootFiles(base: string, matches: (name: string) => boolean): string[] {
  return walk(base, (name) => !name.startsWith('.') && matches(name), Number.POSITIVE_INFINITY, dependencies)
}

// --- internal ---

function walk(root: string, matches: (name: string) => boolean, maxDepth: number, skip: ReadonlySet<string>): string[] {
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
        if (!entry.name.startsWith('.') && !skip.has(entry.name)) visit(join(dir, entry.name), depth + 1)
      } else if (matches(entry.name)) {
        files.push(join(dir, entry.name))
      }
    }
  }
  visit(root, 0)
  return files
}
