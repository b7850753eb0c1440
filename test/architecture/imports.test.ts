/**
 * The layering of docs/architecture.md, checked on every run: no import cycle among source files
 * (type-only imports included) and no import that crosses a layer the wrong way. A small fake
 * repository shows that each rule can fail.
 */
import { afterAll, describe, expect, test } from 'bun:test'
import { makeProject, repoRoot } from '../helpers/project.ts'
import { checkImports, formatReport } from './import-graph.ts'

describe('imports of this repository', () => {
  const report = checkImports(repoRoot)

  test('reads every source folder', () => {
    expect(report.files).toBeGreaterThan(150)
    expect(report.edges).toBeGreaterThan(report.files)
  })

  test('no cycle, type-only imports included, and no import that breaks the layering', () => {
    // The report names each finding; an empty one reads "0 cycle(s), 0 layering violation(s)".
    expect(formatReport(report).split('\n').slice(1)).toEqual([])
    expect(report.cycles).toEqual([])
    expect(report.violations).toEqual([])
  })
})

describe('the checker', () => {
  const fake = makeProject({
    'package.json': JSON.stringify({ name: 'motia', exports: { '.': './runtime/index.ts', './plugins/*': './plugins/*/index.ts' } }),
    'runtime/index.ts': "export { a } from './a.ts'\nexport * from './compat/builders.ts'",
    'runtime/a.ts': "import type { B } from './b.ts'\nexport const a = 1\nexport type A = B",
    'runtime/b.ts': "import type { A } from './a.ts'\nexport type B = A | string",
    'runtime/c.ts': "import { helper } from '../cli/helper.ts'\nimport { build } from './compat/builders.ts'\nexport const c = [helper, build]",
    'runtime/compat/builders.ts': 'export const build = 1',
    'runtime/types/shapes.ts': "import type { A } from '../a.ts'\nexport interface Shape { a: A }\nexport const oops = 1",
    'runtime/c.test.ts': "import { helper } from '../cli/helper.ts'",
    'cli/helper.ts': "import { a } from '../runtime/index.ts'\nimport { inner } from '../plugins/mqtt/inner.ts'\nexport const helper = [a, inner]",
    'plugins/mqtt/index.ts': "import { a } from 'motia'\nimport { inner } from './inner.ts'\nimport { b } from '../../runtime/b.ts'\nexport default [a, inner, b]",
    'plugins/mqtt/inner.ts': 'export const inner = 1',
  })
  afterAll(() => fake.cleanup())
  const report = checkImports(fake.root)

  test('finds a circle of type-only imports', () => {
    expect(report.cycles).toEqual([['runtime/a.ts', 'runtime/b.ts']])
  })

  test('names each import that crosses a layer, and only those (tests are not read)', () => {
    expect(report.violations.map((v) => `${v.from} → ${v.to}`).sort()).toEqual([
      'cli/helper.ts → plugins/mqtt/inner.ts',
      'plugins/mqtt/index.ts → runtime/b.ts',
      'runtime/c.ts → cli/helper.ts',
      'runtime/c.ts → runtime/compat/builders.ts',
      'runtime/types/shapes.ts → runtime/types/shapes.ts',
    ])
    expect(formatReport(report)).toContain('runtime/c.ts → cli/helper.ts: runtime never imports cli/, plugins/ or templates/')
  })
})
