/**
 * The pure part of `update`: applying ops to a JSON value. Every adapter runs these inside its own
 * atomic section (a lock, a transaction, a Lua script's equivalent), so they must not do I/O.
 */
import { MotiaError } from '../../errors.ts'
import type { StatePath, UpdateOp } from './types.ts'

/** Splits a dotted path (`a.b.0`) into segments; an array path is returned as is. */
export function normalizePath(path: StatePath | undefined): Array<string | number> {
  if (path === undefined || path === '') return []
  if (typeof path !== 'string') return [...path]
  return path.split('.').map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment))
}

/**
 * Returns the value after `ops`, leaving `value` untouched. An op that does not fit the value
 * (incrementing a string, merging into an array) throws a `MotiaError` with code `STATE_UPDATE_INVALID`
 * and nothing is applied.
 *
 * @example
 * applyUpdateOps({ n: 1 }, [{ type: 'increment', path: 'n', by: 2 }]) // { n: 3 }
 */
export function applyUpdateOps(value: unknown, ops: readonly UpdateOp[]): unknown {
  let root = value === undefined ? undefined : structuredClone(value)
  for (const op of ops) root = applyOne(root, op)
  return root
}

// --- internal ---

function applyOne(root: unknown, op: UpdateOp): unknown {
  const path = normalizePath(op.path)
  const current = readPath(root, path)
  switch (op.type) {
    case 'set':
      return writePath(root, path, structuredClone(op.value))
    case 'merge': {
      if (current !== undefined && !isPlainObject(current)) invalid(op, path, 'merge needs an object or an absent value', current)
      if (!isPlainObject(op.value)) invalid(op, path, 'merge takes an object as value', op.value)
      return writePath(root, path, { ...(current as object | undefined), ...structuredClone(op.value) })
    }
    case 'increment':
    case 'decrement': {
      if (current !== undefined && typeof current !== 'number') invalid(op, path, `${op.type} needs a number or an absent value`, current)
      const by = op.by ?? 1
      if (typeof by !== 'number' || !Number.isFinite(by)) invalid(op, path, '`by` must be a finite number', by)
      return writePath(root, path, ((current as number | undefined) ?? 0) + (op.type === 'increment' ? by : -by))
    }
    case 'remove':
      if (path.length === 0) return undefined
      return removePath(root, path)
    default:
      throw new MotiaError(`[motia] unknown state update op ${JSON.stringify((op as { type: unknown }).type)}: use set, merge, increment, decrement or remove`, {
        code: 'STATE_UPDATE_INVALID',
      })
  }
}

function readPath(root: unknown, path: Array<string | number>): unknown {
  let node = root
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined
    node = (node as Record<string | number, unknown>)[segment]
  }
  return node
}

/** Writes `leaf` at `path`, creating objects (or arrays, for numeric segments) on the way. */
function writePath(root: unknown, path: Array<string | number>, leaf: unknown): unknown {
  if (path.length === 0) return leaf
  const [head, ...rest] = path as [string | number, ...Array<string | number>]
  const container = root === undefined || root === null ? (typeof head === 'number' ? [] : {}) : root
  if (typeof container !== 'object') {
    throw new MotiaError(`[motia] state update cannot write "${String(head)}" inside a ${typeof container}: set the parent to an object first`, {
      code: 'STATE_UPDATE_INVALID',
    })
  }
  const record = container as Record<string | number, unknown>
  record[head] = writePath(record[head], rest, leaf)
  return container
}

function removePath(root: unknown, path: Array<string | number>): unknown {
  const parent = readPath(root, path.slice(0, -1))
  const last = path[path.length - 1] as string | number
  if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1)
  else if (parent !== null && typeof parent === 'object') delete (parent as Record<string | number, unknown>)[last]
  return root
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function invalid(op: UpdateOp, path: Array<string | number>, problem: string, found: unknown): never {
  const where = path.length === 0 ? 'the value' : `"${path.join('.')}"`
  throw new MotiaError(`[motia] state update ${op.type} on ${where}: ${problem}, found ${JSON.stringify(found)}`, {
    code: 'STATE_UPDATE_INVALID',
  })
}
