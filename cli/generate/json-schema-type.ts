/**
 * A TypeScript type written from a JSON Schema, for `types.d.ts`: steps in other languages
 * (Python) have only JSON Schemas, and TypeScript steps enqueueing to them should still get their
 * data checked. Covers what schemas from dicts and pydantic hold (types, properties and required,
 * items, enums and consts, anyOf/oneOf/allOf, local `$ref`s); anything else is `unknown`.
 */

/** The type of values `schema` accepts, as TypeScript source. */
export function jsonSchemaType(schema: unknown): string {
  return typeOf(schema, schema, 0, new Set())
}

// --- internal ---

type Schema = Record<string, unknown>

const maxDepth = 12

function typeOf(schema: unknown, root: unknown, depth: number, refs: Set<string>): string {
  if (schema === true || schema === undefined) return 'unknown'
  if (schema === false) return 'never'
  if (typeof schema !== 'object' || schema === null || depth > maxDepth) return 'unknown'
  const s = schema as Schema
  if (typeof s.$ref === 'string') {
    // A schema that refers to itself (a tree) stops at `unknown`.
    if (refs.has(s.$ref)) return 'unknown'
    const target = resolve(root, s.$ref)
    return target === undefined ? 'unknown' : typeOf(target, root, depth + 1, new Set([...refs, s.$ref]))
  }
  if ('const' in s) return literal(s.const)
  if (Array.isArray(s.enum)) return s.enum.length ? s.enum.map(literal).join(' | ') : 'never'
  for (const [key, join] of [['anyOf', ' | '], ['oneOf', ' | '], ['allOf', ' & ']] as const) {
    const parts = s[key]
    if (Array.isArray(parts) && parts.length) return `(${parts.map((part) => typeOf(part, root, depth + 1, refs)).join(join)})`
  }
  const types = Array.isArray(s.type) ? s.type : typeof s.type === 'string' ? [s.type] : []
  if (types.length === 0) return s.properties ? objectType(s, root, depth, refs) : 'unknown'
  return types.map((type) => single(String(type), s, root, depth, refs)).join(' | ')
}

function single(type: string, s: Schema, root: unknown, depth: number, refs: Set<string>): string {
  switch (type) {
    case 'string':
      return 'string'
    case 'number':
    case 'integer':
      return 'number'
    case 'boolean':
      return 'boolean'
    case 'null':
      return 'null'
    case 'array':
      return Array.isArray(s.prefixItems)
        ? `[${s.prefixItems.map((item) => typeOf(item, root, depth + 1, refs)).join(', ')}]`
        : `Array<${typeOf(s.items, root, depth + 1, refs)}>`
    case 'object':
      return objectType(s, root, depth, refs)
    default:
      return 'unknown'
  }
}

function objectType(s: Schema, root: unknown, depth: number, refs: Set<string>): string {
  const properties = (s.properties ?? {}) as Record<string, unknown>
  const required = new Set(Array.isArray(s.required) ? s.required : [])
  const fields = Object.entries(properties).map(([name, property]) => `${JSON.stringify(name)}${required.has(name) ? '' : '?'}: ${typeOf(property, root, depth + 1, refs)}`)
  const extra = s.additionalProperties
  if (extra !== false && extra !== undefined && typeof extra === 'object') fields.push(`[key: string]: ${typeOf(extra, root, depth + 1, refs)}`)
  else if (extra === undefined && fields.length === 0) return 'Record<string, unknown>'
  return `{ ${fields.join('; ')} }`
}

function resolve(root: unknown, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined
  let node: unknown = root
  for (const part of ref.slice(1).split('/').filter(Boolean)) {
    if (typeof node !== 'object' || node === null) return undefined
    node = (node as Schema)[part.replace(/~1/g, '/').replace(/~0/g, '~')]
  }
  return node
}

function literal(value: unknown): string {
  return value === undefined ? 'undefined' : JSON.stringify(value)
}
