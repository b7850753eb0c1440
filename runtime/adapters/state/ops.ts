/**
 * The pure part of `update`: applying ops to a JSON value. Every adapter runs these inside its own
 * atomic section (a lock, a transaction, a Lua script's equivalent), so they must not do I/O.
 *
 * Paths often carry user input (`'votes.' + req.query.option`), so two rules hold for every op:
 * - a path only ever reaches a value's own keys: the segments `__proto__`, `constructor` and
 *   `prototype` are refused, so no update can write into `Object.prototype` or a class;
 * - an update allocates no more than it writes: an array index may address an existing element or
 *   append one (`index <= length`), so `"items.100000000"` cannot build a 100-million-slot array.
 * Values (`set`, `merge`) are copied as plain data: an own `__proto__` key, as `JSON.parse` makes
 * one, stays an own key and never becomes a prototype.
 */
import { MotiaError } from '../../errors.ts'
import type { StatePath, UpdateOp } from './types.ts'

/** The most segments a path may have; deeper paths are refused before anything is built. */
export const MAX_PATH_DEPTH = 64

/**
 * Splits a dotted path (`a.b.0`) into segments; an array path is checked and copied. Refuses, with
 * a `MotiaError` (`STATE_PATH_INVALID`, status 400), a segment that names a prototype, a segment
 * that is neither a string nor a whole number, and a path deeper than `MAX_PATH_DEPTH`.
 */
export function normalizePath(path: StatePath | undefined): Array<string | number> {
  if (path === undefined || path === '') return []
  if (typeof path === 'string') return checked(path.split('.').map((segment) => (arrayIndex(segment) >= 0 ? Number(segment) : segment)), path)
  if (!Array.isArray(path)) pathError(path, 'a path is a dotted string (`a.b.0`) or an array of segments')
  return checked([...path], path)
}

/**
 * Refuses a group or key that holds a lone UTF-16 surrogate (`STATE_KEY_INVALID`, status 400):
 * SQLite and Redis store text as UTF-8, where such a string becomes U+FFFD, so two distinct
 * addresses would share one row or field. Every adapter calls it, so all refuse alike.
 */
export function checkStateAddress(group: unknown, key?: unknown): void {
  for (const [field, value] of [['group', group], ['key', key]] as const) {
    if (typeof value === 'string' && !value.isWellFormed()) {
      throw new MotiaError(`[motia] state ${field} holds a lone UTF-16 surrogate, which no store can keep apart from U+FFFD: use well-formed text (e.g. encode binary ids as hex)`, {
        code: 'STATE_KEY_INVALID',
        status: 400,
      })
    }
  }
}

/**
 * Returns the value after `ops`, leaving `value` untouched. An op that does not fit the value
 * (incrementing a string, merging into an array, an index past the end of an array) throws a
 * `MotiaError` (`STATE_UPDATE_INVALID`, status 400) and nothing is applied.
 *
 * @example
 * applyUpdateOps({ n: 1 }, [{ type: 'increment', path: 'n', by: 2 }]) // { n: 3 }
 */
export function applyUpdateOps(value: unknown, ops: readonly UpdateOp[]): unknown {
  if (!Array.isArray(ops)) throw new MotiaError('[motia] state update takes an array of ops, e.g. [{ type: "increment", path: "n" }]', { code: 'STATE_UPDATE_INVALID', status: 400 })
  let root = value === undefined ? undefined : structuredClone(value)
  for (const op of ops) root = applyOne(root, op)
  return root
}

// --- internal ---

/** Names that lead from an object to its prototype or its class instead of to an own value. */
const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype'])

function checked(segments: unknown[], path: unknown): Array<string | number> {
  if (segments.length > MAX_PATH_DEPTH) pathError(path, `a path has at most ${MAX_PATH_DEPTH} segments, this one has ${segments.length}`)
  for (const segment of segments) {
    if (typeof segment === 'number') {
      if (!Number.isSafeInteger(segment) || segment < 0) pathError(path, `a numeric segment is an array index (a whole number ≥ 0), found ${segment}`)
    } else if (typeof segment !== 'string') {
      pathError(path, `a segment is a string or an index, found ${typeof segment}`)
    } else if (PROTOTYPE_KEYS.has(segment)) {
      pathError(path, `the segment "${segment}" is reserved because it would reach an object's prototype; use another key name`)
    }
  }
  return segments as Array<string | number>
}

function applyOne(root: unknown, op: UpdateOp): unknown {
  if (op === null || typeof op !== 'object') throw new MotiaError(`[motia] state update op must be an object like { type: "set", path, value }, found ${JSON.stringify(op)}`, { code: 'STATE_UPDATE_INVALID', status: 400 })
  const path = normalizePath(op.path)
  const current = readPath(root, path)
  switch (op.type) {
    case 'set':
      return writePath(root, path, structuredClone(op.value), op)
    case 'merge': {
      if (current !== undefined && !isPlainObject(current)) invalid(op, path, 'merge needs an object or an absent value', current)
      if (!isPlainObject(op.value)) invalid(op, path, 'merge takes an object as value', op.value)
      // Spreading defines own properties, so an own `__proto__` key in either side stays plain data.
      return writePath(root, path, { ...(current as object | undefined), ...structuredClone(op.value) }, op)
    }
    case 'increment':
    case 'decrement': {
      if (current !== undefined && typeof current !== 'number') invalid(op, path, `${op.type} needs a number or an absent value`, current)
      const by = op.by ?? 1
      if (typeof by !== 'number' || !Number.isFinite(by)) invalid(op, path, '`by` must be a finite number', by)
      return writePath(root, path, ((current as number | undefined) ?? 0) + (op.type === 'increment' ? by : -by), op)
    }
    case 'remove':
      if (path.length === 0) return undefined
      return removePath(root, path, op)
    default:
      throw new MotiaError(`[motia] unknown state update op ${JSON.stringify((op as { type: unknown }).type)}: use set, merge, increment, decrement or remove`, {
        code: 'STATE_UPDATE_INVALID',
        status: 400,
      })
  }
}

