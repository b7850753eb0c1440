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
 * item's topic only while it has not joined the item's group, so it gets each change once (Motia's
 * client routes it to the item's and the group's listeners itself). While a snapshot is read the
 * connection is on none of the topics that carry that room's changes — for an item of a joined
 * group, that is the group's — so they are queued by the fan-out and sent after the snapshot, never
 * before it (fanout.ts); the snapshots of one connection are read one at a time.
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
  /** Frames not handled yet (the turn's budget was spent, turns.ts), from `inboxHead` on, and their size. */
  inbox: Array<string | Buffer>
  inboxHead: number
  inboxBytes: number
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
    inbox: [],
    inboxHead: 0,
    inboxBytes: 0,
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

/**
 * Before `sub`'s snapshot is read: off every topic that would carry its room's changes, so they
 * are queued instead (fanout.ts). Answers the room to queue: the group's when the group's topic is
 * one of them (a group join, or an item join on a joined group), else the item's.
 */
export function beginSync(ws: ServerWebSocket<Connection>, sub: Subscription): string {
  const conn = ws.data
  const groupJoined = conn.joined.has(sub.group)
  if (sub.room !== sub.group && !groupJoined) {
    topic(ws, sub.room, false)
    return (conn.syncing = sub.room)
  }
  topic(ws, sub.group, false)
  if (sub.room === sub.group && !groupJoined) for (const item of conn.itemsOf.get(sub.group) ?? []) topic(ws, item, false)
  return (conn.syncing = sub.group)
}

/** After it: into the room when `enterRoom` (the subscription is still held), and back on the topics the rule wants. */
export function endSync(ws: ServerWebSocket<Connection>, sub: Subscription, enterRoom: boolean): void {
  const conn = ws.data
  conn.syncing = undefined
  if (enterRoom) count(conn, sub, 1)
  if (conn.joined.has(sub.group)) return topic(ws, sub.group, true)
  if (sub.room !== sub.group) return topic(ws, sub.room, conn.joined.has(sub.room))
  for (const item of conn.itemsOf.get(sub.group) ?? []) topic(ws, item, true)
}

/** A joined subscription ends: off its topic when it was the room's last, onto its items' when a group. */
export function exit(ws: ServerWebSocket<Connection>, sub: Subscription): void {
  const conn = ws.data
  if (count(conn, sub, -1) > 0) return
  topic(ws, sub.room, false)
  if (sub.room === sub.group) for (const item of conn.itemsOf.get(sub.group) ?? []) topic(ws, item, true)
}

// --- internal ---

/** Counts a joined subscription in or out of its room (and its group's items); answers the room's count. */
function count(conn: Connection, sub: Subscription, by: 1 | -1): number {
  const now = (conn.joined.get(sub.room) ?? 0) + by
  if (now > 0) conn.joined.set(sub.room, now)
  else conn.joined.delete(sub.room)
  if (by === 1) sub.state = 'joined'
  if (sub.room === sub.group || (by === 1 ? now !== 1 : now !== 0)) return now
  let items = conn.itemsOf.get(sub.group)
  if (by === 1) {
    if (!items) conn.itemsOf.set(sub.group, (items = new Set()))
    items.add(sub.room)
  } else {
    items?.delete(sub.room)
    if (items?.size === 0) conn.itemsOf.delete(sub.group)
  }
  return now
}

function topic(ws: ServerWebSocket<Connection>, room: string, on: boolean): void {
  // A closing socket refuses topic changes; its topics go with it.
  if (ws.readyState !== 1) return
  if (on) ws.subscribe(room)
  else ws.unsubscribe(room)
}
