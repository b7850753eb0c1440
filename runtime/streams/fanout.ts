/**
 * The fan-out of changes to connections. Each change is serialized once and handed to Bun's
 * pub/sub (`server.publish`, one topic per room), which writes it to every subscriber without a
 * JavaScript call per socket.
 *
 * Order: while a connection reads a room's snapshot it is on none of the topics that would carry
 * that room's changes (connection.ts); the changes are queued for it here and sent right after the
 * snapshot, then it subscribes — nothing made during the read is lost (a change already in the
 * snapshot is applied again, which is harmless).
 *
 * Slow clients: a sweep closes, with code 1013 and a reason, any connection with more than
 * `maxBufferedBytes` waiting (and cuts it if it does not take the close); Bun's own
 * `backpressureLimit` (16 times higher, at least 16 MiB) is the hard bound between sweeps.
 */
import type { Server, ServerWebSocket } from 'bun'
import type { Logger } from '../observability/logger.ts'
import { roomOf } from './address.ts'
import type { Connection } from './connection.ts'
import type { StreamChange, StreamHub } from './hub.ts'

export interface Fanout {
  /** The server to publish on (known at the first upgrade). */
  attach(server: Server<Connection>): void
  /** A connection joins an item of `streamName`: from now on its changes go to item topics too. */
  itemJoined(streamName: string): void
  /** Queues `room`'s changes for `ws` until `release`. */
  hold(room: string, ws: ServerWebSocket<Connection>): void
  /** Stops queuing; sends what was queued when `flush`, else drops it. */
  release(room: string, ws: ServerWebSocket<Connection>, flush: boolean): void
  /** Closes a connection with 1013 and `reason` (a slow consumer). */
  drop(ws: ServerWebSocket<Connection>, reason: string): void
  opened(ws: ServerWebSocket<Connection>): void
  closed(ws: ServerWebSocket<Connection>): void
  size(): number
  close(): void
}

// One closure of ~85 lines, on purpose: the pending batches, the open sockets and the slow-client
// sweeper share one server handle and one byte budget.
export function createFanout(options: { hub: StreamHub; logger: Logger; maxBufferedBytes: number }): Fanout {
  const { logger, maxBufferedBytes } = options
  /** Rooms whose snapshot a connection is reading: their changes are queued for it. */
  const pending = new Map<string, Set<ServerWebSocket<Connection>>>()
  const open = new Set<ServerWebSocket<Connection>>()
  /**
   * Streams an item of which has ever been joined. Only an item join puts a connection on an item's
   * topic (or queues an item room's changes), so the changes of other streams skip building their
   * item's room and asking Bun about it: a group-only stream pays for one topic per change, not two.
   */
  const itemStreams = new Set<string>()
  let server: Server<Connection> | undefined
  let sweeper: ReturnType<typeof setInterval> | undefined

  const queue = (ws: ServerWebSocket<Connection>, text: string) => {
    const conn = ws.data
    if (conn.done) return
    conn.queued.push(text)
    conn.queuedBytes += text.length
    if (conn.queuedBytes > maxBufferedBytes) drop(ws, `slow consumer: more than ${maxBufferedBytes} bytes waiting`)
  }

  /** Queues `text` for the connections reading a snapshot that are on neither topic. */
  const queueAll = (waiting: Set<ServerWebSocket<Connection>>, group: string, item: string | undefined, text: string) => {
    for (const ws of waiting) if (!ws.isSubscribed(group) && !(item && ws.isSubscribed(item))) queue(ws, text)
  }

  const drop = (ws: ServerWebSocket<Connection>, reason: string) => {
    if (ws.data.done) return
    ws.data.done = true
    ws.data.queued = []
    logger.warn(`[motia] stream client closed: ${reason}`, { remote: ws.remoteAddress })
    ws.close(1013, reason)
    // A client that reads nothing never takes the close frame either.
    setTimeout(() => ws.readyState !== 3 && ws.terminate(), 1000).unref()
  }

  const sweep = () => {
    for (const ws of open) if (!ws.data.done && ws.getBufferedAmount() > maxBufferedBytes) drop(ws, `slow consumer: more than ${maxBufferedBytes} bytes buffered`)
  }

  const unsubscribe = options.hub.onBroadcast((change: StreamChange) => {
    if (!server) return
    const group = roomOf(change.streamName, change.groupId)
    const item = change.id !== undefined && itemStreams.has(change.streamName) ? roomOf(change.streamName, change.groupId, change.id) : undefined
    const groupWaiting = pending.get(group)
    const itemWaiting = item === undefined ? undefined : pending.get(item)
    const toGroup = server.subscriberCount(group) > 0
    const toItem = item !== undefined && server.subscriberCount(item) > 0
    if (!toGroup && !toItem && !groupWaiting && !itemWaiting) return
    // Serialized once for every topic and every queue; a change is the wire message as it is.
    const text = JSON.stringify(change)
    if (toGroup) server.publish(group, text)
    if (toItem) server.publish(item!, text)
    // A connection reads one snapshot at a time, so it is in at most one of the two sets.
    if (groupWaiting) queueAll(groupWaiting, group, item, text)
    if (itemWaiting) queueAll(itemWaiting, group, item, text)
  })

  return {
    attach: (bun) => void (server = bun),
    itemJoined: (streamName) => void itemStreams.add(streamName),
    hold(room, ws) {
      let waiting = pending.get(room)
      if (!waiting) pending.set(room, (waiting = new Set()))
      waiting.add(ws)
    },
    release(room, ws, flush) {
      const waiting = pending.get(room)
      waiting?.delete(ws)
      if (waiting?.size === 0) pending.delete(room)
      const conn = ws.data
      const queued = conn.queued
      conn.queued = []
      conn.queuedBytes = 0
      if (flush && !conn.done) for (const text of queued) ws.send(text)
    },
    drop,
    opened(ws) {
      open.add(ws)
      sweeper ??= setInterval(sweep, 250)
      sweeper.unref?.()
    },
    closed(ws) {
      open.delete(ws)
      if (ws.data.syncing !== undefined) this.release(ws.data.syncing, ws, false)
      if (open.size === 0 && sweeper) sweeper = void clearInterval(sweeper)
    },
    size: () => open.size,
    close() {
      unsubscribe()
      if (sweeper) sweeper = void clearInterval(sweeper)
      for (const ws of open) ws.close(1001, 'server shutting down')
    },
  }
}
