/**
 * The WebSocket endpoint: frames in, and the per-connection bounds; it wires the pieces, one
 * concept each: upgrade.ts (origin, then `authenticateStream`), joins.ts (join to joined, leaves),
 * connection.ts (a connection's subscriptions and topics), access.ts (`canAccess`, `onJoin`,
 * `onLeave`), fanout.ts (changes to sockets, slow consumers), turns.ts (work per turn).
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
import { createAccess } from './access.ts'
import { roomOf } from './address.ts'
import type { Connection } from './connection.ts'
import { createFanout } from './fanout.ts'
import type { StreamHub } from './hub.ts'
import { createJoins } from './joins.ts'
import type { StreamLimits } from './limits.ts'
import { errorFrame, parseClientFrame } from './protocol.ts'
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
const MAX_FRAME_BYTES = 1 << 20
/** Frames and snapshot reads handled per turn of the event loop, all connections together. */
const WORK_PER_TURN = 64

// One closure of ~90 lines, on purpose: it only wires the parts (fanout, access, upgrade, turns,
// joins) to Bun's websocket callbacks, which need the same close and strike rules.
export function createStreamSockets(options: StreamSocketsOptions): StreamSockets {
  const { hub, logger, limits } = options
  const fanout = createFanout({ hub, logger, maxBufferedBytes: limits.maxBufferedBytes })
  const access = createAccess(hub, logger, options.hookContext)
  const upgrade = createUpgrade({ logger, authenticate: options.authenticate, allowedOrigins: limits.allowedOrigins, runHook: access.runHook })
  const turns = createTurns(WORK_PER_TURN)
  const { join, leave } = createJoins({ hub, limits, access, fanout, turns, strike: (ws, frame) => strike(ws, frame) })

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
