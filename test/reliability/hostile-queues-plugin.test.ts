/**
 * `motia plugin add --option` with option names that walk into a prototype, through the real CLI:
 * each is refused with one line naming the segment, the config stays byte for byte as it was, and
 * a plugin factory that looks at `Object.prototype` sees it untouched.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCli } from '../helpers/cli.ts'
import { makeProject, type TempProject } from '../helpers/project.ts'

const originalConfig = `import { defineConfig } from 'motia'\n\nexport default defineConfig({})\n`

// The factory refuses to build when anything reached Object.prototype, so pollution cannot pass unseen.
const greeter = `
  import { definePlugin } from 'motia'
  export default function greeterPlugin(options) {
    const leaked = Object.keys(Object.prototype)
    if (leaked.length > 0) throw new Error('Object.prototype was polluted with ' + leaked.join(', '))
    return definePlugin({ name: 'greeter', options })
  }
`

let project: TempProject
beforeAll(() => {
  project = makeProject({
    'package.json': JSON.stringify({ name: 'hostile-plugin-options', private: true, type: 'module' }),
    'motia.config.ts': originalConfig,
    'plugins/greeter.ts': greeter,
  })
})
afterAll(() => project.cleanup())

const config = () => readFileSync(join(project.root, 'motia.config.ts'), 'utf8')

test('option paths and JSON keys named __proto__, constructor or prototype are refused in one line; the config is unchanged', async () => {
  const cases: Array<[string, string]> = [
    ['__proto__.polluted=1', '__proto__'],
    ['greeting.__proto__.polluted=1', '__proto__'],
    ['constructor.prototype.polluted=1', 'constructor'],
    ['greeting.prototype=1', 'prototype'],
    ['greeting={"__proto__":{"polluted":1}}', '__proto__'],
    ['{"__proto__":{"polluted":1}}', '__proto__'],
    ['{"greeting":{"nested":{"constructor":{"prototype":{"polluted":1}}}}}', 'constructor'],
  ]
  for (const [option, segment] of cases) {
    const result = await runCli(['plugin', 'add', './plugins/greeter.ts', '--option', option], project.root)
    expect(result.code).toBe(1)
    const lines = result.stderr.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toBe(
      `[motia] --option ${option}: "${segment}" cannot be an option name (it would reach into Object.prototype, not the plugin's options): name the plugin's own options, e.g. --option url=mqtt://localhost:1883`,
    )
    expect(config()).toBe(originalConfig)
  }
}, 60_000)

test('ordinary dotted options still build nested objects in the config', async () => {
  const result = await runCli(['plugin', 'add', './plugins/greeter.ts', '--option', 'greeting.text=hello', '--option', 'greeting.times=2'], project.root)
  expect(result.stderr).toBe('')
  expect(result.code).toBe(0)
  expect(config()).toContain('greeterPlugin({')
  expect(config()).toMatch(/greeting: \{\s*text: 'hello',\s*times: 2\s*\}/)
}, 60_000)
