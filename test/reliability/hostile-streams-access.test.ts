/**
 * Point 2 of the second hardening round, against `motia dev` over real sockets: a connection gets
 * exactly what `canAccess` admitted — sync and async `canAccess`, one that throws or rejects, one
 * answering `false` or a Promise of `false`, re-joins, leaves (one sent while the check is still
 * running), reconnects, a `canAccess` that rewrites the subscription it is shown. With it, the
 * guarantees a one-line bug would break (point 13): `authenticateStream` answering `false`, changes
 * written while a join's snapshot is read, the per-item write lock, what `delete` answers.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { waitFor } from '../../runtime/testing/wait.ts'
import { startCli, type CliProcess } from '../helpers/cli.ts'
import { freePort, makeProject, type TempProject } from '../helpers/project.ts'
import { call, openSocket, type Frame, type TestSocket } from '../helpers/streams.ts'

const config = `import { createMemoryStreams } from 'motia/adapters'

const memory = createMemoryStreams()
const wakers = []
/** The snapshot of group "slow" (or of its items) is read, then held until a write to it has gone out. */
const heldUntilWrite = async () => {
  globalThis.snapshots = (globalThis.snapshots ?? 0) + 1
  await new Promise((resolve) => wakers.push(resolve))
  // A turn later: the write's change has been told to subscribers by then.
  await new Promise((resolve) => setTimeout(resolve, 0))
}
const store = {
  ...memory,
  async list(stream, group) {
    const items = await memory.list(stream, group)
    if (group === 'slow') await heldUntilWrite()
    return items
  },
  async get(stream, group, id) {
    const item = await memory.get(stream, group, id)
    if (group === 'slow') await heldUntilWrite()
    return item
  },
  async set(stream, group, id, data) {
    const written = await memory.set(stream, group, id, data)
    if (group === 'slow') for (const wake of wakers.splice(0)) wake()
    return written
  },
}

export default {
  adapters: { streams: store },
  authenticateStream: (request) => {
    const token = request.query.authToken
    if (!token) return null
    if (token === 'no') return false
    if (token === 'bad') throw new Error('bad token')
    return { user: token }
  },
}
`

const stream = (name: string, canAccess: string, extra = '') => `import { z } from 'zod'
export const config = {
  name: '${name}',
  schema: z.object({ text: z.string().optional(), n: z.number().optional() })${name === 'counter' ? '.refine(async () => { await new Promise((resolve) => setImmediate(resolve)); return true })' : ''},
  canAccess: ${canAccess},${extra}
}
`

const files: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'hostile-access', type: 'module' }),
  'motia.config.ts': config,
  'steps/yes.stream.ts': stream('yes', '() => true'),
  'steps/later.stream.ts': stream('later', 'async () => { await new Promise((resolve) => setTimeout(resolve, 1)); return true }'),
  'steps/no.stream.ts': stream('no', '() => false'),
  'steps/latefalse.stream.ts': stream('latefalse', 'async () => { await new Promise((resolve) => setImmediate(resolve)); return false }'),
  'steps/promisefalse.stream.ts': stream('promisefalse', '() => Promise.resolve(false)'),
  'steps/throws.stream.ts': stream('throws', "() => { throw new Error('boom') }"),
  'steps/rejects.stream.ts': stream('rejects', "async () => { throw new Error('boom') }"),
  'steps/mutating.stream.ts': stream('mutating', "(sub) => { const asked = sub.groupId; sub.groupId = 'private'; sub.id = 'x'; return asked === 'public' }"),
  'steps/counter.stream.ts': stream('counter', '() => true'),
  'steps/room.stream.ts': stream(
    'room',
    `async (sub, auth) => {
    if (sub.groupId === 'gated') {
      globalThis.gated = (globalThis.gated ?? 0) + 1
      await new Promise((resolve) => (globalThis.openGate = resolve))
    }
    return auth?.user !== 'mallory' && !globalThis.revoked?.has(sub.groupId)
  }`,
    `
  onJoin: async (sub, ctx) => { await ctx.state.update('presence', sub.groupId, [{ type: 'increment', path: 'n' }]) },
  onLeave: async (sub, ctx) => { await ctx.state.update('presence', sub.groupId, [{ type: 'increment', path: 'n', by: -1 }]) },`,
  ),
  'steps/write.step.ts': `export const config = { name: 'Write', triggers: [{ type: 'http', method: 'POST', path: '/w' }] }
