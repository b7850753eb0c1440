/**
 * Whether a message's data satisfies a wait's `match`: every field named (a property, or a dotted
 * path into nested objects) holds a value equal to the expected one as JSON. Only own properties
 * are read: a path never reaches a prototype.
 */
import { MotiaError } from '../errors.ts'

/** The largest `match` accepted, as JSON characters: it is stored with the wait and read for every message. */
export const maxMatchChars = 4096

export function matches(match: Record<string, unknown> | undefined, data: unknown): boolean {
  if (!match) return true
  for (const [path, expected] of Object.entries(match)) {
    if (!sameJson(valueAt(data, path), expected)) return false
  }
  return true
}

/** Throws a 400 `MotiaError` when `match` is not a plain object of JSON values within `maxMatchChars`. */
export function checkMatch(match: unknown, where: string): asserts match is Record<string, unknown> | undefined {
  if (match === undefined) return
  const fix = "pass the fields the message must hold, e.g. match: { orderId: order.id }"
  if (match === null || typeof match !== 'object' || Array.isArray(match) || Object.getPrototypeOf(match) !== Object.prototype) {
    throw new MotiaError(`[motia] ${where}: match must be a plain object, got ${Array.isArray(match) ? 'an array' : match === null ? 'null' : typeof match}: ${fix}`, { code: 'INVALID_WAIT', status: 400 })
  }
  let text: string
  try {
    text = JSON.stringify(match)
  } catch (error) {
    throw new MotiaError(`[motia] ${where}: match must be JSON (${(error as Error).message}): ${fix}`, { code: 'INVALID_WAIT', status: 400 })
  }
  if (text.length > maxMatchChars) {
    throw new MotiaError(`[motia] ${where}: match is ${text.length} characters of JSON, more than ${maxMatchChars}: match on an id, not on whole objects`, { code: 'INVALID_WAIT', status: 400 })
  }
}

// --- internal ---

function valueAt(data: unknown, path: string): unknown {
  if (data !== null && typeof data === 'object' && Object.hasOwn(data, path)) return (data as Record<string, unknown>)[path]
  let current = data
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, part)) return undefined
    current = (current as Record<string, unknown>)[part]
  }
  return current
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (a === undefined || b === undefined) return false
  return canonical(a) === canonical(b)
}

/** JSON with object keys sorted, so `{ a, b }` and `{ b, a }` compare equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) : v,
  )
}
