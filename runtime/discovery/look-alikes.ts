/**
 * Files that look like steps but are never loaded: a near-miss name (`orders.steps.ts`,
 * `orders-step.ts`) under a step folder, or a step file outside `steps/` and `src/`. Left alone
 * they fail silently (the route 404s, the topic has no subscriber); each gets a one-line hint.
 */
import { readdirSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { stepRoots } from './conventions.ts'

/** One hint per look-alike file under `root`, sorted by path. `isStepFile` is the loaders' own test. */
export function lookAlikeHints(root: string, isStepFile: (path: string) => boolean): string[] {
  const hints: string[] = []
  for (const file of walk(root)) {
    const path = relative(root, file)
    const name = path.slice(path.lastIndexOf(sep) + 1)
    const inRoot = stepRoots.some((dir) => path.startsWith(dir + sep))
    if (isStepFile(file)) {
      if (!inRoot) hints.push(`[motia] ${path} looks like a step but is not loaded: steps are found under ${stepRoots.map((d) => `${d}/`).join(' and ')} only; move it there (e.g. steps/${name})`)
      continue
    }
    const near = /^(.+?)(\.steps|[-_]step)\.(ts|js|mjs)$/.exec(name)
    if (inRoot && near) hints.push(`[motia] ${path} is not loaded: step files are named *.step.${near[3]}; rename it to ${near[1]}.step.${near[3]}`)
  }
  return hints
}

// --- internal ---

/** Folders that hold no file of the user's. */
const skipped = new Set(['node_modules', 'dist', 'build', 'coverage'])

function walk(root: string): string[] {
  const files: string[] = []
  const visit = (dir: string, depth: number) => {
    if (depth > 12) return
    let entries
    try {
      entries = readdirSync(dir, { withFileTypes: true })
    } catch {
      return
    }
    for (const entry of entries) {
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && !skipped.has(entry.name)) visit(join(dir, entry.name), depth + 1)
      } else if (/[._-]steps?\.[a-z]+$/.test(entry.name)) {
        files.push(join(dir, entry.name))
      }
    }
  }
  visit(root, 0)
  return files.sort()
}
