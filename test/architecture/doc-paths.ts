/**
 * The repository paths a Markdown page names, and those that do not exist. A path is a code span
 * or a link target that starts at a top folder of the repository (`runtime/run/runner.ts`,
 * `docs/adapters.md`, `runtime/adapters/`); `*` and `<name>` stand for any one segment.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'

const tops = ['runtime', 'cli', 'plugins', 'templates', 'test', 'bench', 'docs', 'scripts', 'bin']

/** Every repository path `markdown` names, once each, in order of appearance. */
export function namedPaths(markdown: string): string[] {
  const candidates = [...markdown.matchAll(/`([^`\s]+)`/g), ...markdown.matchAll(/\]\(([^)\s#]+)[^)]*\)/g)].map((m) => m[1]!)
  const paths = candidates.map((c) => c.replace(/[.,:;]+$/, '')).filter((c) => tops.some((top) => c === top || c.startsWith(`${top}/`)) || c === 'package.json')
  return [...new Set(paths)]
}

/** The paths of `markdown` that match no file or folder under `root`. */
export function missingPaths(markdown: string, root: string): string[] {
  return namedPaths(markdown).filter((path) => !exists(root, path))
}

// --- internal ---

function exists(root: string, path: string): boolean {
  const pattern = path.replace(/<[^>]+>/g, '*').replace(/\/$/, '')
  if (!pattern.includes('*')) return existsSync(join(root, pattern))
  const glob = new Bun.Glob(pattern)
  for (const _ of glob.scanSync({ cwd: root, onlyFiles: false })) return true
  return false
}
