/**
 * The `--cursor` files teach AI editors this framework, so their examples must be right: every
 * ```ts, ```python and ```ruby block (named by its first-line comment) is written into a project of
 * its own per file, the TypeScript type-checked against the real types (all files' projects in one
 * tsc run), and every step must load without an error. The files must name no removed or renamed
 * API, and together they must describe every current feature.
 */
import { afterAll, describe, expect, test } from 'bun:test'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, join, relative } from 'node:path'
import { createTestRuntime } from '../../runtime/testing/index.ts'
import { makeProject, repoRoot, type TempProject } from '../helpers/project.ts'
import { requireBinary } from '../helpers/prerequisites.ts'
import { requireRuby } from '../helpers/ruby.ts'
import { projectTsconfig, typeCheck } from '../helpers/typecheck.ts'

const cursorRoot = join(repoRoot, 'templates/_cursor')
const rules = readdirSync(join(cursorRoot, '.cursor/rules')).map((file) => join(cursorRoot, '.cursor/rules', file))
const sources = [...rules, join(cursorRoot, 'AGENTS.md')]
const projects: TempProject[] = []
afterAll(() => {
  for (const project of projects) project.cleanup()
})

/** The ```ts, ```python and ```ruby blocks of a markdown file, keyed by the file path in their first-line comment. */
function codeBlocks(markdown: string): Array<{ path: string; code: string }> {
  const blocks: Array<{ path: string; code: string }> = []
  for (const match of markdown.matchAll(/```(ts|typescript|python|ruby)\n([\s\S]*?)```/g)) {
    const code = match[2]!
    const path = (match[1] === 'python' || match[1] === 'ruby' ? /^# (\S+\.(?:py|rb))\n/ : /^\/\/ (\S+\.(?:ts|js))\n/).exec(code)?.[1]
    if (!path) throw new Error(`a ${match[1]} code block has no "path/to/file" comment as its first line:\n${code.slice(0, 200)}`)
    blocks.push({ path, code })
  }
  return blocks
}

/**
 * Names this framework removed or renamed (Motia 0.x's, and our own earlier ones), each with what
 * replaced it: an AI editor that reads them writes code that no longer exists.
 */
const removedNames: Array<[RegExp, string]> = [
  [/\bemits?\b|\bemit\(/, "enqueue / enqueues (Motia 0.x's emit)"],
  [/\bvirtualEmits\b/, 'virtualEnqueues'],
  [/\bsubscribes\b/, "a queue trigger's topic (Motia 0.x's subscribes)"],
  [/type: ['"](api|event|noop)['"]/, "triggers: [{ type: 'http' | 'queue' }] (Motia 0.x step types)"],
  [/\b(ApiRouteConfig|EventConfig|CronConfig|NoopConfig)\b/, 'StepConfig'],
  [/Handlers\[['"]/, 'Handlers<typeof config>'],
  [/@motiadev\/core/, "'motia'"],
  [/\binfrastructure\b/, "the queue trigger's config"],
  [/\bvisibilityTimeout\b/, 'config.visibilityTimeoutMs'],
  [/\bcron: ['"]/, "expression (Motia 0.x's cron field)"],
  [/req\.request\.(json|text|formData|arrayBuffer|blob|url|clone)\b/, 'req.raw (the Fetch request was req.request before 0.2)'],
  // The plugin hook (the stream client's `sub.onError(…)` is current).
  [/(?<!\.)\bonError\s*[:(]|hooks\b.*\bonError\b/, 'the plugin hooks onStepRun / wrapHandler (onError was removed)'],
  [/storageType: ['"]custom['"]/, "the project's stream store (custom storage is refused)"],
  [/not available in this version/, 'what exists now (streams do)'],
]

/** What the files must describe, together: every current feature, by a phrase that names it. */
const features: Array<[string, RegExp]> = [
  ['http steps', /type: 'http'/],
  ['queue steps', /type: 'queue'/],
  ['cron steps', /type: 'cron'/],
  ['state triggers', /type: 'state'/],
  ['stream triggers', /type: 'stream'/],
  ['stream definitions', /\.stream\.ts/],
  ['ctx.streams', /streams\.\w+!?\.set\(/],
  ['req.raw', /req\.raw\b/],
  ["Motia's request object", /req\.request\b/],
  ['public/', /`public\/`/],
  ['motia/client', /motia\/client/],
  ['motia/react', /motia\/react/],
  ['plugin trigger types', /TriggerTypes/],
  ['the client for pages', /\/__motia\/client\.js/],
  ['workflows', /ctx\.waitFor\(/],
  ['Python steps', /_step\.py/],
  ['Ruby steps', /_step\.rb/],
  ['plugins', /definePlugin\(/],
  ['first-party plugins', /motia\/plugins\/otel/],
  ['dead letters', /dead-letter/],
  ['dlq commands', /motia dlq/],
  ['several triggers', /ctx\.match\(/],
  ['middleware', /middleware/],
  ['module-level context', /import \{ logger, enqueue, stateManager, streams \} from 'motia'/],
  ['motia build', /motia build/],
  ['the console', /__motia\//],
  ['tests', /createTestRuntime/],
]

test('every rule file has front matter with a description', () => {
  expect(rules.length).toBeGreaterThanOrEqual(4)
  for (const file of rules) expect(readFileSync(file, 'utf8')).toMatch(/^---\ndescription: .+\n(globs: .*\n)?alwaysApply: (true|false)\n---\n/)
})

describe.each(sources.map((file) => [relative(cursorRoot, file), file] as const))('%s', (_name, file) => {
  const blocks = codeBlocks(readFileSync(file, 'utf8'))

  test('has examples; they type-check against the real types and every step loads', async () => {
    expect(blocks.length).toBeGreaterThan(0)
    if (blocks.some((block) => block.path.endsWith('.py'))) requireBinary('python3')
    if (blocks.some((block) => block.path.endsWith('.rb'))) requireRuby()
    expect(await errorsOf(slug(file))).toEqual([])

    const app = await createTestRuntime({ root: join((await checked()).root, slug(file)) })
    try {
      expect(app.logs.filter((entry) => entry.level === 'error')).toEqual([])
      // Every step of the examples loaded (Python and Ruby ones through their workers).
      const loaded = app.runtime.steps().map((step) => step.relativePath)
      for (const block of blocks) if (/(\.step\.(ts|js)|_step\.(py|rb))$/.test(block.path)) expect(loaded).toContain(block.path)
    } finally {
      await app.stop()
    }
  }, 300_000)
})

test('no file names a removed or renamed API', () => {
  const found: string[] = []
  for (const file of sources) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        for (const [pattern, instead] of removedNames) if (pattern.test(line)) found.push(`${relative(cursorRoot, file)}:${i + 1}: ${line.trim()} (now: ${instead})`)
      })
  }
  expect(found).toEqual([])
})

test('the removed-name check catches an old name', () => {
  const line = "  triggers: [{ type: 'event', subscribes: ['x'] }], emits: ['y'] // await req.request.json(); hooks: { onError: log }"
  expect(removedNames.filter(([pattern]) => pattern.test(line)).map(([, instead]) => instead)).toHaveLength(5)
  expect(removedNames.filter(([pattern]) => pattern.test('todos.onError((error) => show(error)); req.request.method; req.raw.json()'))).toEqual([])
})

test('together they describe every current feature', () => {
  const text = sources.map((file) => readFileSync(file, 'utf8')).join('\n')
  expect(features.filter(([, pattern]) => !pattern.test(text)).map(([name]) => name)).toEqual([])
})

test('AGENTS.md alone names every current feature', () => {
  const text = readFileSync(join(cursorRoot, 'AGENTS.md'), 'utf8')
  const notInAgents = new Set(['plugin trigger types', 'stream triggers', 'cron steps', 'state triggers', 'the client for pages', 'workflows', 'Python steps', 'Ruby steps', 'plugins', 'several triggers', 'tests'])
  expect(features.filter(([name, pattern]) => !notInAgents.has(name) && !pattern.test(text)).map(([name]) => name)).toEqual([])
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
