/**
 * Point 1 of the second hardening round: no two distinct addresses share a stored key, a Redis
 * key or a room, whatever characters the ids hold. Every store (memory, SQLite, Redis) for stream
 * items and for state, then `ctx.streams` and the socket rooms over a real port (SQLite), then
 * `motia start` in Redis mode with two instances; and ids no store can keep (lone surrogates)
 * refused the same way by `ctx.streams` (here through an HTTP step) and the wire protocol.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { beforeAllTests } from '../helpers/prerequisites.ts'
import { createMemoryState } from '../../runtime/adapters/state/memory.ts'
import { createSqliteState } from '../../runtime/adapters/state/sqlite.ts'
import type { StateAdapter } from '../../runtime/adapters/state/types.ts'
import { createMemoryStreams } from '../../runtime/adapters/streams/memory.ts'
import { createSqliteStreams } from '../../runtime/adapters/streams/sqlite.ts'
import type { StreamStore } from '../../runtime/adapters/streams/types.ts'
import { createRedisState } from '../../runtime/adapters/redis/state.ts'
import { createRedisStreams } from '../../runtime/adapters/redis/streams.ts'
import { startCli, type CliProcess } from '../helpers/cli.ts'
import { addressProject, hostileGroups, hostileIds, shown, strangers } from '../helpers/hostile-streams.ts'
import { freePort, makeProject, type TempProject } from '../helpers/project.ts'
import { startRedisServer, type TestRedis } from '../helpers/redis-server.ts'
import { call, openSocket, serveProject, type ServedProject, type TestSocket } from '../helpers/streams.ts'
import { tempDatabases } from '../helpers/temp-db.ts'

let redis: TestRedis
let prefixes = 0
const tempDb = tempDatabases('motia-hostile-')
beforeAllTests(async () => void (redis = await startRedisServer()))
afterAll(() => redis?.cleanup())

const streamStores: Array<[string, () => Promise<StreamStore> | StreamStore]> = [
  ['memory', () => createMemoryStreams()],
  ['sqlite', () => createSqliteStreams({ path: tempDb() })],
  ['redis', () => createRedisStreams({ url: redis.url, prefix: `hostile${++prefixes}:` })],
]
const stateStores: Array<[string, () => Promise<StateAdapter> | StateAdapter]> = [
  ['memory', () => createMemoryState()],
  ['sqlite', () => createSqliteState({ path: tempDb() })],
  ['redis', () => createRedisState({ url: redis.url, prefix: `hostile${++prefixes}:` })],
]
// `b` in group `a` and group `a\0b`, `b\0c` in `a` and `c` in `a\0b`: the pairs a NUL-joined room merges.
const itemIds = ['b', 'b\u0000c', 'c', ...hostileIds.slice(0, 6)]
const streamNames = ['s', 's:a', 's\u0000a']

describe.each(streamStores)('stream store (%s): every address is its own', (_, create) => {
  test('items written to every (stream, group, id) read back as their own, list and listGroups exactly', async () => {
    const store = await create()
    try {
      const value = (stream: string, group: string, id: string) => ({ at: [stream, group.slice(0, 40), id.slice(0, 40)] })
      for (const stream of streamNames) for (const group of hostileGroups) for (const id of itemIds) await store.set(stream, group, id, value(stream, group, id))
      for (const stream of streamNames) {
        expect((await store.listGroups(stream)).sort()).toEqual([...hostileGroups].sort())
        for (const group of hostileGroups) {
          const items = await store.list(stream, group)
          expect(items.map((item) => item.id)).toEqual(itemIds)
          expect(items.map((item) => item.data)).toEqual(itemIds.map((id) => value(stream, group, id)))
          for (const id of itemIds) expect(await store.get(stream, group, id)).toEqual(value(stream, group, id))
        }
      }
      // Emptying the group `x` leaves `x:order`, `x:items`… whole, and the reverse.
      for (const id of itemIds) await store.delete('s', 'x', id)
      expect(await store.list('s', 'x')).toEqual([])
      expect((await store.list('s', 'x:order')).length).toBe(itemIds.length)
      expect(await store.listGroups('s')).not.toContain('x')
      for (const id of itemIds) await store.delete('s', 'x:order', id)
      expect((await store.list('s', 'x:items')).length).toBe(itemIds.length)
    } finally {
      await store.close()
    }
  }, 60_000)
})

describe.each(stateStores)('state store (%s): every (group, key) is its own', (_, create) => {
  test('values written to every (group, key) read back as their own; clearing one group clears no other', async () => {
    const state = await create()
    try {
      for (const group of hostileGroups) for (const key of itemIds) await state.set(group, key, { at: [group.slice(0, 40), key.slice(0, 40)] })
      expect((await state.listGroups()).sort()).toEqual([...hostileGroups].sort())
      for (const group of hostileGroups) {
        const entries = await state.list(group)
        expect(entries.map((entry) => entry.key).sort()).toEqual([...itemIds].sort())
        for (const { key, value } of entries) expect(value).toEqual({ at: [group.slice(0, 40), key.slice(0, 40)] })
      }
      await state.clear('x')
      expect(await state.list('x')).toEqual([])
      for (const group of ['x:meta', 'x:order', 'x:items']) expect((await state.list(group)).length).toBe(itemIds.length)
    } finally {
      await state.close()
    }
  }, 60_000)

  test("concurrent updates of (a\\0b, c) and (a, b\\0c) never land on each other's key", async () => {
    const state = await create()
    try {
      await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? state.update('a\u0000b', 'c', [{ type: 'increment', path: 'n' }]) : state.update('a', 'b\u0000c', [{ type: 'increment', path: 'm' }]))))
      expect(await state.get('a\u0000b', 'c')).toEqual({ n: 20 })
      expect(await state.get('a', 'b\u0000c')).toEqual({ m: 20 })
    } finally {
      await state.close()
    }
  })
})

describe('ctx.streams and socket rooms over a real port', () => {
  let served: ServedProject
  const sockets: TestSocket[] = []
  beforeAll(async () => void (served = await serveProject(addressProject)))
  afterAll(async () => {
    for (const socket of sockets) socket.close()
    await served.stop()
  })

  test('a socket joined to a group or an item gets the changes of that address only, for every hostile group and id', async () => {
    await deliveredToOwnAddressOnly(
      async () => {
        const socket = await openSocket(served.wsUrl)
        sockets.push(socket)
        return socket
      },
      (body) => call(served.url, 'POST', '/w', body),
    )
  }, 120_000)

  test('an id that is not well-formed Unicode is refused with the same reason by ctx.streams (an HTTP step) and the wire protocol', async () => {
    for (const [group, id] of [['\ud800', 'a'], ['g', 'a\udc00']]) {
      const written = await call(served.url, 'POST', '/w', { group, id, text: 'x' })
      expect(written.status).toBe(400)
      expect(written.body.code).toBe('STREAM_KEY_INVALID')
      expect(written.body.error).toMatch(/^\[motia\] stream "todo": (groupId|id) holds a lone UTF-16 surrogate, which no store can keep apart from U\+FFFD: use well-formed text/)
    }
    expect((await call(served.url, 'POST', '/w', { op: 'get', group: 'g', id: '\udbff' })).body.code).toBe('STREAM_KEY_INVALID')
    const socket = await openSocket(served.wsUrl)
    sockets.push(socket)
    socket.send('{"type":"join","data":{"streamName":"todo","groupId":"\\ud800","subscriptionId":"s"}}')
    socket.send('{"type":"join","data":{"streamName":"todo","groupId":"g","id":"a\\udc00","subscriptionId":"t"}}')
    const errors = [await socket.next((f) => f.event.type === 'error'), await socket.next((f) => f.event.type === 'error', 2)]
    expect(errors.map((f) => f.event.data.code)).toEqual(['bad_frame', 'bad_frame'])
    expect(errors[0]!.event.data.message).toStartWith('join: data.groupId holds a lone UTF-16 surrogate')
    expect(errors[1]!.event.data.message).toStartWith('join: data.id holds a lone UTF-16 surrogate')
    // Nothing was stored under U+FFFD instead.
    expect(await served.runtime.streaming.hub.store.listGroups('todo')).not.toContain('\ufffd')
  })
})

describe('motia start in Redis mode, two instances', () => {
  let project: TempProject
  const instances: CliProcess[] = []
  const sockets: TestSocket[] = []
  beforeAll(async () => {
    project = makeProject({ ...addressProject, 'package.json': JSON.stringify({ name: 'hostile-addresses', type: 'module' }) })
    for (let i = 0; i < 2; i++) instances.push(await startCli(['start', '--port', String(freePort()), '--host', '127.0.0.1'], project.root, { REDIS_URL: redis.url, MOTIA_TOKEN: 't' }))
  }, 60_000)
  afterAll(async () => {
    for (const socket of sockets) socket.close()
    await Promise.all(instances.map((cli) => cli.stop()))
    project.cleanup()
  })

  test('clients on one instance get the changes made on the other for their own address only', async () => {
    const [reader, writer] = instances as [CliProcess, CliProcess]
    await deliveredToOwnAddressOnly(
      async () => {
        const socket = await openSocket(`ws://127.0.0.1:${reader.port}`)
        sockets.push(socket)
        return socket
      },
      (body) => call(`http://127.0.0.1:${writer.port}`, 'POST', '/w', body),
    )
  }, 120_000)
})

// --- internal ---

/**
 * One socket per group and one per (group, item) for a few items; every item of every group is
 * written; then a last write per socket's own address is a barrier (frames arrive in order per
 * connection): each socket must hold exactly its own address's frames.
 */