/** The value at `path`, following own properties only: `toString` on an object is absent, not a function. */
function readPath(root: unknown, path: Array<string | number>): unknown {
  let node = root
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined
    if (Array.isArray(node)) {
      const index = arrayIndex(segment)
      node = index >= 0 && index < node.length ? node[index] : undefined
    } else {
      node = Object.hasOwn(node, segment) ? (node as Record<string, unknown>)[segment] : undefined
    }
  }
  return node
}

/** Writes `leaf` at `path`, creating objects (or arrays, for numeric segments) on the way. */
function writePath(root: unknown, path: Array<string | number>, leaf: unknown, op: UpdateOp): unknown {
  if (path.length === 0) return leaf
  const top = root === undefined || root === null ? newContainer(path[0]) : root
  let node = top
  for (let depth = 0; depth < path.length; depth++) {
    const segment = path[depth]!
    if (node === null || typeof node !== 'object') {
      invalid(op, path.slice(0, depth + 1), `cannot write "${segment}" inside a ${typeof node}: set the parent to an object first`, undefined)
    }
    const last = depth === path.length - 1
    if (Array.isArray(node)) {
      const index = slotInArray(node, segment, path.slice(0, depth + 1), op)
      const child = node[index]
      node[index] = last ? leaf : child === undefined || child === null ? newContainer(path[depth + 1]) : child
      node = node[index]
    } else {
      const record = node as Record<string, unknown>
      const key = String(segment)
      const child = Object.hasOwn(record, key) ? record[key] : undefined
      record[key] = last ? leaf : child === undefined || child === null ? newContainer(path[depth + 1]) : child
      node = record[key]
    }
  }
  return top
}

function removePath(root: unknown, path: Array<string | number>, op: UpdateOp): unknown {
  const parent = readPath(root, path.slice(0, -1))
  const last = path[path.length - 1]!
  if (Array.isArray(parent)) {
    const index = arrayIndex(last)
    if (index < 0) invalid(op, path, `"${path.slice(0, -1).join('.')}" is an array, which takes indexes (0, 1, …), not "${last}"`, undefined)
    if (index < parent.length) parent.splice(index, 1)
  } else if (parent !== null && typeof parent === 'object' && Object.hasOwn(parent, last)) {
    delete (parent as Record<string, unknown>)[last]
  }
  return root
}

/** A new container for the segment that will be written into it: an array for an index. */
function newContainer(segment: string | number | undefined): unknown {
  return typeof segment === 'number' ? [] : {}
}

/** The index `segment` names in `array`: an existing element or the one just past the end. */
function slotInArray(array: unknown[], segment: string | number, where: Array<string | number>, op: UpdateOp): number {
  const index = arrayIndex(segment)
  const parent = where.slice(0, -1).join('.') || 'the value'
  if (index < 0) invalid(op, where, `"${parent}" is an array, which takes indexes (0, 1, …), not "${segment}"`, undefined)
  if (index > array.length) {
    invalid(op, where, `index ${index} is past the end of "${parent}" (length ${array.length}): an update writes an existing element or appends at index ${array.length}; to use "${segment}" as a key, make "${parent}" an object first`, undefined)
  }
  return index
}

/** A segment as an array index, or -1 when it is not one (digits beyond a safe integer are a key). */
function arrayIndex(segment: string | number): number {
  if (typeof segment === 'number') return segment
  return /^\d+$/.test(segment) && segment.length < 16 ? Number(segment) : -1
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function invalid(op: UpdateOp, path: Array<string | number>, problem: string, found: unknown): never {
  const where = path.length === 0 ? 'the value' : `"${path.join('.')}"`
  const suffix = found === undefined ? '' : `, found ${preview(found)}`
  throw new MotiaError(`[motia] state update ${op.type} on ${where}: ${problem}${suffix}`, { code: 'STATE_UPDATE_INVALID', status: 400 })
}

function pathError(path: unknown, problem: string): never {
  throw new MotiaError(`[motia] state path ${typeof path === 'string' ? `"${shorten(path)}"` : preview(path)} is invalid: ${problem}`, {
    code: 'STATE_PATH_INVALID',
    status: 400,
  })
}

/** A value as JSON, cut to a length that suits a one-line error message. */
function preview(value: unknown): string {
  let text: string
  try {
    text = JSON.stringify(value) ?? String(value)
  } catch {
    text = String(value)
  }
  return shorten(text)
}

function shorten(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text
}
