/**
 * `motia create` offers Python: the `python` and `multi-language` templates are listed under their
 * language, and a project created from each passes its own tests (which run its Python steps).
 */
import { afterAll, expect, test } from 'bun:test'
import { join } from 'node:path'
import { runCli } from '../helpers/cli.ts'
import { makeProject } from '../helpers/project.ts'

const workspace = makeProject()
afterAll(() => workspace.cleanup())

test('motia templates lists the Python templates under their language', async () => {
  const listed = JSON.parse((await runCli(['templates', '--json'], workspace.root)).stdout) as Array<{ name: string; language: string }>
  expect(listed).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'python', language: 'python' }), expect.objectContaining({ name: 'multi-language', language: 'multi-language' })]))
})

for (const template of ['python', 'multi-language']) {
  test(`a project created from ${template} passes its own tests`, async () => {
    const created = await runCli(['create', `app-${template}`, '-t', template, '--no-install'], workspace.root)
    expect(created.stderr).toBe('')
    expect(created.code).toBe(0)
    const proc = Bun.spawn([process.execPath, 'test'], { cwd: join(workspace.root, `app-${template}`), stdout: 'pipe', stderr: 'pipe' })
    const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
    expect(`${out}${err}`).toMatch(/\n\s*[1-9]\d* pass\n\s*0 fail/)
    expect(code).toBe(0)
  }, 60_000)
}
