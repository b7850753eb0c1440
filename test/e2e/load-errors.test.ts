/**
 * Issue 22, point 1, through the real CLI: a syntax error in a step or in a module it imports is
 * shown as file:line:column, the message and a code frame with a caret in `motia dev`, `motia
 * start` and `motia build` (and over the console's API, which the Chromium test draws); every
 * config mistake of a file is reported at once, the config file's too; files that look like steps
 * but are not loaded get a one-line hint.
 */
import { afterEach, describe, expect, test } from 'bun:test'
import { runCli, startCli, type CliProcess } from '../helpers/cli.ts'
import { freePort, makeProject, type TempProject } from '../helpers/project.ts'

const ok = `export const handler = async () => ({ status: 200, body: { ok: true } })\n`

/** A step whose handler has a syntax error on line 4, column 3, and a step whose helper has one on line 2, column 10. */
const broken = {
  'steps/http/hello.get.step.ts': `export const config = { name: 'Hello' }
export const handler = async () => {
  const total: number = 1 +
  return { status: 200, body: total }
}
`,
  'steps/http/other.get.step.ts': `import { helper } from '../lib/helper.ts'
export const config = { name: 'Other' }
export const handler = async () => ({ status: 200, body: helper() })
`,
  'steps/lib/helper.ts': `export const helper = () => {
  return enum Colour { Red }
}
`,
}

/** What every command must show for `broken`: where, what, and the line with a caret under the spot. */
function expectFrames(text: string): void {
  expect(text).toContain('[motia] steps/http/hello.get.step.ts:4:3: Unexpected return')
  expect(text).toContain('    > 4 |   return { status: 200, body: total }\n        |   ^')
  expect(text).toContain('      3 |   const total: number = 1 +')
  expect(text).toContain('[motia] steps/http/other.get.step.ts failed to load: steps/lib/helper.ts:2:10: Unexpected enum')
  expect(text).toContain('    > 2 |   return enum Colour { Red }\n        |          ^')
}

let project: TempProject | undefined
let cli: CliProcess | undefined
afterEach(async () => {
  await cli?.stop()
  cli = undefined
  project?.cleanup()
  project = undefined
})

describe('syntax errors show where, with a code frame', () => {
  test('motia dev prints them, the console API reports them, and a fix clears them', async () => {
    project = makeProject({ ...broken, 'steps/http/fine.get.step.ts': ok })
    cli = await startCli(['dev', '--port', String(freePort())], project.root, { MOTIA_LOG_FORMAT: 'pretty' })
    await cli.waitForOutput(/motia dev: 1 step\(s\), 2 failed to load/)
    expectFrames(cli.output())
    const problems = (await cli.json('/__motia/api/problems')) as { errors: Array<{ file: string; message: string; location?: { file: string; line: number; column: number } }> }
    expect(problems.errors.map((e) => [e.file, e.location])).toEqual([
      ['steps/http/hello.get.step.ts', { file: 'steps/http/hello.get.step.ts', line: 4, column: 3 }],
      ['steps/http/other.get.step.ts', { file: 'steps/lib/helper.ts', line: 2, column: 10 }],
    ])
    expect(problems.errors[0]!.message).toContain('> 4 |   return { status: 200, body: total }')

    // Fixing the helper reloads the step that imports it, and its problem is gone.
    project.write('steps/lib/helper.ts', `export const helper = () => 'fixed'\n`)
    await cli.until('/__motia/api/problems', (body) => (body as typeof problems).errors.length === 1, 20_000)
    await cli.until('/other', (body) => body === 'fixed', 20_000)
  }, 60_000)

  test('motia start refuses with every frame, one exit', async () => {
    project = makeProject(broken)
    const result = await runCli(['start', '--port', String(freePort())], project.root)
    expect(result.code).toBe(1)
    expectFrames(result.stderr)
    expect(result.stderr).not.toContain('    at ')
  }, 60_000)

  test('motia build fails with every frame', async () => {
    project = makeProject(broken)
    const result = await runCli(['build'], project.root)
    expect(result.code).toBe(1)
    expectFrames(result.stderr)
  }, 60_000)

  test('an error thrown while a module loads points at its line', async () => {
    project = makeProject({
      'steps/http/settings.get.step.ts': `import { settings } from '../lib/settings.ts'\nexport const config = { name: 'Settings' }\nexport const handler = async () => ({ status: 200, body: settings })\n`,
      'steps/lib/settings.ts': `// read at start\nexport const settings = JSON.parse('{')\n`,
    })
    const result = await runCli(['start', '--port', String(freePort())], project.root)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('[motia] steps/http/settings.get.step.ts failed to load: steps/lib/settings.ts:2:')
    expect(result.stderr).toContain("> 2 | export const settings = JSON.parse('{')")
  }, 60_000)
})

