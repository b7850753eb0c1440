/**
 * Streams across instances: one private redis-server, two `motia start` processes (A and B) of one
 * project folder. Items written through either instance are stored in Redis (a join on the other
 * sees them in its sync); every change reaches clients connected to any instance, in order per
 * item, none lost or doubled, also when both instances update one item at once (the update is
 * atomic across instances); a stream trigger runs once per change, on the instance that wrote it.
 */
import { afterAll, describe, expect, test } from 'bun:test'
import { beforeAllTests } from '../helpers/prerequisites.ts'
import { Stream } from '../../runtime/streams/client.ts'
import { waitFor } from '../../runtime/testing/wait.ts'
import { createRedisState } from '../../runtime/adapters/redis/state.ts'
import type { StateAdapter } from '../../runtime/adapters/state/types.ts'
import { startCli, type CliProcess } from '../helpers/cli.ts'
import { freePort, makeProject, type TempProject } from '../helpers/project.ts'
import { startRedisServer, type TestRedis } from '../helpers/redis-server.ts'
import { openSocket, todoStream, todoSteps, type Frame, type TestSocket } from '../helpers/streams.ts'

const UPDATES = 200

const files = {
  'package.json': JSON.stringify({ name: 'redis-streams-test', type: 'module' }),
  'steps/todo.stream.ts': todoStream,
  ...todoSteps,
  // Like todo-update, and says which instance made the change.
  'steps/todo-bump.step.ts': `export const config = { triggers: [{ type: 'http', method: 'POST', path: '/bump/:group/:id' }] }
export const handler = async (req, { streams }) => {
  const written = await streams.todo.update(req.params.group, req.params.id, [{ type: 'increment', path: 'n' }])
  return { status: 200, body: { n: written.new_value.n, port: process.env.PORT } }
}`,
  // Counts every change it is run for, and notes the instance that ran it.
  'steps/stream/todo/seen.step.ts': `export const config = { triggers: [{ type: 'stream', streamName: 'todo' }] }
export const handler = async (input, { state }) => {
  const key = input.event.type + ':' + input.groupId + '/' + input.id + ':' + (input.event.data?.n ?? '-')
  await state.update('fired', key, [{ type: 'increment' }])
  await state.set('fired-on', key, process.env.PORT)
}`,
}

let redis: TestRedis
let project: TempProject
let state: StateAdapter
let a: CliProcess
let b: CliProcess
const sockets: TestSocket[] = []
const clients: Stream[] = []

beforeAllTests(async () => {
  redis = await startRedisServer()
  project = makeProject(files)
  state = await createRedisState({ url: redis.url, prefix: 'motia:redis-streams-test:', commandTimeoutMs: 2000 })
  const [portA, portB] = [freePort(), freePort()]
  const started = await Promise.all([portA, portB].map((port) => startCli(['start', '--port', String(port)], project.root, { REDIS_URL: redis.url, PORT: String(port) })))
  a = started[0]!
  b = started[1]!
}, 60_000)

afterAll(async () => {
  for (const socket of sockets) socket.close()
  for (const client of clients) client.close()
  await Promise.all([a?.stop(), b?.stop()])
  await state?.close()
  await redis?.cleanup()
  project?.cleanup()
})

