/**
 * docs/architecture.md is the map a new engineer follows: every path it names must exist. A
 * rename or a move that leaves it behind fails here, with the stale paths listed.
 */
import { expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from '../helpers/project.ts'
import { missingPaths, namedPaths } from './doc-paths.ts'

const map = readFileSync(join(repoRoot, 'docs/architecture.md'), 'utf8')

test('docs/architecture.md names the files of every layer, and each exists', () => {
  const named = namedPaths(map)
  expect(named.length).toBeGreaterThan(60)
  for (const layer of ['runtime/run/runner.ts', 'runtime/registry.ts', 'runtime/http/server.ts', 'runtime/triggers/queue.ts', 'cli/index.ts', 'runtime/compat/']) {
    expect(named).toContain(layer)
  }
  expect(missingPaths(map, repoRoot)).toEqual([])
})

test('a path that does not exist is reported, placeholders and globs match what exists', () => {
  const page = 'See `runtime/nowhere.ts`, [the queue](runtime/adapters/queue/types.ts), `plugins/<name>/index.ts`, `runtime/adapters/*/contract.ts`, `/users/:p0` and `docs/gone.md`.'
  expect(namedPaths(page)).toEqual(['runtime/nowhere.ts', 'plugins/<name>/index.ts', 'runtime/adapters/*/contract.ts', 'docs/gone.md', 'runtime/adapters/queue/types.ts'])
  expect(missingPaths(page, repoRoot)).toEqual(['runtime/nowhere.ts', 'docs/gone.md'])
})
