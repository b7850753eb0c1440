/**
 * A connection's joins, from frame to joined: the checks that cost nothing (a repeated join, an
 * unknown stream, the caps), the join rate (joins wait their turn, in order), the access check
 * (access.ts), then the snapshot — read one at a time per connection, each with a unit of the
 * turn's budget (turns.ts) — and the room (connection.ts). And leaves, at any of those points.
 */
import type { ServerWebSocket } from 'bun'
import { errorMessage } from '../errors.ts'
import type { Access } from './access.ts'
import { roomOf } from './address.ts'
import { beginSync, endSync, exit, holds, track, untrack, type Connection, type Subscription } from './connection.ts'
import type { Fanout } from './fanout.ts'
import { withId, type StreamHub } from './hub.ts'
import type { StreamLimits } from './limits.ts'
import { errorFrame, syncFrame, type ClientFrame } from './protocol.ts'
import type { Turns } from './turns.ts'

/** Characters of names (rooms and subscription ids) one connection may hold. */
export const MAX_SUBSCRIPTION_CHARS = 1 << 20

export interface JoinsOptions {
  hub: StreamHub
  limits: StreamLimits
  access: Access
  fanout: Fanout
  turns: Turns
  /** Answers a frame refused without work, and counts it against the connection. */
  strike(ws: ServerWebSocket<Connection>, frame: string): void
}

export interface Joins {
  join(ws: ServerWebSocket<Connection>, frame: ClientFrame): void
  leave(ws: ServerWebSocket<Connection>, sub: Subscription): void
}

// One closure of ~90 lines, on purpose: join, admit, sync and leave are the steps of one
// subscription's life and share the limits, the access check and the turn budget.
export function createJoins(options: JoinsOptions): Joins {
  const { hub, limits, access, fanout, turns, strike } = options

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
    if (itemId !== undefined) fanout.itemJoined(streamName)
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

  return { join, leave }
}
