/**
 * Keeping span events small: the trace store holds what a step logged long after the request, so
 * a step that logs its 1 MB input must not leave 1 MB per request behind. Long strings are cut,
 * and every event is given an estimated size so the store can stay within a byte budget.
 *
 * Cutting is only done for strings that are too long, so a short event costs one length check.
 */
import type { SpanEvent } from '../adapters/traces/types.ts'

/** What an event costs besides its strings: the object, its fields and its slot in the span. */
export const EVENT_BYTES = 96

/**
 * `text` cut to `max` characters, with a note of how much was cut. The result is a fresh copy: a
 * plain `slice` in Bun may keep the whole original string alive behind the short one.
 *
 * @example
 * clipText('x'.repeat(10_000), 4096) // 'xxxx…xxxx… [truncated 5904 chars]'
 */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text
  // Never split a surrogate pair.
  const end = max > 0 && isHighSurrogate(text.charCodeAt(max - 1)) ? max - 1 : max
  return fresh(`${text.slice(0, end)}… [truncated ${text.length - end} chars]`)
}

/** `event` with every string of it at most `max` characters long; `event` itself when it already is. */
export function clipEvent(event: SpanEvent, max: number): SpanEvent {
  switch (event.type) {
    case 'log': {
      if (typeof event.msg === 'string' && event.msg.length <= max && event.fields === undefined) return event
      const clipped: SpanEvent = { ...event, msg: clipText(typeof event.msg === 'string' ? event.msg : String(event.msg), max) }
      if (event.fields !== undefined) clipped.fields = boundedCopy(event.fields, max) as Record<string, unknown>
      return clipped
    }
    case 'state':
      if (isShort(event.group, max) && (event.key === undefined || isShort(event.key, max))) return event
      return { ...event, group: clipText(String(event.group), max), ...(event.key !== undefined && { key: clipText(String(event.key), max) }) }
    case 'enqueue':
      return isShort(event.topic, max) ? event : { ...event, topic: clipText(String(event.topic), max) }
    case 'input':
    case 'output':
      // Always copied: the store must not hold on to (or see later changes of) the run's own objects.
      return { ...event, value: boundedCopy(event.value, max) }
    default:
      return event
  }
}

/**
 * The estimated bytes an event holds, counting two bytes per character (the most a string takes).
 * Meant for events that went through `clipEvent`.
 */
export function eventBytes(event: SpanEvent): number {
  switch (event.type) {
    case 'log':
      return EVENT_BYTES + 2 * event.msg.length + (event.fields === undefined ? 0 : 2 * (JSON.stringify(event.fields)?.length ?? 0))
    case 'state':
      return EVENT_BYTES + 2 * (event.group.length + (typeof event.key === 'string' ? event.key.length : 0))
    case 'enqueue':
      return EVENT_BYTES + 2 * event.topic.length
    case 'input':
    case 'output':
      return EVENT_BYTES + 2 * (JSON.stringify(event.value)?.length ?? 0)
    default:
      return EVENT_BYTES
  }
}

/**
 * A JSON-like copy of `value` whose JSON is about `budget` characters at most: long strings are
 * cut (each to a quarter of the budget at most, so the fields after it still show), and objects
 * and arrays stop (with a `…` entry saying how many were left out) once the budget is spent.
 * Walks no more of `value` than it copies.
 */
export function boundedCopy(value: unknown, budget: number): unknown {
  // One long string keeps at most a quarter of the budget, so the fields after it still show.
  const state = { left: budget, perString: Math.max(256, Math.floor(budget / 4)) }
  return copyBounded(value, state, 0)
}

// --- internal ---

const MAX_DEPTH = 8

function copyBounded(value: unknown, state: { left: number; perString: number }, depth: number): unknown {
  // What each value costs is about what it adds to the copy's JSON, so the budget bounds that too.
  if (value === null || typeof value === 'boolean') {
    state.left -= 5
    return value
  }
  if (typeof value === 'number') {
    state.left -= String(value).length
    return value
  }
  if (typeof value === 'string') {
    const kept = clipText(value, Math.max(0, Math.min(state.left, state.perString)))
    state.left -= kept.length + 2
    return kept
  }
  if (typeof value === 'bigint') return value.toString()
  if (typeof value !== 'object') return undefined
  if (value instanceof Date) return value.toISOString()
  if (depth >= MAX_DEPTH) return '[nested too deep]'
  // What JSON would write for it (a logged `req` masks its credentials there), not its inner fields.
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    let json: unknown
    try {
      json = (value as { toJSON(): unknown }).toJSON()
    } catch {
      return '[toJSON failed]'
    }
    return json === value ? copyObject(value, state, depth) : copyBounded(json, state, depth + 1)
  }
  return copyObject(value, state, depth)
}

function copyObject(value: object, state: { left: number; perString: number }, depth: number): unknown {
  state.left -= 2
  if (Array.isArray(value)) {
    const out: unknown[] = []
    for (let i = 0; i < value.length; i++) {
      if (state.left <= 0) {
        out.push(`… [${value.length - i} more items]`)
        break
      }
      state.left -= 1
      out.push(copyBounded(value[i], state, depth + 1))
    }
    return out
  }
  const out: Record<string, unknown> = {}
  let skipped = 0
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue
    if (state.left <= 0) {
      skipped++
      // Counting the rest is bounded by the object the caller built; copying it is what we avoid.
      continue
    }
    state.left -= key.length + 3
    Object.defineProperty(out, clipText(key, 256), { value: copyBounded((value as Record<string, unknown>)[key], state, depth + 1), enumerable: true, writable: true, configurable: true })
  }
  if (skipped > 0) out['…'] = `${skipped} more fields`
  return out
}

function isShort(text: unknown, max: number): boolean {
  return typeof text === 'string' && text.length <= max
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff
}

/** A copy of `text` in its own buffer (a JSON round trip always allocates new strings). */
function fresh(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string
}
