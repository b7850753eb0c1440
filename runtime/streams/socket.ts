/**
 * The WebSocket endpoint: upgrades (after `authenticateStream`), joins and leaves, the sync on
 * join and the fan-out of changes. Each change is serialized once and sent once per connection,
 * whatever number of its subscriptions it matches (Motia's client routes it to the item's and the
 * group's listeners itself).
 *
 * Order: a join first joins its room, then reads the snapshot; changes for the connection that
 * arrive while a snapshot is read wait in a queue sent right after the sync, so nothing made
 * during the read is lost (a change already in the snapshot is applied again, which is harmless).
 *
 * Slow clients: what Bun buffers for a connection is bounded by `maxBufferedBytes`; past it the
 * connection is closed with code 1013 and a reason, and cut if it still has not taken the close.
 */
import type { Server, ServerWebSocket, WebSocketHandler } from 'bun'
import type { Logger } from '../observability/logger.ts'
import { errorMessage } from '../errors.ts'
import type { StreamChange, StreamHub } from './hub.ts'
import { withId } from './hub.ts'
import { errorFrame, parseClientFrame, roomOf, syncFrame, type ClientFrame } from './protocol.ts'
import type { StreamHookContext, StreamSubscription } from './types.ts'

/** What `authenticateStream` sees of the upgrade request. */
export interface StreamAuthRequest {
  headers: Record<string, string>
  url: string
  query: Record<string, string>
  /** The subprotocols the client offered (`Sec-WebSocket-Protocol`); tokens often travel there. */
  protocols: string[]
  raw: Request
}

export type AuthenticateStream = (request: StreamAuthRequest, ctx: StreamHookContext) => unknown

/** A context for a stream hook, as one span of a trace; `end` closes the span. */
export type HookContextFactory = (name: string) => { ctx: StreamHookContext; end(error?: unknown): void }

export interface StreamSocketsOptions {
  hub: StreamHub
  logger: Logger
  authenticate?: AuthenticateStream
  hookContext: HookContextFactory
  maxBufferedBytes: number
}

export interface Connection {
  auth: unknown
  /** Subscriptions by id; a room is joined as many times as subscriptions name it. */
  subs: Map<string, StreamSubscription>
  rooms: Map<string, number>
  syncing: number
  queued: string[]
  queuedBytes: number
  dropped: boolean
}

export interface StreamSockets {
  /** Answers the upgrade request: undefined once upgraded, else the refusal. */
  upgrade(request: Request, server: Server<Connection>): Response | undefined | Promise<Response | undefined>
  websocket: WebSocketHandler<Connection>
  /** Open connections. */
  size(): number
  /** Stops listening to the hub and closes every connection. */
  close(): void
}

