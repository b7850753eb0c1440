/**
 * Temporary projects for tests. They live under `.tmp/` inside the checkout so that step files
 * resolve `motia` and `zod` exactly as a user's project does.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'

export const repoRoot = resolve(import.meta.dir, '../..')

export interface TempProject {
  root: string
  write(path: string, content: string): void
  remove(path: string): void
  cleanup(): void
}

/** Writes `files` (path → content) into a new folder. */
export function makeProject(files: Record<string, string> = {}): TempProject {
  const root = join(repoRoot, '.tmp', `p-${crypto.randomUUID().slice(0, 8)}`)
  mkdirSync(root, { recursive: true })
  const project: TempProject = {
    root,
    write(path, content) {
      const file = join(root, path)
      mkdirSync(dirname(file), { recursive: true })
      writeFileSync(file, content)
    },
    remove: (path) => rmSync(join(root, path), { force: true }),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  }
  for (const [path, content] of Object.entries(files)) project.write(path, content)
  return project
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): number {
  const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response() })
  const port = server.port!
  server.stop(true)
  return port
}
