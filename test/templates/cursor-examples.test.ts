/**
 * The `--cursor` files teach AI editors this framework, so their examples must be right: every
 * ```ts block (named by its first-line comment) is written into a project of its own per file,
 * type-checked against the real types (all files' projects in one tsc run), and its steps must
 * load without an error.
 */
import { afterAll, describe, expect, test } from 'bun:test'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, join, relative } from 'node:path'
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
    expect(await errorsOf(slug(file))).toEqual([])

    const app = await createTestRuntime({ root: join((await checked()).root, slug(file)) })
    try {
      expect(app.logs.filter((entry) => entry.level === 'error')).toEqual([])
    } finally {
      await app.stop()
    }
  }, 300_000)
})

test('a wrong example is caught', async () => {
  const errors = (await errorsOf('wrong')).join('\n')
  expect(errors).toContain('wrong/steps/http/bad.get.step.ts(4,')
  expect(errors).toContain(`Type '"not-declared"' is not assignable to type '"declared"'`)
}, 300_000)

// --- internal ---

const wrongExample = `import type { Handlers, StepConfig } from 'motia'
export const config = { triggers: [{ type: 'http' }], enqueues: ['declared'] } as const satisfies StepConfig
export const handler: Handlers<typeof config> = async (_req, { enqueue }) => {
  await enqueue({ topic: 'not-declared', data: {} })
  return { status: 200, body: {} }
}
`

/** A file's folder in the shared workspace: its name without the extension. */
function slug(file: string): string {
  return basename(file).replace(/\.[^.]+$/, '')
}

/**
 * Every file's examples in a folder of one workspace, and the wrong example in `wrong/`, checked by
 * one tsc run with the settings a created project has (one compiler start instead of one per file).
 */
const checked = (() => {
  let run: Promise<{ root: string; output: string }> | undefined
  return () =>
    (run ??= (async () => {
      const files: Record<string, string> = { 'wrong/steps/http/bad.get.step.ts': wrongExample }
      for (const file of sources) for (const block of codeBlocks(readFileSync(file, 'utf8'))) files[`${slug(file)}/${block.path}`] = block.code
      const workspace = makeProject(files)
      projects.push(workspace)
      writeFileSync(join(workspace.root, 'tsconfig.json'), projectTsconfig({ include: ['**/*.ts'] }))
      return { root: workspace.root, output: await typeCheck(workspace.root) }
    })())
})()

/** The diagnostics of the folder `name`, and any that belong to no folder. */
async function errorsOf(name: string): Promise<string[]> {
  const diagnostics = (await checked()).output.split(/\n(?=\S)/).filter((d) => d.trim())
  const folders = new Set([...sources.map(slug), 'wrong'])
  return diagnostics.filter((d) => d.startsWith(`${name}/`) || !folders.has(d.split('/')[0]!))
}
