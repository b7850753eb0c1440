/**
 * The WebSocket endpoint: the upgrade (upgrade.ts: origin, then `authenticateStream`), joins and
 * leaves, the sync on join, and the per-connection bounds. The pieces: connection.ts (a
 * connection's subscriptions and topics), access.ts (`canAccess`, `onJoin`, `onLeave`), fanout.ts
 * (changes to sockets, slow consumers).
 *
 * What one connection can cost: a frame is at most 1 MiB (Bun closes a bigger one with 1009);
 * frames and snapshot reads share a budget per turn of the event loop (turns.ts), so a burst of
 * frames never holds the server — what waits is bounded by `maxBufferedBytes` (past it the
 * connection is closed with 1008); a join costs O(1) until its turn; at most `maxSubscriptions`
 * subscriptions (and 1 MiB of names) are held, a join beyond is answered `too_many_subscriptions`;
 * joins start at `joinsPerSecond` (a burst of as many), the rest wait, in order. A connection that
 * keeps sending frames the server refuses (`MAX_STRIKES`) is closed with 1008.
 */
import type { Server, ServerWebSocket, WebSocketHandler } from 'bun'
import type { Logger } from '../observability/logger.ts'
import { errorMessage } from '../errors.ts'
import { createAccess } from './access.ts'
import { roomOf } from './address.ts'
import { beginSync, endSync, exit, holds, track, untrack, type Connection, type Subscription } from './connection.ts'
import { createFanout } from './fanout.ts'
import { withId, type StreamHub } from './hub.ts'
import type { StreamLimits } from './limits.ts'
import { errorFrame, parseClientFrame, syncFrame, type ClientFrame } from './protocol.ts'
import { createTurns } from './turns.ts'
import { createUpgrade, type AuthenticateStream, type HookContextFactory, type Upgrade } from './upgrade.ts'

export type { AuthenticateStream, HookContextFactory, StreamAuthRequest } from './upgrade.ts'
export type { Connection } from './connection.ts'

export interface StreamSocketsOptions {
  hub: StreamHub
  logger: Logger
  authenticate?: AuthenticateStream
  hookContext: HookContextFactory
  limits: StreamLimits
}

export interface StreamSockets {
  /** Answers the upgrade request: undefined once upgraded, else the refusal. */
  upgrade: Upgrade
  websocket: WebSocketHandler<Connection>
  /** Open connections. */
  size(): number
  /** Stops listening to the hub and closes every connection. */
  close(): void
}

/** Refused frames a connection may send before it is closed. */
export const MAX_STRIKES = 100
/** Characters of names (rooms and subscription ids) one connection may hold. */
export const MAX_SUBSCRIPTION_CHARS = 1 << 20
const MAX_FRAME_BYTES = 1 << 20
/** Frames and snapshot reads handled per turn of the event loop, all connections together. */
const WORK_PER_TURN = 64

