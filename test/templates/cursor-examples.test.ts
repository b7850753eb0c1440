/**
 * The `--cursor` files teach AI editors this framework, so their examples must be right: every
 * ```ts block (named by its first-line comment) is written into a project of its own per file,
 * type-checked against the real types, and its steps must load without an error.
 */
import { afterAll, describe, expect, test } from 'bun:test'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { createTestRuntime } from '../../runtime/testing/index.ts'
import { makeProject, repoRoot, type TempProject } from '../helpers/project.ts'
import { projectTsconfig, typeCheck } from '../helpers/typecheck.ts'

const cursorRoot = join(repoRoot, 'templates/_cursor')
const rules = readdirSync(join(cursorRoot, '.cursor/rules')).map((file) => join(cursorRoot, '.cursor/rules', file))
const sources = [...rules, join(cursorRoot, 'AGENTS.md')]
const projects: TempProject[] = []
afterAll(() => {
  for (const project of projects) project.cleanup()
})

/** The ```ts blocks of a markdown file, keyed by the file path in their first-line comment. */
function codeBlocks(markdown: string): Array<{ path: string; code: string }> {
  const blocks: Array<{ path: string; code: string }> = []
  for (const match of markdown.matchAll(/```(?:ts|typescript)\n([\s\S]*?)```/g)) {
    const code = match[1]!
    const path = /^\/\/ (\S+\.(?:ts|js))\n/.exec(code)?.[1]
    if (!path) throw new Error(`a code block has no "// path/to/file.ts" first line:\n${code.slice(0, 200)}`)
    blocks.push({ path, code })
  }
  return blocks
}

test('every rule file has front matter with a description', () => {
  expect(rules.length).toBeGreaterThanOrEqual(4)
  for (const file of rules) expect(readFileSync(file, 'utf8')).toMatch(/^---\ndescription: .+\n(globs: .*\n)?alwaysApply: (true|false)\n---\n/)
})

describe.each(sources.map((file) => [relative(cursorRoot, file), file] as const))('%s', (_name, file) => {
  const blocks = codeBlocks(readFileSync(file, 'utf8'))

  test('has examples, and they type-check against the real types', async () => {
    expect(blocks.length).toBeGreaterThan(0)
    const project = makeProject(Object.fromEntries(blocks.map((block) => [block.path, block.code])))
    projects.push(project)
    expect(await typeCheckProject(project.root)).toBe('')

    const app = await createTestRuntime({ root: project.root })
    try {
      expect(app.logs.filter((entry) => entry.level === 'error')).toEqual([])
    } finally {
      await app.stop()
    }
  }, 60_000)
})

test('a wrong example is caught', async () => {
  const project = makeProject({
    'steps/http/bad.get.step.ts': `import type { Handlers, StepConfig } from 'motia'
export const config = { triggers: [{ type: 'http' }], enqueues: ['declared'] } as const satisfies StepConfig
export const handler: Handlers<typeof config> = async (_req, { enqueue }) => {
  await enqueue({ topic: 'not-declared', data: {} })
  return { status: 200, body: {} }
}
`,
  })
  projects.push(project)
  const output = await typeCheckProject(project.root)
  expect(output).toContain('steps/http/bad.get.step.ts(4,')
  expect(output).toContain(`Type '"not-declared"' is not assignable to type '"declared"'`)
}, 60_000)

/** Runs tsc on `root` with the settings a created project has; returns its output ('' when clean). */
async function typeCheckProject(root: string): Promise<string> {
  writeFileSync(join(root, 'tsconfig.json'), projectTsconfig({ include: ['**/*.ts'] }))
  return typeCheck(root)
}