describe('every mistake of a file at once', () => {
  test('a step with four mistakes gets one report listing all four, with "did you mean" and the http placement hint', async () => {
    project = makeProject({
      'steps/jobs/bad.step.ts': `export const config = { name: 'Bad', triggers: [{ type: 'http', method: 'GET' }, { type: 'cron', expression: 'nope' }, { type: 'queu', topic: 'x' }] }\n`,
    })
    const result = await runCli(['start', '--port', String(freePort())], project.root)
    expect(result.code).toBe(1)
    const text = result.stderr
    expect(text).toContain('[motia] step "Bad" (steps/jobs/bad.step.ts) has 4 problems:')
    expect(text).toContain('  1. steps/jobs/bad.step.ts does not export a handler')
    expect(text).toMatch(/ {2}2\. http trigger needs a path .*Only files under steps\/http\/ get their path from their location: add path: '\/…' to the trigger/)
    expect(text).toContain('  3. cron expression "nope" has 1 fields')
    expect(text).toContain('  4. unknown trigger type "queu". Did you mean "queue"?')
  }, 60_000)

  test('motia.config.ts: all its mistakes in one report', async () => {
    project = makeProject({
      'steps/http/hello.get.step.ts': ok,
      'motia.config.ts': `export default { logLevel: 'loud', http: { middleware: 'auth', allowedHosts: ['http://x.y'] } }\n`,
    })
    const result = await runCli(['start', '--port', String(freePort())], project.root)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('[motia] the configuration has 3 problems:')
    expect(result.stderr).toContain('  1. logLevel in motia.config.ts must be one of debug, info, warn, error; got "loud"')
    expect(result.stderr).toContain('  2. motia.config.ts: http.middleware must be a list of functions')
    expect(result.stderr).toContain('  3. motia.config.ts: http.allowedHosts must be a list of host names')
  }, 60_000)

  test('a syntax error in motia.config.ts shows its frame', async () => {
    project = makeProject({ 'steps/http/hello.get.step.ts': ok, 'motia.config.ts': `export default {\n  http: { port: 3000 ]\n}\n` })
    const result = await runCli(['start', '--port', String(freePort())], project.root)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('[motia] motia.config.ts failed to load: motia.config.ts:2:')
    expect(result.stderr).toContain('> 2 |   http: { port: 3000 ]')
  }, 60_000)
})

test('files that look like steps but are not loaded get a one-line hint each', async () => {
  project = makeProject({
    'steps/http/hello.get.step.ts': ok,
    'steps/http/orders.steps.ts': ok,
    'steps/queue/ship-step.ts': ok,
    'lib/report.step.ts': ok,
  })
  cli = await startCli(['dev', '--port', String(freePort())], project.root, { MOTIA_LOG_FORMAT: 'pretty' })
  await cli.waitForOutput(/motia dev: 1 step\(s\)/)
  const out = cli.output()
  expect(out).toContain('[motia] lib/report.step.ts looks like a step but is not loaded: steps are found under steps/ and src/ only; move it there (e.g. steps/report.step.ts)')
  expect(out).toContain('[motia] steps/http/orders.steps.ts is not loaded: step files are named *.step.ts; rename it to orders.step.ts')
  expect(out).toContain('[motia] steps/queue/ship-step.ts is not loaded: step files are named *.step.ts; rename it to ship.step.ts')
  const problems = (await cli.json('/__motia/api/problems')) as { warnings: string[] }
  expect(problems.warnings).toHaveLength(3)
}, 60_000)
