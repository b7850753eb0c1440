/**
 * A sample request body that passes its JSON Schema, for the Endpoints form to start from: every
 * property (required or not) with a value of its type that meets its enum, format, length, range,
 * multiple and item count; the first usable branch of a union; `$ref`s into `$defs` followed.
 * Below a few levels (a recursive schema) only required members and items are filled. A `pattern`
 * is met only when one of a few plain candidates matches it.
 */
import type { JsonSchema } from './api.ts'

/** A value that fits `schema`; `name` (the property it is for) makes strings read as examples. */
export function sampleOf(schema: JsonSchema, name = 'text'): unknown {
  return sample(schema, schema, name, 0)
}

// --- internal ---

type Node = JsonSchema & {
  $ref?: string
  $defs?: Record<string, Node>
  definitions?: Record<string, Node>
  oneOf?: Node[]
  allOf?: Node[]
  examples?: unknown[]
  prefixItems?: Node[]
  exclusiveMinimum?: number
  exclusiveMaximum?: number
  multipleOf?: number
}

/** Past this depth a sample holds only what the schema requires. */
const deep = 4

function sample(root: Node, schema: Node, name: string, depth: number): unknown {
  if (depth > 24) return null
  if (schema.$ref) return sample(root, resolve(root, schema.$ref), name, depth + 1)
  if (schema.default !== undefined) return schema.default
  if (schema.examples?.length) return schema.examples[0]
  if (schema.const !== undefined) return schema.const
  if (schema.enum?.length) return schema.enum[0]
  const branches = schema.anyOf ?? schema.oneOf
  // A nullable field (`x | null`) gets a real value: null shows nothing of its shape.
  if (branches?.length) return sample(root, branches.find((b) => b.type !== 'null') ?? branches[0]!, name, depth + 1)
  if (schema.allOf?.length) return Object.assign({}, ...schema.allOf.map((part) => sample(root, part, name, depth + 1)))
  const type = Array.isArray(schema.type) ? (schema.type.find((t) => t !== 'null') ?? schema.type[0]) : (schema.type ?? (schema.properties ? 'object' : undefined))
  switch (type) {
    case 'object': {
      // Deep down (a recursive `$ref`), only what is required: optional members would recurse on.
      const required = new Set(schema.required ?? [])
      const members = Object.entries(schema.properties ?? {}).filter(([key]) => depth < deep || required.has(key))
      return Object.fromEntries(members.map(([key, sub]) => [key, sample(root, sub as Node, key, depth + 1)]))
    }
    case 'array': {
      const tuple = (schema.prefixItems ?? []).map((item, i) => sample(root, item, `${name}${i}`, depth + 1))
      const wanted = depth < deep ? Math.max(schema.minItems ?? 1, 1) : (schema.minItems ?? 0)
      const count = Math.max(tuple.length, Math.min(wanted, schema.maxItems ?? Infinity))
      const item = schema.items as Node | undefined
      while (tuple.length < count && item) tuple.push(sample(root, item, name, depth + 1))
      return tuple
    }
    case 'string':
      return stringOf(schema, name)
    case 'number':
    case 'integer':
      return numberOf(schema, type === 'integer')
    case 'boolean':
      return true
    case 'null':
      return null
    default:
      return {}
  }
}

/** `#/$defs/Item` (or `#/definitions/Item`, `#` itself) within the root schema. */
function resolve(root: Node, ref: string): Node {
  if (ref === '#') return root
  const [, bag, key] = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref) ?? []
  const found = bag ? (root[bag as '$defs' | 'definitions'] ?? {})[decodeURIComponent(key!)] : undefined
  return found ?? {}
}

const formats: Record<string, string> = {
  email: 'ada@example.com',
  'idn-email': 'ada@example.com',
  uri: 'https://example.com/',
  url: 'https://example.com/',
  'uri-reference': 'https://example.com/',
  iri: 'https://example.com/',
  uuid: '123e4567-e89b-42d3-a456-426614174000',
  guid: '123e4567-e89b-42d3-a456-426614174000',
  'date-time': '2030-01-01T12:00:00.000Z',
  datetime: '2030-01-01T12:00:00.000Z',
  date: '2030-01-01',
  time: '12:00:00',
  duration: 'P1D',
  ipv4: '192.0.2.1',
  ipv6: '2001:db8::1',
  hostname: 'example.com',
  cuid: 'cjld2cjxh0000qzrmn831i7rn',
  cuid2: 'tz4a98xxat96iws9zmbrgj3a',
  ulid: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
  nanoid: 'V1StGXR8_Z5jdHi6B-myT',
  base64: 'aGVsbG8=',
  emoji: '👋',
  e164: '+15550100000',
}

function stringOf(schema: Node, name: string): string {
  const min = schema.minLength ?? 1
  const max = schema.maxLength ?? Infinity
  const fromFormat = schema.format ? formats[schema.format] : undefined
  const base = fromFormat ?? (name.replace(/[^a-zA-Z0-9 ]/g, '') || 'text')
  const fit = (text: string) => (text.length >= min ? text : text + 'x'.repeat(min - text.length)).slice(0, max)
  if (!schema.pattern) return fromFormat ?? fit(base)
  let pattern: RegExp
  try {
    pattern = new RegExp(schema.pattern, 'u')
  } catch {
    return fit(base)
  }
  const candidates = [base, fit(base), 'a', 'abc', 'ABC', 'Abc1', '1', '123', '1.0.0', 'abc-123', 'a_b', fromFormat ?? '', formats.email!, formats.uri!, formats.uuid!]
  return candidates.find((c) => c.length >= min && c.length <= max && pattern.test(c)) ?? fit(base)
}

function numberOf(schema: Node, integer: boolean): number {
  const step = integer ? 1 : 0.5
  const low = Math.max(schema.minimum ?? -Infinity, schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + step : -Infinity)
  const high = Math.min(schema.maximum ?? Infinity, schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - step : Infinity)
  let value = Math.min(Math.max(1, low), high)
  if (integer) value = Math.ceil(value)
  const multiple = schema.multipleOf
  if (multiple && multiple > 0) {
    const up = Math.ceil(value / multiple) * multiple
    value = up <= high ? up : Math.floor(value / multiple) * multiple
  }
  return value
}
