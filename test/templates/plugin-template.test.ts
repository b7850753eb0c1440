/**
 * `motia create -t plugin` writes a publishable plugin package whose own tests pass and whose
 * sources type-check.
 */
import { afterEach, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCli } from '../helpers/cli.ts'
import { makeProject, repoRoot, type TempProject } from '../helpers/project.ts'
import { typeCheck } from '../helpers/typecheck.ts'

let project: TempProject | undefined
afterEach(() => project?.cleanup())

test('create -t plugin: a package with motia as a peer, its tests pass and it type-checks', async () => {
  project = makeProject()
  const created = await runCli(['create', 'motia-plugin-hooks', '-t', 'plugin', '--no-install'], project.root)
  expect(created.code).toBe(0)
  const dir = join(project.root, 'motia-plugin-hooks')
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  expect(pkg).toMatchObject({ name: 'motia-plugin-hooks', private: false, exports: { '.': './src/index.ts' }, peerDependencies: { motia: '>=0.1.0' } })
  expect(pkg.dependencies.motia).toBeUndefined()
  expect(pkg.devDependencies.motia).toBeDefined()

  const tests = Bun.spawn([process.execPath, 'test'], { cwd: dir, stdout: 'pipe', stderr: 'pipe', env: { ...process.env, BUN_BE_BUN: '1' } })
  const [, err, code] = await Promise.all([new Response(tests.stdout).text(), new Response(tests.stderr).text(), tests.exited])
  expect(err).toContain('4 pass')
  expect(code).toBe(0)

  expect(await typeCheck(dir, 'tsconfig.json', ['--typeRoots', join(repoRoot, 'node_modules/@types')])).toBe('')
}, 300_000)