export const handler = async (req, { streams }) => {
  const { stream, op, group, id, text } = req.body
  const handle = streams[stream]
  if (op === 'delete') return { status: 200, body: { item: await handle.delete(group, id) } }
  if (op === 'increment') return { status: 200, body: await handle.update(group, id, [{ type: 'increment', path: 'n' }]) }
  return { status: 200, body: await handle.set(group, id, { text }) }
}`,
  'steps/control.step.ts': `export const config = { name: 'Control', triggers: [{ type: 'http', method: 'POST', path: '/control' }] }
export const handler = async (req, { state }) => {
  const { action, group } = req.body
  if (action === 'revoke') (globalThis.revoked ??= new Set()).add(group)
  if (action === 'open') globalThis.openGate?.()
  return { status: 200, body: { snapshots: globalThis.snapshots ?? 0, gated: globalThis.gated ?? 0, presence: group ? await state.get('presence', group) : null } }
}`,
}

let project: TempProject
let cli: CliProcess
let base: string
let wsBase: string
const sockets: TestSocket[] = []

beforeAll(async () => {
  project = makeProject(files)
  cli = await startCli(['dev', '--port', String(freePort())], project.root)
  base = `http://127.0.0.1:${cli.port}`
  wsBase = `ws://127.0.0.1:${cli.port}`
}, 60_000)

afterAll(async () => {
  for (const socket of sockets) socket.close()
  await cli?.stop()
  project?.cleanup()
})

const open = async (query = '') => {
  const socket = await openSocket(`${wsBase}/${query}`)
  sockets.push(socket)
  return socket
}
const write = (body: Record<string, unknown>) => call(base, 'POST', '/w', { text: 'x', ...body })
const control = (body: Record<string, unknown>) => call(base, 'POST', '/control', body).then((r) => r.body as { snapshots: number; gated: number; presence: { n: number } | null })
const changes = (socket: TestSocket, streamName: string, groupId?: string) =>
  socket.frames.filter((f) => f.streamName === streamName && (groupId === undefined || f.groupId === groupId) && f.event.type !== 'error')

let barriers = 0
/** Creates an item in `yes/<tag>` and waits for it on `socket`, which has joined it: every earlier frame for this connection has arrived. */
async function barrier(socket: TestSocket, tag: string) {
  const id = `b${++barriers}`
  await write({ stream: 'yes', group: tag, id, text: tag })
  await socket.next((f: Frame) => f.streamName === 'yes' && f.groupId === tag && f.id === id && f.event.type === 'create')
}

