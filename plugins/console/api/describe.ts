/**
 * Step configs as JSON: schemas become JSON Schema, functions (middleware, conditions) their name,
 * so the console can show a step's whole config.
 */
import { toJsonSchema } from 'motia'

/** A trigger's one-line summary, with its source: the runtime's, as the start banner prints it. */
export { triggerSummary } from 'motia'

/** `value` with schemas as JSON Schema and functions as `[function name]`; cycles cut. */
export function describe(value: unknown, depth = 0, seen = new Set<object>()): unknown {
  if (typeof value === 'function') return `[function ${value.name || 'anonymous'}]`
  if (typeof value !== 'object' || value === null) return typeof value === 'bigint' ? String(value) : value
  if (seen.has(value) || depth > 8) return '[…]'
  if ('~standard' in value) return toJsonSchema(value as never, { io: 'input' }) ?? '[schema]'
  seen.add(value)
  const out = Array.isArray(value) ? value.map((v) => describe(v, depth + 1, seen)) : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, describe(v, depth + 1, seen)]))
  seen.delete(value)
  return out
}

/** The JSON Schema of a schema, without its `$schema` dialect key. */
export function schemaOf(schema: unknown, io: 'input' | 'output' = 'input'): Record<string, unknown> | undefined {
  if (!schema || typeof schema !== 'object') return undefined
  const converted = toJsonSchema(schema as never, { io }) as Record<string, unknown> | undefined
  if (!converted) return undefined
  const { $schema: _dialect, ...rest } = converted
  return rest
}