export function createStreamSockets(options: StreamSocketsOptions): StreamSockets {
  const { hub, logger } = options
  const rooms = new Map<string, Set<ServerWebSocket<Connection>>>()
  const open = new Set<ServerWebSocket<Connection>>()

  const deliver = (ws: ServerWebSocket<Connection>, text: string) => {
    const conn = ws.data
    if (conn.dropped) return
    if (conn.syncing > 0) {
      conn.queued.push(text)
      conn.queuedBytes += text.length
      if (conn.queuedBytes > options.maxBufferedBytes) drop(ws, `slow consumer: more than ${options.maxBufferedBytes} bytes waiting`)
      return
    }
    ws.send(text)
    if (ws.getBufferedAmount() > options.maxBufferedBytes) drop(ws, `slow consumer: more than ${options.maxBufferedBytes} bytes buffered`)
  }

  const drop = (ws: ServerWebSocket<Connection>, reason: string) => {
    ws.data.dropped = true
    ws.data.queued = []
    logger.warn(`[motia] stream client closed: ${reason}`, { remote: ws.remoteAddress })
    ws.close(1013, reason)
    // A client that reads nothing never takes the close frame either.
    setTimeout(() => ws.readyState !== 3 && ws.terminate(), 1000).unref()
  }

  const unsubscribe = hub.onChange((change: StreamChange) => {
    const group = rooms.get(roomOf(change.streamName, change.groupId))
    const item = change.id === undefined ? undefined : rooms.get(roomOf(change.streamName, change.groupId, change.id))
    if (!group && !item) return
    const text = JSON.stringify({ streamName: change.streamName, groupId: change.groupId, id: change.id, timestamp: change.timestamp, event: change.event })
    if (group) for (const ws of group) deliver(ws, text)
    if (item) for (const ws of item) if (!group?.has(ws)) deliver(ws, text)
  })

  const enter = (ws: ServerWebSocket<Connection>, room: string) => {
    ws.data.rooms.set(room, (ws.data.rooms.get(room) ?? 0) + 1)
    let set = rooms.get(room)
    if (!set) rooms.set(room, (set = new Set()))
    set.add(ws)
  }
  const exit = (ws: ServerWebSocket<Connection>, room: string) => {
    const count = (ws.data.rooms.get(room) ?? 0) - 1
    if (count > 0) return void ws.data.rooms.set(room, count)
    ws.data.rooms.delete(room)
    const set = rooms.get(room)
    set?.delete(ws)
    if (set?.size === 0) rooms.delete(room)
  }

  const runHook = async <T>(streamName: string, hook: string, call: (ctx: StreamHookContext) => T | Promise<T>): Promise<T> => {
    const { ctx, end } = options.hookContext(`${hook} ${streamName}`)
    try {
      const result = await call(ctx)
      end()
      return result
    } catch (error) {
      end(error)
      throw error
    }
  }

  /** Why this subscription is refused, or undefined when it is admitted. */
  const refusal = async (conn: Connection, sub: StreamSubscription): Promise<string | undefined> => {
    const { config } = hub.definition(sub.streamName)
    if (config.canAccess && !(await config.canAccess(sub, conn.auth))) return `canAccess of stream "${sub.streamName}" refused this subscription`
    if (config.onJoin) {
      const answer = await runHook(sub.streamName, 'onJoin', (ctx) => config.onJoin!(sub, ctx, conn.auth))
      if (answer && typeof answer === 'object' && answer.unauthorized) return answer.reason ?? `onJoin of stream "${sub.streamName}" refused this subscription`
    }
    return undefined
  }

  const join = async (ws: ServerWebSocket<Connection>, frame: ClientFrame) => {
    const sub = frame.data
    const conn = ws.data
    // A join without a subscription id is keyed by its address, so repeating it changes nothing.
    const subscriptionId = sub.subscriptionId || roomOf(sub.streamName, sub.groupId, sub.id)
    if (conn.subs.has(subscriptionId)) return
    if (!hub.has(sub.streamName)) return void ws.send(errorFrame('unknown_stream', `no stream named "${sub.streamName}"; known streams: ${hub.names().join(', ') || 'none'}`, sub))
    let refused: string | undefined
    try {
      refused = await refusal(conn, sub)
    } catch (error) {
      logger.error(`[motia] stream "${sub.streamName}": access check failed: ${errorMessage(error)}`, { error: error as Error })
      refused = 'the access check failed'
    }
    if (refused) return void ws.send(errorFrame('unauthorized', refused, sub))
    if (ws.readyState !== 1) return
    const address: StreamSubscription = { streamName: sub.streamName, groupId: sub.groupId, ...(sub.id === undefined ? {} : { id: sub.id }) }
    conn.subs.set(subscriptionId, address)
    enter(ws, roomOf(sub.streamName, sub.groupId, sub.id))
    conn.syncing++
    try {
      const timestamp = hub.tick()
      const data =
        sub.id === undefined
          ? (await hub.store.list(sub.streamName, sub.groupId)).map((item) => withId(item.data, item.id))
          : withId(await hub.store.get(sub.streamName, sub.groupId, sub.id), sub.id)
      if (!conn.dropped) ws.send(syncFrame(sub, timestamp, data))
    } catch (error) {
      ws.send(errorFrame('sync_failed', `could not read the stream: ${errorMessage(error)}`, sub))
    } finally {
      conn.syncing--
      if (conn.syncing === 0 && conn.queued.length) {
        const queued = conn.queued
        conn.queued = []
        conn.queuedBytes = 0
        for (const text of queued) deliver(ws, text)
      }
    }
  }

  const leave = (ws: ServerWebSocket<Connection>, subscriptionId: string) => {
    const sub = ws.data.subs.get(subscriptionId)
    if (!sub) return
    ws.data.subs.delete(subscriptionId)
    exit(ws, roomOf(sub.streamName, sub.groupId, sub.id))
    const onLeave = hub.has(sub.streamName) ? hub.definition(sub.streamName).config.onLeave : undefined
    if (onLeave) {
      runHook(sub.streamName, 'onLeave', (ctx) => onLeave(sub, ctx, ws.data.auth)).catch((error) =>
        logger.error(`[motia] stream "${sub.streamName}": onLeave failed: ${errorMessage(error)}`, { error: error as Error }),
      )
    }
  }

  const websocket: WebSocketHandler<Connection> = {
    // Bun's own limit is far above ours; ours closes with a reason first.
    backpressureLimit: Math.max(options.maxBufferedBytes * 4, 1 << 20),
    open(ws) {
      open.add(ws)
    },
    message(ws, message) {
      const frame = parseClientFrame(message as string | Buffer)
      if (typeof frame === 'string') return void ws.send(errorFrame('bad_frame', frame))
      if (frame.type === 'leave') {
        // Motia's client leaves by subscription id; a frame without one leaves every matching subscription.
        const ids = frame.data.subscriptionId ? [frame.data.subscriptionId] : matching(ws.data, frame.data)
        for (const id of ids) leave(ws, id)
        return
      }
      join(ws, frame).catch((error) => logger.error(`[motia] stream join failed: ${errorMessage(error)}`, { error: error as Error }))
    },
    close(ws) {
      open.delete(ws)
      for (const id of [...ws.data.subs.keys()]) leave(ws, id)
    },
  }

  return {
    upgrade(request, server) {
      if (!options.authenticate) return accept(request, server, undefined)
      return authenticated(request, server)
    },
    websocket,
    size: () => open.size,
    close() {
      unsubscribe()
      for (const ws of open) ws.close(1001, 'server shutting down')
    },
  }

  async function authenticated(request: Request, server: Server<Connection>): Promise<Response | undefined> {
    let auth: unknown
    try {
      auth = await runHook('*', 'authenticateStream', (ctx) => options.authenticate!(authRequest(request), ctx))
    } catch (error) {
      return unauthorized(errorMessage(error))
    }
    if (auth === false) return unauthorized('authenticateStream refused the connection')
    return accept(request, server, auth ?? undefined)
  }
}

