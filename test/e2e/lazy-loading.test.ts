/**
 * `motia start` loads only what the project uses: once the starter template answers over HTTP,
 * the process has loaded neither the console, nor the Redis adapters and their clients, nor the
 * compatibility builders and the public entry that only plugins and user code import, nor, in a
 * project without streams, the stream store, the WebSocket endpoint or the client script (they load
 * at first use), nor, in a project without a workflow step, the workflow engine, replay and the
 * workflow store, whose tables it does not create, nor what only a step file that fails to load or a
 * `public/` folder needs, nor, before anything is written, SQLite and the embedded queue and state
 * store (a project with no `.motia/motia.db` yet), nor croner for a schedule that is a plain period.
 * `motia dev` on the same project loads the console (it is on by default there), and a stream
 * operation or a socket loads theirs, so each check can fail.
 */
import { afterEach, describe, expect, test } from 'bun:test'
import { Database } from 'bun:sqlite'
import { cpSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { freePort, makeProject, repoRoot, type TempProject } from '../helpers/project.ts'

let project: TempProject | undefined
afterEach(() => project?.cleanup())

/** Serves the project as `motia <mode>` in a fresh process and returns the modules it loaded once it answered. */
async function loadedModules(root: string, mode: 'start' | 'dev', afterwards = ''): Promise<string[]> {
  const port = freePort()
  const script = `
    const { serve } = await import(${JSON.stringify(join(repoRoot, 'cli/serve.ts'))})
    const { runtime } = await serve({ root: process.cwd(), mode: ${JSON.stringify(mode)}, port: ${port}, host: '127.0.0.1' })
    const base = 'http://127.0.0.1:${port}'
    const answer = await fetch(base + '/default')
    if (answer.status !== 200) throw new Error('GET /default answered ' + answer.status)
    ${afterwards}
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
  { what: 'the stream store', pattern: /\/runtime\/adapters\/streams\/sqlite\.ts$/ },
  { what: 'the stream socket endpoint', pattern: /\/runtime\/streams\/(socket|upgrade|connection|access|fanout|joins|turns|protocol)\.ts$/ },
  { what: 'the stream client script', pattern: /\/runtime\/streams\/client(-script)?\.ts$/ },
  { what: 'the workflow engine', pattern: /\/runtime\/workflows\/(engine|execution|match|duration)\.ts$/ },
  { what: 'workflow replay', pattern: /\/runtime\/workflows\/replay\.ts$/ },
  { what: 'the workflow store', pattern: /\/runtime\/adapters\/workflows\/(sqlite|memory)\.ts$/ },
  { what: 'the load-failure helpers', pattern: /\/runtime\/discovery\/(code-frame|missing-imports)\.ts$/ },
  { what: 'the public/ file server', pattern: /\/runtime\/http\/public-(files|scripts)\.ts$/ },
  { what: 'croner (the starter schedules every minute: a plain period)', pattern: /\/node_modules\/croner\// },
  { what: 'the embedded queue and state, and SQLite (no store file yet)', pattern: /\/runtime\/adapters\/(queue\/sqlite|state\/sqlite|sqlite\/database)\.ts$/ },
]

/** The workflow tables in the project's embedded store. */
function workflowTables(root: string): string[] {
  const db = new Database(join(root, '.motia/motia.db'), { readonly: true })
  try {
    return (db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'motia_workflow%' ORDER BY name").all() as Array<{ name: string }>).map((row) => row.name)
  } finally {
    db.close()
  }
}

describe('what a server loads', () => {
  test('motia start on the starter template loads no console, Redis, BullMQ, compat builders, stream store, stream sockets, workflow engine, or SQLite before a write', async () => {
    project = makeProject()
    cpSync(join(repoRoot, 'templates/starter'), project.root, { recursive: true, filter: (src) => !src.includes('node_modules') })
    const modules = await loadedModules(project.root, 'start')
    expect(modules.some((path) => path.endsWith('/runtime/runtime.ts'))).toBe(true)
    const loaded = notForStart.filter(({ pattern }) => modules.some((path) => pattern.test(path))).map(({ what }) => what)
    expect(loaded).toEqual([])
    // Nothing was written: the embedded store (queue, state) was not opened, nor its file created.
    expect(existsSync(join(project.root, '.motia/motia.db'))).toBe(false)
  }, 60_000)

  test('a project with a workflow step loads the engine and the workflow store at start, creates their tables, and runs', async () => {
    project = makeProject()
    cpSync(join(repoRoot, 'templates/starter'), project.root, { recursive: true, filter: (src) => !src.includes('node_modules') })
    project.write(
      'steps/greet.step.ts',
      `export const config = { name: 'Greet', triggers: [{ type: 'http', method: 'POST', path: '/greet' }], workflow: true }\n` +
        `export const handler = async (req, ctx) => ctx.run('hello', () => 'hello ' + req.body.name)\n`,
    )
    const modules = await loadedModules(
      project.root,
      'start',
      `
      const { waitFor } = await import(${JSON.stringify(join(repoRoot, 'runtime/testing/wait.ts'))})
      const started = await fetch(base + '/greet', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Ada' }) })
      const { runId } = await started.json()
      if (started.status !== 202 || typeof runId !== 'string') throw new Error('POST /greet answered ' + started.status)
      let run
      await waitFor(async () => (run = await runtime.workflows.store.get(runId))?.status === 'completed', 30000)
      if (run.output !== 'hello Ada') throw new Error('unexpected run ' + JSON.stringify(run))
      `,
    )
    const loaded = (pattern: RegExp) => modules.some((path) => pattern.test(path))
    expect([loaded(/\/runtime\/workflows\/engine\.ts$/), loaded(/\/runtime\/adapters\/workflows\/sqlite\.ts$/)]).toEqual([true, true])
    expect(workflowTables(project.root)).toEqual(['motia_workflow_checkpoints', 'motia_workflow_runs', 'motia_workflow_waits'])
  }, 60_000)

  test('a stream client loads the stream store, the socket endpoint and the client script at first use, and is served', async () => {
    project = makeProject()
    cpSync(join(repoRoot, 'templates/starter'), project.root, { recursive: true, filter: (src) => !src.includes('node_modules') })
    project.write('steps/notes.stream.ts', `import { z } from 'zod'\nexport const config = { name: 'notes', schema: z.object({ text: z.string() }) }\n`)
    // Before any use nothing of it is loaded; then a WebSocket join (answered with its sync), an item written, the client script.
    const modules = await loadedModules(
      project.root,
      'start',
      `
      const before = Object.keys(require.cache).filter((path) => /streams[/\\\\](socket|sqlite|client-script)\\.ts$/.test(path))
      if (before.length) throw new Error('loaded before first use: ' + before.join(', '))
      const ws = new WebSocket(base.replace('http', 'ws') + '/')
      await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = reject })
      const synced = new Promise((resolve) => (ws.onmessage = (m) => JSON.parse(m.data).event?.type === 'sync' && resolve(JSON.parse(m.data))))
      ws.send(JSON.stringify({ type: 'join', data: { streamName: 'notes', groupId: 'g', subscriptionId: 's1' } }))
      const sync = await synced
      if (JSON.stringify(sync.event.data) !== '[]') throw new Error('unexpected sync ' + JSON.stringify(sync))
      const created = new Promise((resolve) => (ws.onmessage = (m) => JSON.parse(m.data).event?.type === 'create' && resolve(JSON.parse(m.data))))
      await runtime.streams.put('notes', 'g', 'n1', { text: 'hi' })
      const change = await created
      if (change.event.data.text !== 'hi') throw new Error('unexpected change ' + JSON.stringify(change))
      ws.close()
      const client = await fetch(base + '/__motia/client.js')
      if (client.status !== 200 || !(await client.text()).includes('WebSocket')) throw new Error('GET /__motia/client.js answered ' + client.status)
      `,
    )
    const loaded = (pattern: RegExp) => modules.some((path) => pattern.test(path))
    expect([loaded(/\/runtime\/adapters\/streams\/sqlite\.ts$/), loaded(/\/runtime\/streams\/socket\.ts$/), loaded(/\/runtime\/streams\/client-script\.ts$/)]).toEqual([true, true, true])
  }, 60_000)

  test('the motia command loads the command file it runs and no other (motia start: start.ts alone), and plain options skip commander', async () => {
    project = makeProject()
    cpSync(join(repoRoot, 'templates/starter'), project.root, { recursive: true, filter: (src) => !src.includes('node_modules') })
    // Preloaded into the real CLI: lists the loaded modules on stderr when the process exits.
    project.write('dump-modules.ts', `process.on('exit', () => process.stderr.write('##modules ' + JSON.stringify(Object.keys(require.cache)) + '\\n'))\n`)
    const port = freePort()
    const child = Bun.spawn([process.execPath, '--preload', './dump-modules.ts', join(repoRoot, 'cli/index.ts'), 'start', '--port', String(port), '--host', '127.0.0.1'], {
      cwd: project.root,
      env: { ...process.env, MOTIA_LOG_LEVEL: 'warn' },
      stdout: 'pipe',
      stderr: 'pipe',
    })
    const stderr = new Response(child.stderr).text()
    // The listing ends with the URL once the server listens.
    const reader = child.stdout.getReader()
    let out = ''
    while (!out.includes(`http://127.0.0.1:${port}`)) {
      const { value, done } = await reader.read()
      if (done) throw new Error(`motia start exited before listening:\n${out}\n${await stderr}`)
      out += new TextDecoder().decode(value)
    }
    expect((await fetch(`http://127.0.0.1:${port}/default`)).status).toBe(200)
    child.kill('SIGTERM')
    await child.exited
    const line = (await stderr).split('\n').find((l) => l.startsWith('##modules '))
    const modules = (JSON.parse(line!.slice('##modules '.length)) as string[]).map((path) => path.replaceAll('\\', '/'))
    const commandFiles = modules.filter((path) => path.includes('/cli/commands/')).map((path) => path.slice(path.lastIndexOf('/') + 1))
    expect(commandFiles).toEqual(['start.ts'])
    expect(modules.filter((path) => path.includes('/node_modules/commander/'))).toEqual([])
  }, 60_000)

  test('motia dev on the same project loads the console, which is on by default there', async () => {
    project = makeProject()
    cpSync(join(repoRoot, 'templates/starter'), project.root, { recursive: true, filter: (src) => !src.includes('node_modules') })
    const modules = await loadedModules(project.root, 'dev')
    expect(modules.some((path) => /\/plugins\/console\/index\.ts$/.test(path))).toBe(true)
  }, 60_000)
})