async function deliveredToOwnAddressOnly(open: () => Promise<TestSocket>, write: (body: unknown) => Promise<{ status: number; body: any }>) {
  const watched = itemIds.slice(0, 3)
  const subs: Array<{ socket: TestSocket; group: string; id?: string }> = []
  for (const group of hostileGroups) {
    for (const id of [undefined, ...watched]) {
      const socket = await open()
      socket.join('todo', group, id)
      subs.push({ socket, group, id })
    }
  }
  for (const sub of subs) await sub.socket.next((f) => f.event.type === 'sync')
  for (const group of hostileGroups) {
    for (const id of itemIds) {
      const written = await write({ group, id, text: `${group.slice(0, 40)}|${id.slice(0, 40)}` })
      expect(written.status, `write ${shown(group)}/${shown(id)}: ${JSON.stringify(written.body)}`).toBe(200)
    }
  }
  for (const group of hostileGroups) for (const id of watched) await write({ op: 'delete', group, id })
  for (const sub of subs) {
    const expected = sub.id === undefined ? itemIds.length + watched.length : 2
    const frames = await sub.socket.next((f) => f.event.type === 'create' || f.event.type === 'delete', expected).then(() => sub.socket.frames)
    expect(strangers(frames, sub.group, sub.id).map((f) => `${shown(f.groupId!)}/${shown(f.id ?? '')}`), `socket of ${shown(sub.group)}/${shown(sub.id ?? '*')}`).toEqual([])
    const changes = frames.filter((f) => f.event.type !== 'sync')
    expect(changes.length, `socket of ${shown(sub.group)}/${shown(sub.id ?? '*')}`).toBe(expected)
    if (sub.id !== undefined) expect(changes.map((f) => f.event.data.text)).toEqual([`${sub.group.slice(0, 40)}|${sub.id.slice(0, 40)}`, `${sub.group.slice(0, 40)}|${sub.id.slice(0, 40)}`])
  }
  // The barrier: one more change per group; nothing foreign arrived before it on any socket.
  for (const group of hostileGroups) await write({ group, id: watched[0], text: 'barrier' })
  for (const sub of subs.filter((s) => s.id === undefined || s.id === watched[0])) {
    await sub.socket.next((f) => f.event.data?.text === 'barrier')
    expect(strangers(sub.socket.frames, sub.group, sub.id)).toEqual([])
  }
}
