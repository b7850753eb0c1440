/**
 * Streams over a real port: Motia's wire protocol (join, sync, create/update/delete/event in
 * order), malformed frames, unknown streams, both upgrade paths.
 */
import { afterEach, describe, expect, test } from 'bun:test'
import { call, openSocket, serveProject, todoStream, todoSteps, type ServedProject, type TestSocket } from '../helpers/streams.ts'

let served: ServedProject | undefined
const sockets: TestSocket[] = []
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close()
  await served?.stop()
  served = undefined
})

const open = async (path = '/') => {
  const socket = await openSocket(served!.wsUrl + path)
  sockets.push(socket)
  return socket
}

describe('stream wire protocol', () => {
  test('a group subscriber gets the sync, then create, update, delete and event in order with rising timestamps', async () => {
    served = await serveProject({ 'steps/todo.stream.ts': todoStream, ...todoSteps })
    const socket = await open()
    socket.join('todo', 'g1')
    const sync = await socket.next((f) => f.event.type === 'sync')
    expect(sync).toMatchObject({ streamName: 'todo', groupId: 'g1', event: { type: 'sync', data: [] } })
    expect(sync.id).toBeUndefined()

    expect((await call(served.url, 'POST', '/todo/g1/a', { text: 'milk' })).body).toEqual({ new_value: { text: 'milk', done: false, id: 'a' }, old_value: null })
    expect((await call(served.url, 'PATCH', '/todo/g1/a', [{ type: 'set', path: 'done', value: true }])).body.old_value).toEqual({ text: 'milk', done: false, id: 'a' })
    await call(served.url, 'POST', '/event/g1', { type: 'typing', data: { who: 'ann' } })
    await call(served.url, 'DELETE', '/todo/g1/a')
    await socket.next((f) => f.event.type === 'delete')

    const changes = socket.frames.slice(1)
    expect(changes.map((f) => f.event.type)).toEqual(['create', 'update', 'event', 'delete'])
    expect(changes[0]).toMatchObject({ streamName: 'todo', groupId: 'g1', id: 'a', event: { data: { text: 'milk', done: false, id: 'a' } } })
    expect(changes[1]!.event.data).toEqual({ text: 'milk', done: true, id: 'a' })
    expect(changes[2]!.event).toEqual({ type: 'event', event: { type: 'typing', data: { who: 'ann' } } })
    expect(changes[3]!.event.data).toEqual({ text: 'milk', done: true, id: 'a' })
    const stamps = socket.frames.map((f) => f.timestamp)
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b))
    expect(new Set(stamps).size).toBe(stamps.length)
  })

  test('sync on join holds the items written before; an item subscriber sees only its item, at /__motia/streams too', async () => {
    served = await serveProject({ 'steps/todo.stream.ts': todoStream, ...todoSteps })
    await call(served.url, 'POST', '/todo/g1/a', { text: 'one' })
    await call(served.url, 'POST', '/todo/g1/b', { text: 'two' })
    const group = await open('/__motia/streams')
    group.join('todo', 'g1')
    expect((await group.next((f) => f.event.type === 'sync')).event.data).toEqual([
      { text: 'one', done: false, id: 'a' },
      { text: 'two', done: false, id: 'b' },
    ])
    const item = await open()
    item.join('todo', 'g1', 'b')
    expect(await item.next((f) => f.event.type === 'sync')).toMatchObject({ id: 'b', event: { data: { text: 'two', done: false, id: 'b' } } })
    await call(served.url, 'POST', '/todo/g1/a', { text: 'one!' })
    await call(served.url, 'POST', '/todo/g1/b', { text: 'two!' })
    await item.next((f) => f.event.type === 'update')
    await group.next((f) => f.event.type === 'update', 2)
    expect(item.frames.filter((f) => f.event.type === 'update').map((f) => f.id)).toEqual(['b'])
  })

  test('a connection subscribed to an item and its group gets each change once', async () => {
    served = await serveProject({ 'steps/todo.stream.ts': todoStream, ...todoSteps })
    const socket = await open()
    socket.join('todo', 'g1')
    socket.join('todo', 'g1', 'a')
    await socket.next((f) => f.event.type === 'sync', 2)
    await call(served.url, 'POST', '/todo/g1/a', { text: 'x' })
    await call(served.url, 'POST', '/todo/g1/z', { text: 'y' })
    await socket.next((f) => f.event.type === 'create', 2)
    expect(socket.frames.filter((f) => f.event.type === 'create').map((f) => f.id)).toEqual(['a', 'z'])
  })

  test('malformed frames get an error frame and the connection keeps working; unknown streams are named', async () => {
    served = await serveProject({ 'steps/todo.stream.ts': todoStream, ...todoSteps })
    const socket = await open()
    for (const bad of ['not json', '{"type":"dance"}', '{"type":"join"}', '{"type":"join","data":{"streamName":"todo"}}', 'null', '[]']) socket.send(bad)
    socket.ws.send(new Uint8Array([1, 2, 3]))
    await socket.next((f) => f.event.type === 'error', 7)
    expect(socket.frames.every((f) => f.event.type === 'error' && f.event.data.code === 'bad_frame')).toBe(true)
    expect(socket.frames[2]!.event.data.message).toContain('needs data')
    socket.join('nope', 'g1')
    const unknown = await socket.next((f) => f.event.data?.code === 'unknown_stream')
    expect(unknown).toMatchObject({ streamName: 'nope', groupId: 'g1', subscriptionId: 's1' })
    expect(unknown.event.data.message).toContain('known streams: todo')
    socket.join('todo', 'g1')
    await socket.next((f) => f.event.type === 'sync')
  })

  test('after a leave, the subscription gets nothing more', async () => {
    served = await serveProject({ 'steps/todo.stream.ts': todoStream, ...todoSteps })
    const socket = await open()
    socket.join('todo', 'g1', undefined, 'sub-1')
    await socket.next((f) => f.event.type === 'sync')
    socket.send({ type: 'leave', data: { streamName: 'todo', groupId: 'g1', subscriptionId: 'sub-1' } })
    const other = await open()
    other.join('todo', 'g1')
    await other.next((f) => f.event.type === 'sync')
    await call(served.url, 'POST', '/todo/g1/a', { text: 'x' })
    await other.next((f) => f.event.type === 'create')
    expect(socket.frames.map((f) => f.event.type)).toEqual(['sync'])
  })

  test('a GET without an upgrade still reaches the http step at /', async () => {
    served = await serveProject({
      'steps/todo.stream.ts': todoStream,
      'steps/home.step.ts': `export const config = { triggers: [{ type: 'http', method: 'GET', path: '/' }] }\nexport const handler = async () => ({ status: 200, body: { home: true } })`,
    })
    expect((await call(served.url, 'GET', '/')).body).toEqual({ home: true })
    const socket = await open()
    socket.join('todo', 'g')
    await socket.next((f) => f.event.type === 'sync')
  })
})