describe('streams on Redis, two instances', () => {
  test('writes through A reach clients on B (sync from Redis, then every change in order per item); writes through B reach A; triggers fire once per change', async () => {
    // Written before anyone listens: only Redis holds them.
    await post(a, '/todo/g/pre1', { text: 'one' })
    await post(b, '/todo/g/pre2', { text: 'two' })

    const group = await socketOn(b)
    group.join('todo', 'g', undefined, 'group')
    const item = await socketOn(b)
    item.join('todo', 'g', 'hot', 'item')
    const groupSync = await group.next((f) => f.event.type === 'sync')
    expect(groupSync.event.data).toEqual([
      { text: 'one', done: false, id: 'pre1' },
      { text: 'two', done: false, id: 'pre2' },
    ])
    expect((await item.next((f) => f.event.type === 'sync')).event.data).toBeNull()

    const client = new Stream(`ws://127.0.0.1:${a.port}/`, { reconnect: false })
    clients.push(client)
    const onA = client.subscribeGroup('todo', 'g')
    await waitFor(() => onA.getState().length === 2, 10_000)

    // One item: created on A, then UPDATES increments through A and B at once (8 in flight), an event, a delete.
    await post(a, '/todo/g/hot', { text: 'hot', n: 0 })
    const writers = new Map<number, string>()
    let sent = 0
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (sent < UPDATES) {
          const via = sent++ % 2 === 0 ? a : b
          const body = (await post(via, '/bump/g/hot')) as { n: number; port: string }
          writers.set(body.n, body.port)
        }
      }),
    )
    expect([...writers.keys()].sort((x, y) => x - y)).toEqual(range(1, UPDATES))
    await post(a, '/event/g', { id: 'hot', type: 'ping', data: { after: UPDATES } })
    await call(a, 'DELETE', '/todo/g/hot')
    // And a write through B, for the client on A.
    await post(b, '/todo/g/from-b', { text: 'b' })

    const last = (f: Frame) => f.id === 'from-b'
    await group.next(last)
    await item.next((f) => f.event.type === 'delete')
    await waitFor(() => onA.getState().some((entry) => entry.id === 'from-b'), 10_000)

    const expected = ['create:0', ...range(1, UPDATES).map((n) => `update:${n}`), 'event:ping', 'delete:200']
    for (const socket of [group, item]) {
      const seen = socket.frames.filter((f) => f.id === 'hot' && f.event.type !== 'sync').map(describeFrame)
      expect(seen).toEqual(expected)
      const stamps = socket.frames.map((f) => f.timestamp)
      expect(stamps).toEqual([...stamps].sort((x, y) => x - y))
      expect(new Set(stamps).size).toBe(stamps.length)
    }
    expect(group.frames.filter((f) => f.id === 'from-b').map(describeFrame)).toEqual(['create:-'])
    expect(onA.getState().map((entry) => entry.id)).toEqual(['pre1', 'pre2', 'from-b'])

    // One trigger run per change in total, on the instance that made it.
    const changes = ['create:g/pre1:-', 'create:g/pre2:-', 'create:g/hot:0', ...range(1, UPDATES).map((n) => `update:g/hot:${n}`), 'delete:g/hot:200', 'create:g/from-b:-']
    await waitFor(async () => (await state.list('fired')).length >= changes.length, 15_000)
    await Bun.sleep(300)
    const fired = await state.list<number>('fired')
    expect(fired.map((entry) => entry.key).sort()).toEqual([...changes].sort())
    expect(fired.filter((entry) => entry.value !== 1)).toEqual([])
    const firedOn = new Map((await state.list<string>('fired-on')).map((entry) => [entry.key, entry.value]))
    const wrongInstance = range(1, UPDATES).filter((n) => firedOn.get(`update:g/hot:${n}`) !== writers.get(n))
    expect(wrongInstance).toEqual([])
    const byA = [...writers.values()].filter((port) => port === String(a.port)).length
    console.log(
      `[redis-streams] item "hot": ${UPDATES + 3} changes, seen in order by 2 sockets on B (${UPDATES - byA} updates written on B, ${byA} on A), 0 lost, 0 duplicates; ${fired.length} trigger runs for ${changes.length} changes`,
    )
  }, 60_000)
})

// --- internal ---

async function socketOn(instance: CliProcess): Promise<TestSocket> {
  const socket = await openSocket(`ws://127.0.0.1:${instance.port}/__motia/streams`)
  sockets.push(socket)
  return socket
}

function describeFrame(frame: Frame): string {
  if (frame.event.type === 'event') return `event:${frame.event.event?.type}`
  return `${frame.event.type}:${frame.event.data?.n ?? '-'}`
}

async function call(instance: CliProcess, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await instance.fetch(path, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
  const text = await res.text()
  if (res.status >= 300) throw new Error(`${method} ${path} on :${instance.port} answered ${res.status}: ${text}`)
  return text ? JSON.parse(text) : undefined
}

function post(instance: CliProcess, path: string, body?: unknown): Promise<unknown> {
  return call(instance, 'POST', path, body)
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i)
}
