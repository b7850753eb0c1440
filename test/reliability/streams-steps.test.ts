/**
 * Streams from step code: ctx.streams (validation, update ops, spans), module-level `streams`,
 * stream triggers (filters, conditions, the writer's trace), definitions (duplicates, hot reload).
 */
import { afterEach, describe, expect, test } from 'bun:test'
import { waitFor } from '../../runtime/testing/wait.ts'
import { createTestRuntime } from '../../runtime/testing/index.ts'
import { makeProject } from '../helpers/project.ts'
import { call, openSocket, serveProject, todoStream, todoSteps, type ServedProject, type TestSocket } from '../helpers/streams.ts'

let served: ServedProject | undefined
const sockets: TestSocket[] = []
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close()
  await served?.stop()
  served = undefined
})

describe('ctx.streams', () => {
  test('set validates against the schema; update applies state ops atomically; every op is on the span', async () => {
    served = await serveProject({ 'steps/todo.stream.ts': todoStream, ...todoSteps })
    const bad = await call(served.url, 'POST', '/todo/g/a', { text: 42 })
    expect(bad.status).toBe(400)
    expect(bad.body.error).toContain('stream "todo" (steps/todo.stream.ts): item g/a does not match the schema: text:')
    await call(served.url, 'POST', '/todo/g/a', { text: 'x', n: 0 })
    await Promise.all(Array.from({ length: 20 }, () => call(served!.url, 'PATCH', '/todo/g/a', [{ type: 'increment', path: 'n' }])))
    const item = (await call(served.url, 'PATCH', '/todo/g/a', [{ type: 'increment', path: 'n' }])).body.new_value
    expect(item).toEqual({ text: 'x', done: false, n: 21, id: 'a' })
    const span = served.runtime.traces.list().map((t) => served!.runtime.traces.get(t.id)!).flatMap((t) => t.spans).find((s) => s.step === 'TodoSet' && !s.error)
    expect(span?.events.find((e) => e.type === 'stream')).toMatchObject({ type: 'stream', op: 'set', stream: 'todo', groupId: 'g', id: 'a' })
  })

  test("module-level streams from 'motia' is the running step's; an unknown stream name says which exist", async () => {
    served = await serveProject({
      'steps/todo.stream.ts': todoStream,
      'steps/module.step.ts': `import { streams } from 'motia'
export const config = { triggers: [{ type: 'http', method: 'POST', path: '/m' }] }
export const handler = async () => {
  await streams.todo.set('g', 'm', { text: 'module' })
  let error = ''
  try { streams.nope } catch (e) { error = e.message }
  return { status: 200, body: { items: await streams.todo.getGroup('g'), groups: await streams.todo.listGroups(), error } }
}`,
    })
    const answer = (await call(served.url, 'POST', '/m')).body
    expect(answer.items).toEqual([{ text: 'module', done: false, id: 'm' }])
    expect(answer.groups).toEqual(['g'])
    expect(answer.error).toContain('no stream named "nope"; known streams: todo')
  })
})

describe('stream triggers', () => {
  test("run after matching changes with Motia's input, narrowed by groupId and condition, in the writer's trace", async () => {
    served = await serveProject({
      'steps/todo.stream.ts': todoStream,
      ...todoSteps,
      'steps/stream/todo/count.step.ts': `export const config = { triggers: [{ type: 'stream', groupId: 'g', condition: (input) => input.event.type !== 'delete' }] }
export const handler = async (input, { state, traceId }) => { await state.set('seen', String(input.timestamp), { input, traceId }) }`,
    })
    await call(served.url, 'POST', '/todo/g/a', { text: 'x' })
    await call(served.url, 'POST', '/todo/other/a', { text: 'y' })
    await call(served.url, 'PATCH', '/todo/g/a', [{ type: 'set', path: 'done', value: true }])
    await call(served.url, 'DELETE', '/todo/g/a')
    await call(served.url, 'POST', '/event/g', { type: 'ping', data: 1 })
    await waitFor(async () => (await served!.runtime.state.list('seen')).length === 2)
    await Bun.sleep(100)
    const seen = (await served.runtime.state.list('seen')).map((entry) => entry.value as { input: any; traceId: string })
    expect(seen.map((s) => s.input.event.type).sort()).toEqual(['create', 'update'])
    const created = seen.find((s) => s.input.event.type === 'create')!
    expect(created.input).toEqual({ type: 'stream', timestamp: created.input.timestamp, streamName: 'todo', groupId: 'g', id: 'a', event: { type: 'create', data: { text: 'x', done: false, id: 'a' } } })
    const trace = served.runtime.traces.get(created.traceId)!
    expect(trace.spans.map((s) => s.step)).toEqual(['TodoSet', 'Count'])
  })

  test('the data a stream trigger gets is its own: the writer changing its object after set reaches neither it nor the store', async () => {
    // motia/testing's memory store keeps a copy and hands the written object on; nothing else copies it on the way.
    const project = makeProject({
      // A Standard Schema that answers with the value it was given.
      'steps/notes.stream.ts': `export const config = { name: 'notes', schema: { '~standard': { version: 1, vendor: 'test', validate: (value) => ({ value }) } } }\n`,
      'steps/write-note.step.ts': `export const config = { triggers: [{ type: 'http', method: 'POST', path: '/notes/:id' }] }
export const handler = async (req, { streams }) => {
  const note = { text: 'first', tags: ['a'] }
  const written = await streams.notes.set('g', req.params.id, note)
  note.text = 'changed'
  note.tags.push('b')
  return { status: 200, body: written }
}`,
      'steps/stream/notes/seen.step.ts': `export const config = { triggers: [{ type: 'stream' }] }
export const handler = async (input, { state }) => {
  await new Promise((resolve) => setTimeout(resolve, 20))
  await state.set('seen', input.id, input.event.data)
}`,
    })
    const app = await createTestRuntime({ root: project.root })
    try {
      expect((await app.request('POST', '/notes/n1')).status).toBe(200)
      await waitFor(async () => (await app.runtime.state.get('seen', 'n1')) !== undefined, 30_000)
      expect(await app.runtime.state.get('seen', 'n1')).toEqual({ id: 'n1', text: 'first', tags: ['a'] })
      expect(await app.runtime.streams!.store.get('notes', 'g', 'n1')).toEqual({ text: 'first', tags: ['a'] })
    } finally {
      await app.stop()
      project.cleanup()
    }
  })

  test('a stream trigger without a stream name is refused with the fix', async () => {
    served = await serveProject({
      'steps/todo.stream.ts': todoStream,
      'steps/bad.step.ts': `export const config = { triggers: [{ type: 'stream' }] }\nexport const handler = async () => {}`,
    })
    expect(served.logs.some((l) => l.level === 'error' && String(l.msg).includes("a stream trigger names its stream: { type: 'stream', streamName: 'todo' }"))).toBe(true)
  })
})

