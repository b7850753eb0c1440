/**
 * The examples in README.md and docs/ must run. Every example (see extract.ts for the convention)
 * is written into a project under .tmp/, and then:
 *  1. every project is type-checked by one `tsc` run, with the starter template's compiler options
 *     and `motia` resolving to this checkout;
 *  2. every project is loaded with `createTestRuntime`: each step file must load, with no error
 *     logged, and each `<!-- check -->` request must answer its status;
 *  3. every example named `*.test.ts` is run with `bun test` inside its project.
 * A canary page with a broken example goes through the same steps and must fail each of them, so a
 * check that silently stopped checking fails this test too.
 */
import { afterAll, describe, expect, test } from 'bun:test'
import { beforeAllTests } from '../helpers/prerequisites.ts'
import { readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { createTestRuntime } from '../../runtime/testing/index.ts'
import { makeProject, repoRoot, type TempProject } from '../helpers/project.ts'
import { typeCheck as typeCheckProject } from '../helpers/typecheck.ts'
import { extractExamples, groupProjects, projectSlug, type DocProject } from './extract.ts'

const pages = ['README.md', ...[...new Bun.Glob('docs/**/*.md').scanSync({ cwd: repoRoot })].sort()]

const canaryPage = [
  '```ts',
  '// steps/http/broken.get.step.ts',
  "import type { Handlers, StepConfig } from 'motia'",
  "export const config = { triggers: [{ type: 'http' }] } as const satisfies StepConfig",
  "export const handler: Handlers<typeof config> = async () => ({ status: 'ok' })",
  '```',
  '<!-- check: GET /broken -> 200 -->',
  '```ts',
  '// steps/queue/jobs/no-handler.step.ts',
  'export const config = {}',
  '```',
  '```python',
  '# steps/broken_step.py',
  'config = {"name": "BrokenPy"}',
  'async def handler(req, ctx)',
  '```',
  '```ruby',
  '# steps/broken_step.rb',
  "def config = { name: 'BrokenRb' }",
  'def handler(req, ctx',
  '```',
  '```ts',
  '// test/broken.test.ts',
  "import { expect, test } from 'bun:test'",
  "test('fails', () => expect(1).toBe(2))",
  '```',
].join('\n')

const extracted = [...pages.map((page) => extractExamples(page, readFileSync(join(repoRoot, page), 'utf8'))), extractExamples('canary.md', canaryPage)]
const grouped = groupProjects(
  extracted.flatMap((e) => e.examples),
  extracted.flatMap((e) => e.checks),
)
const projects = grouped.projects.filter((p) => p.page !== 'canary.md')
const canary = grouped.projects.find((p) => p.page === 'canary.md')!

let workspace: TempProject
let typeErrors: Map<string, string[]>

beforeAllTests(async () => {
  const files: Record<string, string> = {}
  for (const project of grouped.projects) for (const file of project.files) files[`${projectSlug(project)}/${file.path}`] = file.code
  files['tsconfig.json'] = JSON.stringify(docsTsconfig(), null, 2)
  workspace = makeProject(files)
  typeErrors = await typeCheck(workspace.root, grouped.projects)
  // One tsc run over every page: tens of seconds, minutes on a loaded machine; a failure here fails every test by name.
}, 300_000)

afterAll(() => workspace?.cleanup())

test('every example is well-formed', () => {
  expect([...extracted.flatMap((e) => e.problems), ...grouped.problems]).toEqual([])
  expect(projects.length).toBeGreaterThan(0)
})

describe('a broken example fails the check', () => {
  test('at type-checking, pointing at the line of the page', () => {
    const errors = typeErrors.get(projectSlug(canary)) ?? []
    expect(errors).toHaveLength(1)
    expect(errors[0]).toStartWith('canary.md:5: error TS')
  })

  test('at loading, and at its check', async () => {
    const problems = await runtimeProblems(canary)
    expect(problems.some((p) => p.includes('does not export a handler'))).toBe(true)
    expect(problems.some((p) => p.includes('steps/broken_step.py failed to load: SyntaxError'))).toBe(true)
    expect(problems.some((p) => p.includes('steps/broken_step.rb failed to load: SyntaxError'))).toBe(true)
    expect(problems.some((p) => p.includes('GET /broken answered 500, expected 200'))).toBe(true)
  })

  test('when its test file fails', async () => {
    expect(await testFileProblems(canary)).toHaveLength(1)
  })
})

describe.each(projects.map((p) => [`${p.page}${p.name ? ` (project ${p.name})` : ''}`, p] as const))('%s', (_label, project) => {
  test('type-checks', () => {
    expect(typeErrors.get(projectSlug(project)) ?? []).toEqual([])
  })

  test('loads every step and answers its checks', async () => {
    expect(await runtimeProblems(project)).toEqual([])
  })

  if (project.files.some((f) => f.path.endsWith('.test.ts'))) {
    test('passes its own tests', async () => {
      expect(await testFileProblems(project)).toEqual([])
    })
  }
})

test('the runtime itself type-checks under the docs settings', () => {
  expect(typeErrors.get('') ?? []).toEqual([])
})

// --- internal ---

/** The starter template's compiler options (what a user's project has), with `motia` from this checkout. */
function docsTsconfig() {
  const starter = JSON.parse(readFileSync(join(repoRoot, 'templates/starter/tsconfig.json'), 'utf8')) as { compilerOptions: object }
  return {
    compilerOptions: {
      ...starter.compilerOptions,
      paths: { motia: ['../../runtime/index.ts'], 'motia/testing': ['../../runtime/testing/index.ts'], 'motia/adapters': ['../../runtime/adapters/index.ts'] },
    },
    include: ['**/*.ts'],
  }
}

/** Runs tsc once over every project; returns its errors per project slug ('' for files outside any). */
async function typeCheck(root: string, all: readonly DocProject[]): Promise<Map<string, string[]>> {
  // Through the shared helper: one compiler at a time per test process, with its build cache.
  const output = await typeCheckProject(root, 'tsconfig.json', ['--pretty', 'false'])
  const bySlug = new Map(all.map((p) => [projectSlug(p), p]))
  const errors = new Map<string, string[]>()
  for (const diagnostic of output.split(/\n(?=\S)/).filter((d) => d.trim() && !/^tsc exited with \d+$/.test(d))) {
    const at = /^(.+?)\((\d+),\d+\): (.*)$/s.exec(diagnostic)
    const [slug = '', ...rest] = at ? at[1]!.split('/') : []
    const project = bySlug.get(slug)
    const file = project?.files.find((f) => f.path === rest.join('/'))
    const key = file ? slug : ''
    const message = file ? `${file.page}:${file.line + Number(at![2]) - 1}: ${at![3]!.trim()}` : diagnostic.trim()
    errors.set(key, [...(errors.get(key) ?? []), message])
  }
  if (/^tsc exited with \d+$/.test(output) && errors.size === 0) errors.set('', [output])
  return errors
}

/** Loads a project like `motia dev` does (with memory adapters) and sends its checks. */
async function runtimeProblems(project: DocProject): Promise<string[]> {
  const root = join(workspace.root, projectSlug(project))
  const app = await createTestRuntime({ root })
  const problems: string[] = []
  try {
    for (const entry of app.logs) if (entry.level === 'error') problems.push(`${project.page}: ${entry.msg}`)
    const stepFiles = project.files.filter((f) => /^(steps|src)\/.*(\.step\.(ts|js|mjs)|[._]step\.py)$/.test(f.path))
    const loaded = new Set(app.runtime.steps().map((s) => relative(root, s.file)))
    for (const file of stepFiles) if (!loaded.has(file.path)) problems.push(`${file.page}:${file.line}: ${file.path} did not load`)
    for (const check of project.checks) {
      const res = await app.request(check.method, check.path, check.body)
      if (res.status !== check.status) {
        problems.push(`${check.page}:${check.line}: ${check.method} ${check.path} answered ${res.status}, expected ${check.status}: ${(await res.text()).slice(0, 300)}`)
      }
    }
  } finally {
    await app.stop()
  }
  return problems
}

/** Runs each `*.test.ts` example of the project with `bun test`, in the project's folder. */
async function testFileProblems(project: DocProject): Promise<string[]> {
  const root = join(workspace.root, projectSlug(project))
  const problems: string[] = []
  for (const file of project.files.filter((f) => f.path.endsWith('.test.ts'))) {
    const proc = Bun.spawn([process.execPath, 'test', `./${file.path}`], { cwd: root, stdout: 'pipe', stderr: 'pipe', env: { ...process.env, MOTIA_LOG_FORMAT: 'json' } })
    const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
    const passed = Number(/^\s*(\d+) pass$/m.exec(`${out}${err}`)?.[1] ?? 0)
    if (code !== 0 || passed === 0) problems.push(`${file.page}:${file.line}: ${file.path} failed (exit ${code}, ${passed} passed):\n${`${out}${err}`.slice(-2000)}`)
  }
  return problems
}