// --- internal ---

function accept(request: Request, server: Server<Connection>, auth: unknown): Response | undefined {
  const offered = request.headers.get('sec-websocket-protocol')
  // A browser drops a connection whose server picks none of the subprotocols it offered.
  const headers = offered ? { 'Sec-WebSocket-Protocol': offered.split(',')[0]!.trim() } : undefined
  const data: Connection = { auth, subs: new Map(), rooms: new Map(), syncing: 0, queued: [], queuedBytes: 0, dropped: false }
  if (server.upgrade(request, { data, headers })) return undefined
  return new Response(JSON.stringify({ error: 'Expected a WebSocket upgrade' }), { status: 400, headers: { 'content-type': 'application/json' } })
}

function unauthorized(message: string): Response {
  return new Response(JSON.stringify({ error: 'Unauthorized', message }), { status: 401, headers: { 'content-type': 'application/json' } })
}

function authRequest(request: Request): StreamAuthRequest {
  const url = new URL(request.url)
  const protocols = (request.headers.get('sec-websocket-protocol') ?? '').split(',').map((p) => p.trim()).filter(Boolean)
  const headers: Record<string, string> = {}
  request.headers.forEach((value, key) => (headers[key] = value))
  return { headers, url: request.url, query: Object.fromEntries(url.searchParams), protocols, raw: request }
}

function matching(conn: Connection, sub: StreamSubscription): string[] {
  return [...conn.subs].filter(([, s]) => s.streamName === sub.streamName && s.groupId === sub.groupId && s.id === sub.id).map(([id]) => id)
}
