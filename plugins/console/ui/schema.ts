/** Just enough JSON Schema for the request form's checks as you type (the sample body is sample.ts). */
import type { JsonSchema } from './api.ts'

/** Problems of `value` against `schema`, each naming its path: `body.name: required`. */
export function validate(schema: JsonSchema, value: unknown, path = 'body'): string[] {
  if (schema.anyOf) return schema.anyOf.some((s) => validate(s, value, path).length === 0) ? [] : [`${path}: matches none of the allowed shapes`]
  if (schema.const !== undefined && JSON.stringify(schema.const) !== JSON.stringify(value)) return [`${path}: must be ${JSON.stringify(schema.const)}`]
  if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) return [`${path}: must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}`]
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type]
  if (types.length && !types.some((t) => isType(t, value))) return [`${path}: must be ${types.join(' or ')}, got ${kind(value)}`]
  const out: string[] = []
  if (isType('object', value)) {
    const object = value as Record<string, unknown>
    for (const name of schema.required ?? []) if (!(name in object)) out.push(`${path}.${name}: required`)
    for (const [name, sub] of Object.entries(schema.properties ?? {})) if (name in object) out.push(...validate(sub, object[name], `${path}.${name}`))
    if (schema.additionalProperties === false) for (const name of Object.keys(object)) if (!(name in (schema.properties ?? {}))) out.push(`${path}.${name}: not allowed`)
  }
  if (Array.isArray(value) && schema.items) value.forEach((item, i) => out.push(...validate(schema.items!, item, `${path}[${i}]`)))
  if (Array.isArray(value) && schema.minItems !== undefined && value.length < schema.minItems) out.push(`${path}: at least ${schema.minItems} item(s)`)
  if (Array.isArray(value) && schema.maxItems !== undefined && value.length > schema.maxItems) out.push(`${path}: at most ${schema.maxItems} item(s)`)
  if (typeof value === 'string') out.push(...stringProblems(schema, value, path))
  if (typeof value === 'number' && schema.minimum !== undefined && value < schema.minimum) out.push(`${path}: at least ${schema.minimum}`)
  if (typeof value === 'number' && schema.maximum !== undefined && value > schema.maximum) out.push(`${path}: at most ${schema.maximum}`)
  return out
}

// --- internal ---

/** Common formats, loosely: what a typo breaks, not every corner of the RFCs. */
const formats: Record<string, RegExp> = {
  email: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  uri: /^[a-z][a-z0-9+.-]*:\S+$/i,
  'date-time': /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
}

function stringProblems(schema: JsonSchema, value: string, path: string): string[] {
  const out: string[] = []
  if (schema.minLength !== undefined && value.length < schema.minLength) out.push(`${path}: at least ${schema.minLength} character(s)`)
  if (schema.maxLength !== undefined && value.length > schema.maxLength) out.push(`${path}: at most ${schema.maxLength} character(s)`)
  const format = schema.format ? formats[schema.format] : undefined
  // A format (zod's email) often comes with the pattern that checks it: one problem, in words.
  if (format && !format.test(value)) out.push(`${path}: must be a valid ${schema.format}`)
  else if (schema.pattern) {
    try {
      if (!new RegExp(schema.pattern, 'u').test(value)) out.push(`${path}: must match ${schema.pattern}`)
    } catch {
      // A pattern JavaScript cannot read is the server's to check.
    }
  }
  return out
}

function isType(type: string, value: unknown): boolean {
  switch (type) {
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value)
    case 'array':
      return Array.isArray(value)
    case 'integer':
      return Number.isInteger(value)
    case 'null':
      return value === null
    default:
      return typeof value === type
  }
}

function kind(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value
}
