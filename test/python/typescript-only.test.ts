/**
 * A project without Python (or Ruby) files pays nothing for them: `motia start` starts no worker,
 * and the language layer's loader and worker modules are never imported.
 */
import { afterAll, expect, test } from 'bun:test'
import { freePort, makeProject } from '../helpers/project.ts'
import { startCli } from '../helpers/cli.ts'
import { workerPids } from '../helpers/python.ts'
import { ruby } from '../../runtime/languages/ruby/index.ts'
import { createTestRuntime } from '../../runtime/testing/index.ts'

const project = makeProject({
  'steps/http/hello.get.step.ts': `export const config = { name: 'Hello' }\nexport const handler = async () => ({ status: 200, body: { ok: true } })\n`,
  'steps/queue/jobs/run.step.ts': `export const handler = async () => {}\n`,
})
afterAll(() => project.cleanup())

test('motia start on a TypeScript-only project starts no Python or Ruby worker', async () => {
  const cli = await startCli(['start', '--port', String(freePort())], project.root)
  try {
    expect(await (await cli.fetch('/hello')).json()).toEqual({ ok: true })
    expect(workerPids(cli.pid)).toEqual([])
    expect(workerPids(cli.pid, ruby.worker)).toEqual([])
  } finally {
    await cli.stop()
  }
})

test('loading it imports none of the worker code', async () => {
  // A fresh process: this test file's own imports must not count.
  const script = `
    import { createTestRuntime } from ${JSON.stringify(`${import.meta.dir}/../../runtime/testing/index.ts`)}
    const app = await createTestRuntime({ root: ${JSON.stringify(project.root)} })
    const loaded = Object.keys(require.cache).filter((id) => /runtime\\/languages\\/(loader|worker-manager|worker-process|bundle)\\.ts$/.test(id))
    console.log(JSON.stringify({ steps: app.runtime.steps().length, loaded, pids: app.runtime.languages.loaders.map((l) => l.workerPid() ?? null) }))
    await app.stop()
  `
  const proc = Bun.spawn([process.execPath, '-e', script], { stdout: 'pipe', stderr: 'pipe' })
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
  expect(err).toBe('')
  expect(JSON.parse(out.trim().split('\n').at(-1)!)).toEqual({ steps: 2, loaded: [], pids: [null, null] })
})

test('the same check sees the worker code once a Python file is there', async () => {
  const withPython = makeProject({ 'steps/http/py.get_step.py': 'async def handler(req, ctx):\n    return {"status": 200}\n' })
  try {
    const app = await createTestRuntime({ root: withPython.root })
    try {
      expect(app.runtime.languages.loaders[0]!.workerPid()).toBeNumber()
      expect(Object.keys(require.cache).some((id) => id.endsWith('runtime/languages/worker-process.ts'))).toBe(true)
    } finally {
      await app.stop()
    }
  } finally {
    withPython.cleanup()
  }
})
