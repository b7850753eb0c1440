/**
 * Motia's stream wire protocol (see docs/streams.md). Client → server frames are checked here;
 * server → client frames are built here, so their shape lives in one place.
 */
import { addressProblem } from './address.ts'
import type { StreamSubscription } from './types.ts'

/** A client's `join` or `leave`. */
export interface ClientFrame {
  type: 'join' | 'leave'
  data: StreamSubscription & { subscriptionId: string }
}

/** Parses one client frame; answers the frame or a one-line description of what is wrong. */
export function parseClientFrame(text: string | Buffer): ClientFrame | string {
  if (typeof text !== 'string') return 'frames are JSON text, not binary'
  let frame: unknown
  try {
    frame = JSON.parse(text)
  } catch {
    return 'a frame must be JSON: {"type":"join","data":{"streamName","groupId","id"?,"subscriptionId"}}'
  }
  const { type, data } = (frame ?? {}) as { type?: unknown; data?: Record<string, unknown> }
  if (type !== 'join' && type !== 'leave') return `unknown frame type ${JSON.stringify(type)}: send "join" or "leave"`
  if (typeof data !== 'object' || data === null) return `a ${type} frame needs data: { streamName, groupId, id?, subscriptionId }`
  // Motia's clients send `id: null` for a group; anything else the address checks refuse.
  const id = data.id === null ? undefined : data.id
  const problem = addressProblem({ 'data.streamName': data.streamName, 'data.groupId': data.groupId, 'data.id': id }, ['data.id'])
  if (problem) return `${type}: ${problem}`
  if (data.subscriptionId !== undefined && typeof data.subscriptionId !== 'string') return `${type}: data.subscriptionId must be a string`
  const sub = { streamName: data.streamName as string, groupId: data.groupId as string, subscriptionId: (data.subscriptionId as string | undefined) ?? '' }
  return { type, data: id === undefined ? sub : { ...sub, id: id as string } }
}

/** The snapshot a join is answered with. */
export function syncFrame(sub: StreamSubscription, timestamp: number, data: unknown): string {
  return JSON.stringify({ streamName: sub.streamName, groupId: sub.groupId, ...(sub.id === undefined ? {} : { id: sub.id }), timestamp, event: { type: 'sync', data } })
}

/**
 * An error frame. With a subscription it carries its address (and `subscriptionId`), so a client
 * can tell which join was refused; Motia's clients ignore event types they do not know.
 */
export function errorFrame(code: string, message: string, sub?: StreamSubscription & { subscriptionId?: string }): string {
  const address = sub ? { streamName: sub.streamName, groupId: sub.groupId, ...(sub.id === undefined ? {} : { id: sub.id }), subscriptionId: sub.subscriptionId } : {}
  return JSON.stringify({ ...address, timestamp: Date.now(), event: { type: 'error', data: { code, message } } })
}
