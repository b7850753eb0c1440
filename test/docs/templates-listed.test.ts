/**
 * Every built-in template (`templates/*` but `_cursor`) is named in README.md and has its row in
 * docs/cli/create.md, with the description and language its template.json gives.
 */
import { expect, test } from 'bun:test'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from '../helpers/project.ts'

const templates = readdirSync(join(repoRoot, 'templates'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !entry.name.startsWith('_'))
  .map((entry) => ({ name: entry.name, ...(JSON.parse(readFileSync(join(repoRoot, 'templates', entry.name, 'template.json'), 'utf8')) as { description: string; language: string }) }))
const languages: Record<string, string> = { typescript: 'TypeScript', javascript: 'JavaScript', python: 'Python', 'multi-language': 'TypeScript + Python' }

test('there are templates to list', () => {
  expect(templates.map((t) => t.name)).toEqual(expect.arrayContaining(['starter', 'starter-js', 'todo-streams', 'workflow']))
})

test('README.md names every template', () => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8')
  expect(templates.filter((t) => !readme.includes(`\`-t ${t.name}\``)).map((t) => t.name)).toEqual([])
})

test('docs/cli/create.md has a row for every template, with its language and description', () => {
  const page = readFileSync(join(repoRoot, 'docs/cli/create.md'), 'utf8')
  const rows = [...page.matchAll(/^\| `([\w-]+)` \| (.+?) \| (.+) \|$/gm)].map((m) => ({ name: m[1]!, language: m[2]!, description: m[3]! }))
  expect(rows).toEqual(expect.arrayContaining(templates.map((t) => ({ name: t.name, language: languages[t.language]!, description: t.description }))))
  expect(rows.filter((row) => !templates.some((t) => t.name === row.name)).map((row) => row.name)).toEqual([])
})
