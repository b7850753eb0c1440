/**
 * The `--option` flags of `motia plugin add`: `key=value` pairs (dotted keys build nested objects,
 * values parse as JSON when they can) or whole JSON objects. Option names come from the command
 * line, so none of them may walk into a prototype: `__proto__`, `constructor` and `prototype` are
 * refused wherever they appear, in a dotted path or as a key of a JSON object at any depth.
 */
import { UsageError } from '../errors.ts'

/**
 * @example
 * parseOptions(['url=mqtt://h:1883', 'tls.rejectUnauthorized=false']) // { url: 'mqtt://h:1883', tls: { rejectUnauthorized: false } }
 */
export function parseOptions(pairs: readonly string[]): Record<string, unknown> | undefined {
  if (pairs.length === 0) return undefined
  const options: Record<string, unknown> = {}
  for (const pair of pairs) {
    if (pair.trim().startsWith('{')) Object.assign(options, parseObject(pair))
    else setPath(options, pair)
  }
  return options
}

/**
 * Throws when a key anywhere in `value` is `__proto__`, `constructor` or `prototype`. JSON.parse
 * keeps `__proto__` as an own key, which `Object.assign` or an object literal would then follow.
 * `where` names the input in the message (`--option {"a":1}`).
 */
export function refuseForbiddenKeys(value: unknown, where: string): void {
  if (value === null || typeof value !== 'object') return
  for (const key of Object.keys(value)) {
    if (forbidden.has(key)) throw forbiddenKey(where, key)
    refuseForbiddenKeys((value as Record<string, unknown>)[key], where)
  }
}

// --- internal ---

/** Names that reach `Object.prototype` (or a constructor) instead of an option. */
const forbidden = new Set(['__proto__', 'constructor', 'prototype'])

function parseObject(pair: string): Record<string, unknown> {
  let parsed: unknown
  try {
    parsed = JSON.parse(pair)
  } catch (error) {
    throw new UsageError(`[motia] --option ${pair} is not valid JSON (${(error as Error).message}): quote it for the shell, e.g. --option '{"url":"mqtt://localhost:1883"}'`)
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UsageError(`[motia] --option ${pair} must be a JSON object, e.g. --option '{"url":"mqtt://localhost:1883"}'`)
  }
  refuseForbiddenKeys(parsed, `--option ${pair}`)
  return parsed as Record<string, unknown>
}

function setPath(options: Record<string, unknown>, pair: string): void {
  const eq = pair.indexOf('=')
  if (eq <= 0) throw new UsageError(`[motia] --option ${pair}: expected key=value (e.g. --option url=mqtt://localhost:1883) or a JSON object`)
  const path = pair.slice(0, eq).split('.')
  for (const key of path) if (forbidden.has(key)) throw forbiddenName(pair, key)
  let value: unknown = pair.slice(eq + 1)
  try {
    value = JSON.parse(value as string)
  } catch {
    // not JSON: the text itself
  }
  refuseForbiddenKeys(value, `--option ${pair}`)
  let target = options
  for (const [i, key] of path.slice(0, -1).entries()) {
    const next = Object.hasOwn(target, key) ? target[key] : (target[key] = {})
    if (next === null || typeof next !== 'object' || Array.isArray(next)) {
      throw new UsageError(`[motia] --option ${pair}: ${path.slice(0, i + 1).join('.')} is already ${JSON.stringify(next)}, not an object: give it one value`)
    }
    target = next as Record<string, unknown>
  }
  target[path.at(-1)!] = value
}

function forbiddenName(pair: string, key: string): UsageError {
  return forbiddenKey(`--option ${pair}`, key)
}

function forbiddenKey(where: string, key: string): UsageError {
  return new UsageError(`[motia] ${where}: "${key}" cannot be an option name (it would reach into Object.prototype, not the plugin's options): name the plugin's own options, e.g. --option url=mqtt://localhost:1883`, {
    code: 'INVALID_OPTION',
  })
}
