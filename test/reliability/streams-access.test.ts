/**
 * Stream authentication and access over a real port: `authenticateStream` refusing before the
 * upgrade, `canAccess` and `onJoin` refusing a subscription with the reason sent to the client,
 * hooks with a step-like context, and a slow consumer dropped with a reason.
 */
import { afterEach, describe, expect, test } from 'bun:test'
import { connect } from 'node:net'
import { waitFor } from '../../runtime/testing/wait.ts'
import { call, openSocket, serveProject, todoStream, todoSteps, type ServedProject, type TestSocket } from '../helpers/streams.ts'

let served: ServedProject | undefined
const sockets: TestSocket[] = []
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close()
  await served?.stop()
  served = undefined
})

const authConfig = `export default {
  authenticateStream: async (request, ctx) => {
    const token = request.query.authToken ?? request.headers.authorization?.replace('Bearer ', '') ?? request.protocols.find((p) => p.startsWith('token.'))?.slice(6)
    if (!token) return null
    if (token === 'bad') throw new Error('invalid token')
    ctx.logger.info('authenticated', { token })
    return { user: token }
  },
}
`

const guardedStream = `import { z } from 'zod'
export const config = {
  name: 'room',
  schema: z.object({ text: z.string() }),
  canAccess: (sub, auth) => auth?.user !== 'mallory',
  onJoin: async (sub, ctx, auth) => {
    if (sub.groupId === 'closed') return { unauthorized: true, reason: 'room closed' }
    if (sub.groupId === 'secret' && auth?.user !== 'ann') return { unauthorized: true }
    await ctx.state.update('presence', sub.groupId, [{ type: 'increment', path: 'n' }])
    ctx.logger.info('joined', { who: auth?.user ?? 'anonymous' })
  },
  onLeave: async (sub, ctx) => { await ctx.state.update('presence', sub.groupId, [{ type: 'increment', path: 'n', by: -1 }]) },
}
`

describe('stream authentication and access', () => {
  test('authenticateStream refuses with 401 before the upgrade; a token by query, header or subprotocol is accepted', async () => {
    served = await serveProject({ 'motia.config.ts': authConfig, 'steps/room.stream.ts': guardedStream })
    const refused = await fetch(`${served.url}/?authToken=bad`, { headers: { upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13' } })
    expect(refused.status).toBe(401)
    expect(await refused.json()).toEqual({ error: 'Unauthorized', message: 'invalid token' })
    await expect(openSocket(`${served.wsUrl}/?authToken=bad`)).rejects.toThrow()

    for (const socket of [
      await openSocket(`${served.wsUrl}/?authToken=ann`),
      await openSocket(served.wsUrl, { headers: { authorization: 'Bearer ann' } }),
      await openSocket(served.wsUrl, { protocols: ['token.ann'] }),
    ]) {
      sockets.push(socket)
      socket.join('room', 'secret')
      expect((await socket.next((f) => f.event.type === 'sync')).event.data).toEqual([])
    }
    expect(sockets[2]!.ws.protocol).toBe('token.ann')
  })

  test('canAccess and onJoin refusals reach the client with their reason; nothing is delivered to a refused subscription', async () => {
    served = await serveProject({ 'motia.config.ts': authConfig, 'steps/room.stream.ts': guardedStream })
    const mallory = await openSocket(`${served.wsUrl}/?authToken=mallory`)
    const anonymous = await openSocket(served.wsUrl)
    sockets.push(mallory, anonymous)
    mallory.join('room', 'lobby')
    expect((await mallory.next((f) => f.event.type === 'error')).event.data).toEqual({ code: 'unauthorized', message: 'canAccess of stream "room" refused this subscription' })
    anonymous.join('room', 'closed')
    expect((await anonymous.next((f) => f.event.type === 'error')).event.data.message).toBe('room closed')
    anonymous.join('room', 'secret')
    expect((await anonymous.next((f) => f.event.type === 'error', 2)).event.data.message).toBe('onJoin of stream "room" refused this subscription')
    anonymous.join('room', 'lobby')
    await anonymous.next((f) => f.event.type === 'sync')
    expect(mallory.frames.some((f) => f.event.type === 'sync')).toBe(false)
  })

  test('onJoin and onLeave get a context with state and logger: a presence counter', async () => {
    served = await serveProject({ 'motia.config.ts': authConfig, 'steps/room.stream.ts': guardedStream })
    const a = await openSocket(`${served.wsUrl}/?authToken=ann`)
    const b = await openSocket(served.wsUrl)
    sockets.push(a)
    a.join('room', 'lobby')
    b.join('room', 'lobby')
    await a.next((f) => f.event.type === 'sync')
    await b.next((f) => f.event.type === 'sync')
    expect(await served.runtime.state.get('presence', 'lobby')).toEqual({ n: 2 })
    b.close()
    await waitFor(async () => ((await served!.runtime.state.get('presence', 'lobby')) as { n: number }).n === 1)
    expect(served.logs.some((l) => l.msg === 'joined' && l.who === 'ann' && typeof l.traceId === 'string')).toBe(true)
  })

  test('a client that reads nothing is closed once its buffered bytes pass the limit, with a reason', async () => {
    served = await serveProject({ 'motia.config.ts': 'export default { streams: { maxBufferedBytes: 65536 } }', 'steps/todo.stream.ts': todoStream, ...todoSteps })
    const port = Number(new URL(served.url).port)
    const raw = connect(port, '127.0.0.1')
    raw.on('error', () => {})
    const dropped = () => served!.logs.some((l) => String(l.msg).includes('slow consumer: more than 65536 bytes'))
    let handshake = ''
    await new Promise<void>((resolve) => {
      raw.on('data', (chunk) => {
        handshake += chunk.toString('latin1')
        if (handshake.includes('\r\n\r\n')) {
          raw.removeAllListeners('data')
          raw.pause()
          resolve()
        }
      })
      raw.write('GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n')
    })
    expect(handshake).toStartWith('HTTP/1.1 101')
    raw.write(maskedText(JSON.stringify({ type: 'join', data: { streamName: 'todo', groupId: 'big', subscriptionId: 'x' } })))
    const text = 'x'.repeat(200_000)
    const healthy = await openSocket(served.wsUrl)
    sockets.push(healthy)
    healthy.join('todo', 'big')
    await healthy.next((f) => f.event.type === 'sync')
    expect(served.runtime.streaming.sockets.size()).toBe(2)
    for (let i = 0; i < 150; i++) await call(served.url, 'POST', `/todo/big/i${i % 5}`, { text: text + i })
    // The paused client cannot see the close (it reads nothing); the server has let it go.
    await waitFor(() => dropped() && served!.runtime.streaming.sockets.size() === 1, 45_000)
    // The healthy client got every change.
    await healthy.next((f) => f.event.type === 'create' || f.event.type === 'update', 150)
    raw.destroy()
  }, 60_000)
})

function maskedText(text: string): Buffer {
  const payload = Buffer.from(text)
  const mask = Buffer.from([1, 2, 3, 4])
  const header = payload.length < 126 ? Buffer.from([0x81, 0x80 | payload.length]) : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 255])
  return Buffer.concat([header, mask, Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!))])
}