describe('canAccess, in every shape', () => {
  test('true and async true admit; false, a Promise of false, async false, a throw and a rejection refuse — and a refused address is never delivered', async () => {
    const socket = await open()
    socket.join('yes', 'fence', undefined, 'fence')
    await socket.next((f) => f.streamName === 'yes' && f.event.type === 'sync')
    const refused = ['no', 'latefalse', 'promisefalse', 'throws', 'rejects']
    for (const name of ['yes', 'later', ...refused]) socket.join(name, 'g', undefined, name)
    await waitFor(() => socket.frames.filter((f) => f.subscriptionId !== undefined || f.event.type === 'sync').length >= 8, 10_000)
    const answers = Object.fromEntries(['yes', 'later', ...refused].map((name) => [name, socket.frames.find((f) => f.streamName === name && f.groupId === 'g')?.event]))
    expect(answers.yes).toEqual({ type: 'sync', data: [] })
    expect(answers.later).toEqual({ type: 'sync', data: [] })
    for (const name of ['no', 'latefalse', 'promisefalse']) expect(answers[name]).toEqual({ type: 'error', data: { code: 'unauthorized', message: `canAccess of stream "${name}" refused this subscription` } })
    for (const name of ['throws', 'rejects']) expect(answers[name]).toEqual({ type: 'error', data: { code: 'unauthorized', message: 'the access check failed' } })
    expect(cli.output()).toContain('stream \\"throws\\": access check failed: boom')

    for (const name of ['yes', 'later', ...refused]) await write({ stream: name, group: 'g', id: 'i' })
    await barrier(socket, 'fence')
    for (const name of refused) expect(changes(socket, name)).toEqual([])
    for (const name of ['yes', 'later']) expect(changes(socket, name, 'g').map((f) => f.event.type)).toEqual(['sync', 'create'])
  })

  test('a canAccess that rewrites the subscription it is shown cannot move the connection to another address', async () => {
    const socket = await open()
    socket.join('mutating', 'public', undefined, 'm')
    expect((await socket.next((f) => f.event.type === 'sync')).groupId).toBe('public')
    await write({ stream: 'mutating', group: 'private', id: 'x', text: 'secret' })
    await write({ stream: 'mutating', group: 'public', id: 'y', text: 'open' })
    await socket.next((f) => f.event.type === 'create')
    expect(socket.frames.map((f) => [f.groupId, f.id ?? null, f.event.type])).toEqual([
      ['public', null, 'sync'],
      ['public', 'y', 'create'],
    ])
  })
})

describe('re-joins, leaves and reconnects', () => {
  test('after a leave nothing more arrives; a re-join after the access was revoked is refused and gets nothing', async () => {
    const socket = await open('?authToken=ann')
    socket.join('yes', 'fence2', undefined, 'fence')
    socket.join('room', 'lobby', undefined, 'sub')
    await socket.next((f) => f.event.type === 'sync', 2)
    await write({ stream: 'room', group: 'lobby', id: 'a', text: 'one' })
    await socket.next((f) => f.event.type === 'create' && f.streamName === 'room')
    socket.send({ type: 'leave', data: { streamName: 'room', groupId: 'lobby', subscriptionId: 'sub' } })
    // A leave has no answer; a connection's frames are handled in order, so once a join sent after
    // it is answered, the leave has taken effect (a write racing the leave frame may still arrive).
    socket.join('yes', 'after-leave', undefined, 'after-leave')
    await socket.next((f) => f.streamName === 'yes' && f.groupId === 'after-leave' && f.event.type === 'sync')
    await write({ stream: 'room', group: 'lobby', id: 'a', text: 'two' })
    await barrier(socket, 'fence2')
    await control({ action: 'revoke', group: 'lobby' })
    socket.join('room', 'lobby', undefined, 'sub')
    expect((await socket.next((f) => f.event.type === 'error')).event.data).toEqual({ code: 'unauthorized', message: 'canAccess of stream "room" refused this subscription' })
    await write({ stream: 'room', group: 'lobby', id: 'a', text: 'three' })
    await barrier(socket, 'fence2')
    expect(changes(socket, 'room').map((f) => f.event.type)).toEqual(['sync', 'create'])
  })

  test('a leave sent while canAccess is still deciding wins: nothing is delivered, and onJoin is balanced by onLeave', async () => {
    const socket = await open()
    socket.join('yes', 'fence3', undefined, 'fence')
    await socket.next((f) => f.event.type === 'sync')
    socket.join('room', 'gated', undefined, 'gated')
    await waitFor(async () => (await control({})).gated === 1, 10_000)
    socket.send({ type: 'leave', data: { streamName: 'room', groupId: 'gated', subscriptionId: 'gated' } })
    await barrier(socket, 'fence3')
    await control({ action: 'open' })
    // onJoin counted it, onLeave took it back: the hooks ran, in that order.
    await waitFor(async () => (await control({ group: 'gated' })).presence?.n === 0, 10_000)
    await write({ stream: 'room', group: 'gated', id: 'a' })
    await barrier(socket, 'fence3')
    expect(changes(socket, 'room')).toEqual([])
  })

  test('a reconnecting client is judged again: a token canAccess refuses gets nothing after the reconnect', async () => {
    const ann = await open('?authToken=ann')
    ann.join('room', 'hall')
    await ann.next((f) => f.event.type === 'sync')
    ann.close()
    await ann.closed
    await waitFor(async () => (await control({ group: 'hall' })).presence?.n === 0, 10_000)
    const mallory = await open('?authToken=mallory')
    mallory.join('yes', 'fence4', undefined, 'fence')
    mallory.join('room', 'hall', undefined, 'hall')
    expect((await mallory.next((f) => f.event.type === 'error')).event.data.code).toBe('unauthorized')
    await write({ stream: 'room', group: 'hall', id: 'a' })
    await barrier(mallory, 'fence4')
    expect(changes(mallory, 'room')).toEqual([])
  })
})