export function createStreamSockets(options: StreamSocketsOptions): StreamSockets {
  const { hub, logger, limits } = options
  const fanout = createFanout({ hub, logger, maxBufferedBytes: limits.maxBufferedBytes })
  const access = createAccess(hub, logger, options.hookContext)
  const upgrade = createUpgrade({ logger, authenticate: options.authenticate, allowedOrigins: limits.allowedOrigins, runHook: access.runHook })
  const turns = createTurns(WORK_PER_TURN)

  const close = (ws: ServerWebSocket<Connection>, code: number, reason: string) => {
    const conn = ws.data
    conn.done = true
    conn.inbox = []
    conn.inboxHead = 0
    ws.close(code, reason)
  }

  /** A frame refused without work: answered, and counted against the connection. */
  const strike = (ws: ServerWebSocket<Connection>, frame: string) => {
    if (++ws.data.strikes <= MAX_STRIKES) return void ws.send(frame)
    close(ws, 1008, `more than ${MAX_STRIKES} refused frames`)
  }

  /** Takes a frame now when the turn allows and nothing of this connection waits; else queues it. */
  const receive = (ws: ServerWebSocket<Connection>, message: string | Buffer) => {
    const conn = ws.data
    if (conn.done) return
    if (conn.inboxHead === conn.inbox.length && turns.take()) return handle(ws, message)
    conn.inbox.push(message)
    conn.inboxBytes += message.length
    if (conn.inboxBytes > limits.maxBufferedBytes) return close(ws, 1008, `sending faster than the server reads: more than ${limits.maxBufferedBytes} bytes of frames waiting`)
    if (conn.inbox.length - conn.inboxHead === 1) turns.later(() => drain(ws))
  }

  /** Handles a connection's waiting frames while the turn allows (one unit was taken for it). */
  const drain = (ws: ServerWebSocket<Connection>) => {
    const conn = ws.data
    do {
      if (conn.done) return
      const message = conn.inbox[conn.inboxHead]!
      conn.inbox[conn.inboxHead++] = ''
      conn.inboxBytes -= message.length
      handle(ws, message)
    } while (conn.inboxHead < conn.inbox.length && turns.take())
    if (conn.inboxHead < conn.inbox.length) return turns.later(() => drain(ws))
    conn.inbox = []
    conn.inboxHead = 0
  }

  const handle = (ws: ServerWebSocket<Connection>, message: string | Buffer) => {
    const frame = parseClientFrame(message)
    if (typeof frame === 'string') return strike(ws, errorFrame('bad_frame', frame))
    if (frame.type === 'join') return join(ws, frame)
    // Motia's client leaves by subscription id; a frame without one leaves every subscription of that address.
    const { subscriptionId, streamName, groupId, id } = frame.data
    const subs = subscriptionId ? [ws.data.subs.get(subscriptionId)] : [...(ws.data.byRoom.get(roomOf(streamName, groupId, id)) ?? [])]
    for (const sub of subs) if (sub) leave(ws, sub)
  }

  const join = (ws: ServerWebSocket<Connection>, frame: ClientFrame) => {
    const conn = ws.data
    const { streamName, groupId, id: itemId } = frame.data
    const address = Object.freeze({ streamName, groupId, ...(itemId === undefined ? {} : { id: itemId }) })
    const room = roomOf(streamName, groupId, itemId)
    // A join without a subscription id is keyed by its address, so repeating it changes nothing.
    const id = frame.data.subscriptionId || room
    if (conn.subs.has(id)) return
    const named = { ...address, subscriptionId: id }
    if (!hub.has(streamName)) return strike(ws, errorFrame('unknown_stream', `no stream named "${streamName}"; known streams: ${hub.names().join(', ') || 'none'}`, named))
    const size = room.length + id.length
    if (conn.subs.size >= limits.maxSubscriptions || conn.size + size > MAX_SUBSCRIPTION_CHARS) {
      const held = conn.subs.size >= limits.maxSubscriptions ? `${limits.maxSubscriptions} subscriptions (streams.maxSubscriptions)` : `more than ${MAX_SUBSCRIPTION_CHARS} characters of names`
      return strike(ws, errorFrame('too_many_subscriptions', `this connection holds ${held}; leave some before joining more`, named))
    }
    const sub: Subscription = { id, address, room, group: roomOf(streamName, groupId), state: 'waiting', admitted: false, size }
    track(conn, sub)
    conn.waiting.set(id, sub)
    pump(ws)
  }

  /** Starts the waiting joins the join rate allows; comes back when the next may start. */
  const pump = (ws: ServerWebSocket<Connection>) => {
    const conn = ws.data
    if (conn.timer || conn.done) return
    const now = performance.now()
    conn.tokens = Math.min(limits.joinsPerSecond, conn.tokens + ((now - conn.refilledAt) * limits.joinsPerSecond) / 1000)
    conn.refilledAt = now
    for (const sub of conn.waiting.values()) {
      if (conn.tokens < 1) {
        const wait = Math.ceil(((1 - conn.tokens) * 1000) / limits.joinsPerSecond)
        conn.timer = setTimeout(() => ((conn.timer = undefined), pump(ws)), wait)
        return
      }
      conn.tokens--
      conn.waiting.delete(sub.id)
      void admit(ws, sub)
    }
  }

  const admit = async (ws: ServerWebSocket<Connection>, sub: Subscription) => {
    const conn = ws.data
    sub.state = 'checking'
    const refused = await access.refusal(sub.address, conn.auth)
    if (refused) {
      if (holds(conn, sub)) ws.send(errorFrame('unauthorized', refused, { ...sub.address, subscriptionId: sub.id }))
      return untrack(conn, sub)
    }
    sub.admitted = true
    // Left (or closed) while its onJoin ran: its onLeave is owed now.
    if (!holds(conn, sub)) return access.left(sub.address, conn.auth)
    sub.state = 'syncing'
    conn.chain = conn.chain.then(() => sync(ws, sub))
  }

  /** Sends the snapshot, then the changes made while it was read, then subscribes (see fanout.ts). */
  const sync = async (ws: ServerWebSocket<Connection>, sub: Subscription) => {
    await turns.turn()
    const conn = ws.data
    if (!holds(conn, sub)) return
    const { streamName, groupId, id } = sub.address
    const held = beginSync(ws, sub)
    fanout.hold(held, ws)
    try {
      const timestamp = hub.tick()
      const data =
        id === undefined
          ? (await hub.store.list(streamName, groupId)).map((item) => withId(item.data, item.id))
          : withId(await hub.store.get(streamName, groupId, id), id)
      if (holds(conn, sub)) ws.send(syncFrame(sub.address, timestamp, data))
    } catch (error) {
      if (holds(conn, sub)) ws.send(errorFrame('sync_failed', `could not read the stream: ${errorMessage(error)}`, { ...sub.address, subscriptionId: sub.id }))
    } finally {
      // Queued changes, then the topic: both now, so no change falls between them.
      const kept = holds(conn, sub)
      fanout.release(held, ws, kept)
      endSync(ws, sub, kept)
    }
  }

  const leave = (ws: ServerWebSocket<Connection>, sub: Subscription) => {
    const conn = ws.data
    untrack(conn, sub)
    if (sub.state === 'joined') exit(ws, sub)
    // A join still being checked owes its onLeave once onJoin answers (see admit).
    if (sub.admitted) access.left(sub.address, conn.auth)
  }

  const websocket: WebSocketHandler<Connection> = {
    // The hard bound between sweeps; the sweep closes with a reason first.
    backpressureLimit: Math.max(limits.maxBufferedBytes * 16, 16 << 20),
    closeOnBackpressureLimit: true,
    maxPayloadLength: MAX_FRAME_BYTES,
    open: (ws) => fanout.opened(ws),
    message: (ws, message) => receive(ws, message as string | Buffer),
    close(ws) {
      const conn = ws.data
      conn.done = true
      conn.inbox = []
      if (conn.timer) clearTimeout(conn.timer)
      fanout.closed(ws)
      for (const sub of conn.subs.values()) if (sub.admitted) access.left(sub.address, conn.auth)
      conn.subs.clear()
      conn.waiting.clear()
    },
  }

  return {
    upgrade(request, server: Server<Connection>) {
      fanout.attach(server)
      return upgrade(request, server)
    },
    websocket,
    size: fanout.size,
    close: fanout.close,
  }
}
