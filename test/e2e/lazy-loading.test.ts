/**
 * `motia start` loads only what the project uses: once the starter template answers over HTTP,
 * the process has loaded neither the console, nor the Redis adapters and their clients, nor the
 * compatibility builders and the public entry that only plugins and user code import. `motia dev`
 * on the same project loads the console (it is on by default there), so the check can fail.
 */
import { afterEach, describe, expect, test } from 'bun:test'
import { cpSync } from 'node:fs'
import { join } from 'node:path'
import { freePort, makeProject, repoRoot, type TempProject } from '../helpers/project.ts'

let project: TempProject | undefined
afterEach(() => project?.cleanup())

/** Serves the project as `motia <mode>` in a fresh process and returns the modules it loaded once it answered. */
async function loadedModules(root: string, mode: 'start' | 'dev'): Promise<string[]> {
  const port = freePort()
  const script = `
    const { serve } = await import(${JSON.stringify(join(repoRoot, 'cli/serve.ts'))})
    const { runtime } = await serve({ root: process.cwd(), mode: ${JSON.stringify(mode)}, port: ${port}, host: '127.0.0.1' })
    const answer = await fetch('http://127.0.0.1:${port}/default')
    if (answer.status !== 200) throw new Error('GET /default answered ' + answer.status)
    process.stderr.write('##modules ' + JSON.stringify(Object.keys(require.cache)) + '\\n')
    await runtime.stop()
    process.exit(0)
  `
  const child = Bun.spawn([process.execPath, '-e', script], { cwd: root, env: { ...process.env, MOTIA_LOG_LEVEL: 'warn' }, stdout: 'ignore', stderr: 'pipe' })
  const [err, code] = await Promise.all([new Response(child.stderr).text(), child.exited])
  const line = err.split('\n').find((l) => l.startsWith('##modules '))
  if (code !== 0 || !line) throw new Error(`motia ${mode} did not serve the starter (exit ${code}):\n${err}`)
  return (JSON.parse(line.slice('##modules '.length)) as string[]).map((path) => path.replaceAll('\\', '/'))
}

const notForStart = [
  { what: 'the console plugin', pattern: /\/plugins\/console\// },
  { what: 'the Redis adapters', pattern: /\/runtime\/adapters\/redis\// },
  { what: 'BullMQ', pattern: /\/node_modules\/bullmq\// },
  { what: 'ioredis', pattern: /\/node_modules\/ioredis\// },
  { what: "Motia's compatibility builders", pattern: /\/runtime\/compat\/builders\.ts$/ },
  { what: 'the public entry (runtime/index.ts)', pattern: /\/runtime\/index\.ts$/ },
]

describe('what a server loads', () => {
  test('motia start on the starter template loads no console, Redis, BullMQ or compat builders', async () => {
    project = makeProject()
    cpSync(join(repoRoot, 'templates/starter'), project.root, { recursive: true, filter: (src) => !src.includes('node_modules') })
    const modules = await loadedModules(project.root, 'start')
    expect(modules.some((path) => path.endsWith('/runtime/runtime.ts'))).toBe(true)
    const loaded = notForStart.filter(({ pattern }) => modules.some((path) => pattern.test(path))).map(({ what }) => what)
    expect(loaded).toEqual([])
  }, 60_000)

  test('motia dev on the same project loads the console, which is on by default there', async () => {
    project = makeProject()
    cpSync(join(repoRoot, 'templates/starter'), project.root, { recursive: true, filter: (src) => !src.includes('node_modules') })
    const modules = await loadedModules(project.root, 'dev')
    expect(modules.some((path) => /\/plugins\/console\/index\.ts$/.test(path))).toBe(true)
  }, 60_000)
})
