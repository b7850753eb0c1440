import { afterEach, expect, test } from 'bun:test'
import { join } from 'node:path'
import { makeProject, type TempProject } from '../../test/helpers/project.ts'
import { isStepFile, scanStepRoots } from './load-steps.ts'

let project: TempProject | undefined
afterEach(() => project?.cleanup())

// The walk replaced Bun.Glob at start (project-files.ts): it must find what `**/*.{…}` finds.
test('the step roots are walked as Bun.Glob scans them', () => {
  const step = 'export const handler = async () => {}\n'
  project = makeProject({
    'steps/http/a.get.step.ts': step,
    'steps/build/b.step.ts': step,
    'steps/dist/deep/er/c.step.js': step,
    'steps/coverage/d.step.mjs': step,
    'steps/.hidden/e.step.ts': step,
    'steps/x/.f.step.ts': step,
    'steps/node_modules/g.step.ts': step,
    'steps/x/node_modules/h.step.ts': step,
    'steps/py/i_step.py': 'x = 1\n',
    'steps/py/j.step.py': 'x = 1\n',
    'steps/notes.step.md': '',
    'src/k.step.ts': step,
    'lib/l.step.ts': step,
  })
  const extensions = ['ts', 'js', 'mjs', 'py', 'rb']
  const glob = new Bun.Glob(`**/*.{${extensions.join(',')}}`)
  const globbed = ['steps', 'src']
    .flatMap((dir) => [...glob.scanSync({ cwd: join(project!.root, dir), absolute: true, onlyFiles: true })])
    .filter((path) => !path.includes('/node_modules/') && isStepFile(path))
    .sort()
  const walked = scanStepRoots(project.root, extensions, isStepFile)
  expect(walked).toEqual(globbed)
  expect(walked.map((path) => path.slice(project!.root.length + 1))).toEqual([
    'src/k.step.ts',
    'steps/build/b.step.ts',
    'steps/coverage/d.step.mjs',
    'steps/dist/deep/er/c.step.js',
    'steps/http/a.get.step.ts',
    'steps/py/i_step.py',
    'steps/py/j.step.py',
  ])
})
