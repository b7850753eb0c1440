/**
 * End to end: a project with a stream, through the CLI: `motia generate types` types the stream,
 * `motia build` lists it in motia.lock.json, and the executable alone serves it over WebSocket
 * (banner included).
 */
import { afterAll, expect, test } from 'bun:test'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, makeProject } from '../helpers/project.ts'
import { runCli } from '../helpers/cli.ts'
import { call, openSocket, todoStream, todoSteps } from '../helpers/streams.ts'
import { waitFor } from '../../runtime/testing/wait.ts'

const project = makeProject({ 'package.json': '{ "name": "todo-api" }', 'steps/todo.stream.ts': todoStream, ...todoSteps })
const runDir = mkdtempSync(join(tmpdir(), 'motia-exe-'))

afterAll(() => {
  project.cleanup()
  rmSync(runDir, { recursive: true, force: true })
})

test('generate types declares the stream under Streams', async () => {
  const generated = await runCli(['generate', 'types'], project.root)
  expect(generated.code).toBe(0)
  const text = readFileSync(join(project.root, 'types.d.ts'), 'utf8')
  // The file's own type where it has one; the schema's, written out, for a config annotated StreamConfig.
  expect(text).toContain('  interface Streams {\n    "todo": StreamData<typeof import("./steps/todo.stream.ts").config, { "text": string; "done": boolean; "n"?: number }>\n  }')
})

test('a compiled executable serves the stream over WebSocket', async () => {
  const built = await runCli(['build', '--outfile', join(runDir, 'api')], project.root)
  expect(built.stderr).toBe('')
  expect(built.code).toBe(0)
  const lock = JSON.parse(readFileSync(join(project.root, 'motia.lock.json'), 'utf8'))
  expect(lock.streams).toEqual([{ name: 'todo', file: 'steps/todo.stream.ts', hash: expect.stringMatching(/^[0-9a-f]{64}$/) }])

  const port = freePort()
  const proc = Bun.spawn([join(runDir, 'api'), '--port', String(port), '--host', '127.0.0.1'], { cwd: runDir, stdout: 'pipe', stderr: 'pipe', env: { ...process.env, MOTIA_LOG_FORMAT: 'json' } })
  let out = ''
  void (async () => {
    const reader = proc.stdout.getReader()
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) out += new TextDecoder().decode(chunk.value)
  })()
  try {
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/__motia/health`).catch(() => undefined))?.ok === true, 15_000)
    const socket = await openSocket(`ws://127.0.0.1:${port}/__motia/streams`)
    socket.join('todo', 'g')
    await socket.next((f) => f.event.type === 'sync')
    await call(`http://127.0.0.1:${port}`, 'POST', '/todo/g/a', { text: 'from the executable' })
    expect((await socket.next((f) => f.event.type === 'create')).event.data).toEqual({ text: 'from the executable', done: false, id: 'a' })
    socket.close()
    expect(out).toMatch(/stream todo\s+\(ws: \/ or \/__motia\/streams\)\s+steps\/todo\.stream\.ts/)
  } finally {
    proc.kill('SIGKILL')
    await proc.exited
  }
}, 120_000)
