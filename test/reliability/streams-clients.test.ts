/**
 * Clients against one real server: Motia's published browser client
 * (`@motiadev/stream-client-browser`) and ours (`motia/client`) see the same items, changes and
 * events; ours reconnects and resyncs across a restart of the server process (SQLite store).
 */
import { afterEach, describe, expect, test } from 'bun:test'
import { Stream as MotiaStream } from '@motiadev/stream-client-browser'
import { Stream } from '../../runtime/streams/client.ts'
import { waitFor } from '../../runtime/testing/wait.ts'
import { startCli, type CliProcess } from '../helpers/cli.ts'
import { freePort, makeProject, type TempProject } from '../helpers/project.ts'
import { call, serveProject, todoStream, todoSteps, type ServedProject } from '../helpers/streams.ts'

let served: ServedProject | undefined
const closers: Array<() => unknown> = []
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
  await served?.stop()
  served = undefined
})

const texts = (items: Array<{ text: string }> | null | undefined) => (items ?? []).map((item) => item.text)

describe('stream clients', () => {
  test("Motia's browser client and ours see the same group, item and events", async () => {
    served = await serveProject({ 'steps/todo.stream.ts': todoStream, ...todoSteps })
    await call(served.url, 'POST', '/todo/inbox/a', { text: 'first' })
    const motia = new MotiaStream(served.wsUrl)
    const ours = new Stream(served.wsUrl)
    closers.push(() => motia.close(), () => ours.close())
    const motiaGroup = motia.subscribeGroup<{ id: string; text: string }>('todo', 'inbox')
    const motiaItem = motia.subscribeItem<{ id: string; text: string }>('todo', 'inbox', 'b')
    const ourGroup = ours.subscribeGroup('todo', 'inbox')
    const ourItem = ours.subscribeItem('todo', 'inbox', 'b')
    const motiaEvents: unknown[] = []
    const ourEvents: unknown[] = []
    motiaGroup.onEvent('typing', (data) => motiaEvents.push(data))
    ourGroup.onEvent('typing', (data) => ourEvents.push(data))
    let changes = 0
    ourGroup.addChangeListener(() => changes++)

    await waitFor(() => texts(motiaGroup.getState()).length === 1 && texts(ourGroup.getState() as never).length === 1)
    await call(served.url, 'POST', '/todo/inbox/b', { text: 'second' })
    await call(served.url, 'PATCH', '/todo/inbox/a', [{ type: 'set', path: 'text', value: 'first!' }])
    await call(served.url, 'POST', '/event/inbox', { type: 'typing', data: { who: 'ann' } })
    await call(served.url, 'DELETE', '/todo/inbox/b')
    await call(served.url, 'POST', '/todo/inbox/c', { text: 'third' })
    await waitFor(() => texts(motiaGroup.getState()).join() === 'first!,third' && texts(ourGroup.getState() as never).join() === 'first!,third')
    await waitFor(() => motiaEvents.length === 1 && ourEvents.length === 1)
    expect(motiaEvents).toEqual([{ who: 'ann' }])
    expect(ourEvents).toEqual(motiaEvents)
    expect(ourGroup.getState()).toEqual(motiaGroup.getState() as never)
    // b was created then deleted: both item subscriptions end empty.
    expect(motiaItem.getState()).toBeNull()
    expect(ourItem.getState()).toBeNull()
    // sync, create b, update a, delete b, create c
    expect(changes).toBe(5)
  })

  test('our client reports a refused subscription with its reason, and authenticates by token', async () => {
    served = await serveProject({
      'motia.config.ts': `export default { authenticateStream: (req) => { if (req.query.authToken !== 'ok') throw new Error('bad token'); return { user: 'ann' } } }`,
      'steps/todo.stream.ts': todoStream.replace("name: 'todo',", "name: 'todo', canAccess: (sub) => sub.groupId !== 'private',"),
    })
    const ours = new Stream(served.wsUrl, { token: 'ok', reconnect: false })
    closers.push(() => ours.close())
    const errors: unknown[] = []
    ours.subscribeGroup('todo', 'private').onError((error) => errors.push(error))
    const open = ours.subscribeGroup('todo', 'public')
    let synced = false
    open.addChangeListener(() => (synced = true))
    await waitFor(() => errors.length === 1 && synced)
    expect(errors).toEqual([{ code: 'unauthorized', message: 'canAccess of stream "todo" refused this subscription' }])
  })

  test('our client reconnects after the server process restarts and resyncs: nothing lost, nothing doubled', async () => {
    const project: TempProject = makeProject({ 'steps/todo.stream.ts': todoStream, ...todoSteps })
    const port = freePort()
    let cli: CliProcess = await startCli(['start', '--port', String(port), '--host', '127.0.0.1'], project.root)
    closers.push(async () => {
      await cli.stop()
      project.cleanup()
    })
    const base = `http://127.0.0.1:${port}`
    await call(base, 'POST', '/todo/g/a', { text: 'a' })
    const ours = new Stream(`ws://127.0.0.1:${port}`, { reconnect: { minDelayMs: 50, maxDelayMs: 200 } })
    closers.unshift(() => ours.close())
    let opens = 0
    ours.onOpen(() => opens++)
    const group = ours.subscribeGroup('todo', 'g')
    await waitFor(() => texts(group.getState() as never).join() === 'a')

    await cli.stop()
    await waitFor(() => !ours.connected)
    // While the server is down a second process writes to the same .motia store.
    const writer = await startCli(['start', '--port', String(port), '--host', '127.0.0.1'], project.root)
    await call(base, 'POST', '/todo/g/b', { text: 'b' })
    await call(base, 'DELETE', '/todo/g/a')
    await writer.stop()
    cli = await startCli(['start', '--port', String(port), '--host', '127.0.0.1'], project.root)
    await waitFor(() => texts(group.getState() as never).join() === 'b', 15_000)
    await call(base, 'POST', '/todo/g/c', { text: 'c' })
    await waitFor(() => texts(group.getState() as never).join() === 'b,c')
    expect(group.getState().map((item) => item.id)).toEqual(['b', 'c'])
    expect(opens).toBeGreaterThanOrEqual(2)
  }, 60_000)
})