describe('stream definitions', () => {
  test('two files defining one name are both refused, naming both files; a bad config names the fix', async () => {
    served = await serveProject({
      'steps/a/todo.stream.ts': todoStream,
      'steps/b/todo.stream.ts': todoStream,
      'steps/c/bad.stream.ts': `export const config = { name: 'bad' }`,
    })
    const errors = served.logs.filter((l) => l.level === 'error').map((l) => String(l.msg))
    expect(errors).toContain('[motia] duplicate stream name "todo" in steps/a/todo.stream.ts and steps/b/todo.stream.ts: rename one (config.name)')
    expect(errors.some((e) => e.startsWith('[motia] steps/c/bad.stream.ts: stream "bad": config.schema must be'))).toBe(true)
    expect(served.runtime.streaming.streams()).toEqual([])
  })

  test("a stream file and its compiled .js twin: the TypeScript one defines the stream, with one warning", async () => {
    const compiled = todoStream.replace("import { z } from 'zod'", "import { z } from 'zod' // compiled").replace('text: z.string()', 'text: z.number()')
    served = await serveProject({ 'steps/todo.stream.ts': todoStream, 'steps/todo.stream.js': compiled, ...todoSteps })
    const warnings = served.logs.filter((l) => l.level === 'warn' && String(l.msg).includes('compiled twin')).map((l) => String(l.msg))
    expect(warnings).toEqual([
      '[motia] steps/todo.stream.js is the compiled twin of steps/todo.stream.ts: the TypeScript file defines the stream, this one is not loaded (delete it, or keep compiled output out of steps/ and src/)',
    ])
    expect(served.logs.filter((l) => l.level === 'error')).toEqual([])
    expect(served.runtime.streaming.streams().map((s) => s.relativePath)).toEqual(['steps/todo.stream.ts'])
    // The TypeScript schema (text: string) is the one that checks writes.
    expect((await call(served.url, 'POST', '/todo/g/a', { text: 'x' })).status).toBe(200)
  })

  test('hot reload picks up an edited stream file (schema) and a new one, keeping subscriptions', async () => {
    served = await serveProject({ 'steps/todo.stream.ts': todoStream, ...todoSteps })
    const socket = await openSocket(served.wsUrl)
    sockets.push(socket)
    socket.join('todo', 'g')
    await socket.next((f) => f.event.type === 'sync')
    expect((await call(served.url, 'POST', '/todo/g/a', { text: 'x', extra: 1 })).status).toBe(200)
    served.project.write('steps/todo.stream.ts', todoStream.replace('z.object({', 'z.strictObject({'))
    served.project.write('steps/notes.stream.ts', `import { z } from 'zod'\nexport const config = { name: 'notes', schema: z.object({ body: z.string() }) }`)
    await served.runtime.reload()
    expect(served.runtime.streaming.streams().map((s) => s.name).sort()).toEqual(['notes', 'todo'])
    expect((await call(served.url, 'POST', '/todo/g/b', { text: 'x', extra: 1 })).status).toBe(400)
    await call(served.url, 'POST', '/todo/g/c', { text: 'after reload' })
    expect((await socket.next((f) => f.event.type === 'create', 2)).id).toBe('c')
  })
})
