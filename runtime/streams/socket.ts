/**
 * The WebSocket endpoint: upgrades (after `authenticateStream`), joins and leaves, the sync on
 * join and the fan-out of changes. Each change is serialized once and handed to Bun's pub/sub
 * (`server.publish`, one topic per room), which writes it to every subscriber without a JavaScript
 * call per socket. A connection is subscribed to a group's topic, or to an item's topic only when
 * it has not joined the item's group, so it gets each change once (Motia's client routes it to the
 * item's and the group's listeners itself).
 *
 * Order: a join's room is "pending" while its snapshot is read; changes for it are queued and sent
 * right after the sync, then the connection subscribes to the topic, so nothing made during the
 * read is lost (a change already in the snapshot is applied again, which is harmless).
 *
 * Slow clients: a sweep closes, with code 1013 and a reason, any connection with more than
 * `maxBufferedBytes` waiting (and cuts it if it does not take the close); Bun's own
 * `backpressureLimit` (16 times higher, at least 16 MiB) is the hard bound between sweeps.
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
  /** Bun topics it is subscribed to (see header). */
  topics: Set<string>
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
  /** Rooms whose snapshot a connection is reading: their changes are queued for it. */
  const pending = new Map<string, Set<ServerWebSocket<Connection>>>()
  const open = new Set<ServerWebSocket<Connection>>()
  let server: Server<Connection> | undefined
  let sweeper: ReturnType<typeof setInterval> | undefined

  const queue = (ws: ServerWebSocket<Connection>, text: string) => {
    const conn = ws.data
    if (conn.dropped) return
    conn.queued.push(text)
    conn.queuedBytes += text.length
    if (conn.queuedBytes > options.maxBufferedBytes) drop(ws, `slow consumer: more than ${options.maxBufferedBytes} bytes waiting`)
  }

  const sweep = () => {
    for (const ws of open) {
      if (!ws.data.dropped && ws.getBufferedAmount() > options.maxBufferedBytes) drop(ws, `slow consumer: more than ${options.maxBufferedBytes} bytes buffered`)
    }
  }

  const drop = (ws: ServerWebSocket<Connection>, reason: string) => {
    ws.data.dropped = true
    ws.data.queued = []
    logger.warn(`[motia] stream client closed: ${reason}`, { remote: ws.remoteAddress })
    ws.close(1013, reason)
    // A client that reads nothing never takes the close frame either.
    setTimeout(() => ws.readyState !== 3 && ws.terminate(), 1000).unref()
  }

  const unsubscribe = hub.onBroadcast((change: StreamChange) => {
    if (!server) return
    const group = roomOf(change.streamName, change.groupId)
    const item = change.id === undefined ? undefined : roomOf(change.streamName, change.groupId, change.id)
    const groupWaiting = pending.get(group)
    const itemWaiting = item === undefined ? undefined : pending.get(item)
    const toGroup = server.subscriberCount(group) > 0
    const toItem = item !== undefined && server.subscriberCount(item) > 0
    if (!toGroup && !toItem && !groupWaiting && !itemWaiting) return
    // Serialized once for every topic and every queue.
    const text = JSON.stringify({ streamName: change.streamName, groupId: change.groupId, id: change.id, timestamp: change.timestamp, event: change.event })
    if (toGroup) server.publish(group, text)
    if (toItem) server.publish(item!, text)
    if (!groupWaiting && !itemWaiting) return
    const waiting = new Set([...(groupWaiting ?? []), ...(itemWaiting ?? [])])
    for (const ws of waiting) if (!ws.isSubscribed(group) && !(item && ws.isSubscribed(item))) queue(ws, text)
  })

  const enter = (ws: ServerWebSocket<Connection>, room: string) => {
    ws.data.rooms.set(room, (ws.data.rooms.get(room) ?? 0) + 1)
    retopic(ws)
  }
  const exit = (ws: ServerWebSocket<Connection>, room: string) => {
    const count = (ws.data.rooms.get(room) ?? 0) - 1
    if (count > 0) ws.data.rooms.set(room, count)
    else ws.data.rooms.delete(room)
    retopic(ws)
  }
  /** Subscribes to each joined group's topic, and to an item's only when its group is not joined. */
  const retopic = (ws: ServerWebSocket<Connection>) => {
    const conn = ws.data
    const wanted = new Set<string>()
    for (const room of conn.rooms.keys()) {
      const parts = room.split('\u0000')
      if (parts.length === 3 && conn.rooms.has(roomOf(parts[0]!, parts[1]!))) continue
      wanted.add(room)
    }
    if (ws.readyState === 1) {
      for (const topic of conn.topics) if (!wanted.has(topic)) ws.unsubscribe(topic)
      for (const topic of wanted) if (!conn.topics.has(topic)) ws.subscribe(topic)
    }
    conn.topics = wanted
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
    const room = roomOf(sub.streamName, sub.groupId, sub.id)
    conn.subs.set(subscriptionId, address)
    let waiting = pending.get(room)
    if (!waiting) pending.set(room, (waiting = new Set()))
    waiting.add(ws)
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
      // Queued changes, then the topic: both now, so no change falls between them.
      if (conn.syncing === 0 && conn.queued.length) {
        const queued = conn.queued
        conn.queued = []
        conn.queuedBytes = 0
        if (!conn.dropped) for (const text of queued) ws.send(text)
      }
      waiting.delete(ws)
      if (waiting.size === 0) pending.delete(room)
      if (conn.subs.get(subscriptionId) === address) enter(ws, room)
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
    // The hard bound between sweeps; the sweep closes with a reason first.
    backpressureLimit: Math.max(options.maxBufferedBytes * 16, 16 << 20),
    closeOnBackpressureLimit: true,
    open(ws) {
      open.add(ws)
      sweeper ??= setInterval(sweep, 250)
      sweeper.unref?.()
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
      for (const room of pending.values()) room.delete(ws)
      for (const id of [...ws.data.subs.keys()]) leave(ws, id)
      if (open.size === 0 && sweeper) sweeper = void clearInterval(sweeper)
    },
  }

  return {
    upgrade(request, bun) {
      server = bun
      if (!options.authenticate) return accept(request, bun, undefined)
      return authenticated(request, bun)
    },
    websocket,
    size: () => open.size,
    close() {
      unsubscribe()
      if (sweeper) sweeper = void clearInterval(sweeper)
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
  const data: Connection = { auth, subs: new Map(), rooms: new Map(), topics: new Set(), syncing: 0, queued: [], queuedBytes: 0, dropped: false }
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