describe('authenticateStream', () => {
  test('false and a throw answer 401 before the upgrade; null (no token) is anonymous', async () => {
    const upgrade = (query: string) =>
      fetch(`${base}/${query}`, { headers: { upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13' } })
    const no = await upgrade('?authToken=no')
    expect(no.status).toBe(401)
    expect(await no.json()).toEqual({ error: 'Unauthorized', message: 'authenticateStream refused the connection' })
    const bad = await upgrade('?authToken=bad')
    expect(bad.status).toBe(401)
    expect(await bad.json()).toEqual({ error: 'Unauthorized', message: 'bad token' })
    await expect(openSocket(`${wsBase}/?authToken=no`)).rejects.toThrow()
    const anonymous = await open()
    anonymous.join('room', 'open')
    await anonymous.next((f) => f.event.type === 'sync')
  })
})

describe('order and atomicity of writes', () => {
  test('changes written while a join reads its snapshot reach the client right after it, for a group and for an item', async () => {
    const socket = await open()
    for (const [id, n] of [[undefined, 1], ['a', 2]] as const) {
      const before = (await control({})).snapshots
      socket.join('yes', 'slow', id, `slow-${id ?? 'group'}`)
      await waitFor(async () => (await control({})).snapshots === before + 1, 10_000)
      // The snapshot has been read; this write lands before it is sent.
      await write({ stream: 'yes', group: 'slow', id: 'a', text: `during ${n}` })
      const synced = await socket.next((f) => f.event.type === 'sync', n)
      const after = await socket.next((f) => f.event.type !== 'sync' && f.event.data?.text === `during ${n}`, id === undefined ? 1 : 1)
      expect(socket.frames.indexOf(after)).toBeGreaterThan(socket.frames.indexOf(synced))
    }
  })

  test('concurrent updates of one item, with an async schema between read and write, are applied one at a time: none lost, seen in order', async () => {
    const socket = await open()
    socket.join('counter', 'c', 'n')
    await socket.next((f) => f.event.type === 'sync')
    const results = await Promise.all(Array.from({ length: 60 }, () => write({ stream: 'counter', op: 'increment', group: 'c', id: 'n' })))
    expect(results.map((r) => r.body.new_value.n).sort((a: number, b: number) => a - b)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1))
    await socket.next((f) => f.event.data?.n === 60)
    expect(socket.frames.filter((f) => f.event.type !== 'sync').map((f) => f.event.data.n)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1))
  })

  test('delete answers the item it removed, with its id, and null when there was none', async () => {
    await write({ stream: 'yes', group: 'del', id: 'a', text: 'first' })
    await write({ stream: 'yes', group: 'del', id: 'b', text: 'second' })
    expect((await write({ stream: 'yes', op: 'delete', group: 'del', id: 'a' })).body).toEqual({ item: { text: 'first', id: 'a' } })
    expect((await write({ stream: 'yes', op: 'delete', group: 'del', id: 'a' })).body).toEqual({ item: null })
    expect((await write({ stream: 'yes', op: 'delete', group: 'del', id: 'b' })).body).toEqual({ item: { text: 'second', id: 'b' } })
  })
})
