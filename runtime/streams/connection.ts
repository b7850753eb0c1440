/**
 * One WebSocket connection's subscriptions, and the Bun topics they map to.
 *
 * A subscription goes waiting → checking (canAccess, onJoin) → syncing (the snapshot) → joined;
 * it is on the books from the moment its join arrives, so a leave at any point ends it, and the
 * per-connection caps count it. Every operation here costs O(1), except the first join (or last
 * leave) of a group this connection also holds items of: that moves those item topics (see below),
 * at most `maxSubscriptions` of them.
 *
 * Topics: a connection is subscribed to a group's topic when it has joined the group, and to an
 * item's topic only while it has not joined (and is not syncing) the item's group, so it gets each
 * change once (Motia's client routes it to the item's and the group's listeners itself). While a
 * room's snapshot is read the connection is on neither topic; its changes are queued by the fan-out
 * and sent after the snapshot (fanout.ts).
 */
import type { ServerWebSocket } from 'bun'
import type { StreamSubscription } from './types.ts'

export type SubscriptionState = 'waiting' | 'checking' | 'syncing' | 'joined'

export interface Subscription {
  id: string
  /** A frozen copy: what canAccess saw is what the connection is subscribed to. */
  address: Readonly<StreamSubscription>
  /** `roomOf` the address, and of its group (the same for a group subscription). */
  room: string
  group: string
  state: SubscriptionState
  /** Its onJoin ran and admitted it: onLeave is owed when it ends. */
  admitted: boolean
  /** Characters it holds (room and id), counted against the connection's budget. */
  size: number
}

export interface Connection {
  auth: unknown
  /** Every subscription, whatever its state, by subscription id. */
  subs: Map<string, Subscription>
  /** Subscriptions by room, for a leave that names an address instead of an id. */
  byRoom: Map<string, Set<Subscription>>
  /** Joined subscriptions per room. */
  joined: Map<string, number>
  /** A group room → the item rooms of that group this connection has joined. */
  itemsOf: Map<string, Set<string>>
  /** Characters held by all subscriptions (see `Subscription.size`). */
  size: number
  /** Joins admitted by the cap but not yet started (the join rate), oldest first. */
  waiting: Map<string, Subscription>
  tokens: number
  refilledAt: number
  timer?: ReturnType<typeof setTimeout>
  /** The snapshots of one connection are read one at a time, in join order. */
  chain: Promise<void>
  /** The room whose snapshot is being read, and the changes queued for it meanwhile. */
  syncing?: string
  queued: string[]
  queuedBytes: number
  /** Frames refused without work (bad frames, joins over the cap); too many closes the connection. */
  strikes: number
  /** Closed or being closed: nothing more is sent or started. */
  done: boolean
}

export function createConnection(auth: unknown): Connection {
  return {
    auth,
    subs: new Map(),
    byRoom: new Map(),
    joined: new Map(),
    itemsOf: new Map(),
    size: 0,
    waiting: new Map(),
    tokens: Number.POSITIVE_INFINITY,
    refilledAt: 0,
    chain: Promise.resolve(),
    queued: [],
    queuedBytes: 0,
    strikes: 0,
    done: false,
  }
}

/** Puts a subscription on the connection's books. */
export function track(conn: Connection, sub: Subscription): void {
  conn.subs.set(sub.id, sub)
  let same = conn.byRoom.get(sub.room)
  if (!same) conn.byRoom.set(sub.room, (same = new Set()))
  same.add(sub)
  conn.size += sub.size
}

/** Takes it off the books (its topics are `exit`'s business). */
export function untrack(conn: Connection, sub: Subscription): void {
  if (conn.subs.get(sub.id) !== sub) return
  conn.subs.delete(sub.id)
  conn.waiting.delete(sub.id)
  const same = conn.byRoom.get(sub.room)
  same?.delete(sub)
  if (same?.size === 0) conn.byRoom.delete(sub.room)
  conn.size -= sub.size
}

/** True while `sub` is still on the books (not left, connection open). */
export function holds(conn: Connection, sub: Subscription): boolean {
  return !conn.done && conn.subs.get(sub.id) === sub
}

/** Before a room's snapshot is read: off the topics that would deliver its changes. */
export function beginSync(ws: ServerWebSocket<Connection>, sub: Subscription): void {
  const conn = ws.data
  conn.syncing = sub.room
  if (sub.room === sub.group && !conn.joined.has(sub.group)) for (const item of conn.itemsOf.get(sub.group) ?? []) topic(ws, item, false)
}

/** After it: into the room when the subscription is still held, else back to the topics before. */
export function endSync(ws: ServerWebSocket<Connection>, sub: Subscription, enterRoom: boolean): void {
  const conn = ws.data
  conn.syncing = undefined
  if (enterRoom) return enter(ws, sub)
  if (sub.room === sub.group && !conn.joined.has(sub.group)) for (const item of conn.itemsOf.get(sub.group) ?? []) topic(ws, item, true)
}

export function enter(ws: ServerWebSocket<Connection>, sub: Subscription): void {
  const conn = ws.data
  sub.state = 'joined'
  const count = conn.joined.get(sub.room) ?? 0
  conn.joined.set(sub.room, count + 1)
  if (count > 0) return
  if (sub.room === sub.group) {
    topic(ws, sub.group, true)
    for (const item of conn.itemsOf.get(sub.group) ?? []) topic(ws, item, false)
    return
  }
  let items = conn.itemsOf.get(sub.group)
  if (!items) conn.itemsOf.set(sub.group, (items = new Set()))
  items.add(sub.room)
  if (!conn.joined.has(sub.group)) topic(ws, sub.room, true)
}

export function exit(ws: ServerWebSocket<Connection>, sub: Subscription): void {
  const conn = ws.data
  const count = (conn.joined.get(sub.room) ?? 0) - 1
  if (count > 0) return void conn.joined.set(sub.room, count)
  conn.joined.delete(sub.room)
  topic(ws, sub.room, false)
  if (sub.room === sub.group) {
    for (const item of conn.itemsOf.get(sub.group) ?? []) topic(ws, item, true)
    return
  }
  const items = conn.itemsOf.get(sub.group)
  items?.delete(sub.room)
  if (items?.size === 0) conn.itemsOf.delete(sub.group)
}

// --- internal ---

function topic(ws: ServerWebSocket<Connection>, room: string, on: boolean): void {
  // A closing socket refuses topic changes; its topics go with it.
  if (ws.readyState !== 1) return
  if (on) ws.subscribe(room)
  else ws.unsubscribe(room)
}
