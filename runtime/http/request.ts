/**
 * Reading what a client sent: the body by its media type, the query string and the headers.
 *
 * Keys chosen by the client (query names, form fields, header names) land in objects with a null
 * prototype, so `?__proto__=x` or `?constructor=y` is a key like any other: it can neither reach
 * `Object.prototype` nor collide with an inherited member.
 */
import { json } from './response.ts'

/** How a route treats request bodies, compiled once from its trigger's `contentTypes`. */
export interface BodyPolicy {
  /** The accepted media types, for the 415 message. */
  accepted: readonly string[]
  /** Accepts a media type; JSON and form bodies are then parsed, others left unread. */
  accepts(type: string): boolean
  /** Reads `text/*` bodies into a string and admits bodies without a content type (left unread). */
  open?: boolean
}

/** JSON only (`application/json` and any `…+json`): the default of a route with a `bodySchema`. */
export const jsonOnly: BodyPolicy = createBodyPolicy(['application/json'])

/**
 * Any body, as Motia takes it on a route without a `bodySchema`: JSON and forms parsed, `text/*`
 * as a string, anything else (multipart, binary, no content type) left unread for the handler
 * (`req.raw`, `request.requestBody`).
 */
export const anyBody: BodyPolicy = { ...createBodyPolicy(['*/*']), open: true }

/**
 * A policy from a list of media types: exact (`text/csv`), a whole type (`text/*`) or anything
 * (`*\/*`). `application/json` stands for every JSON type, `…+json` included.
 */
export function createBodyPolicy(types: readonly string[]): BodyPolicy {
  const exact = new Set<string>()
  const families: string[] = []
  let any = false
  for (const entry of types) {
    const type = entry.toLowerCase()
    if (type === '*/*') any = true
    else if (type.endsWith('/*')) families.push(type.slice(0, -1))
    else exact.add(type)
  }
  const json = exact.has('application/json')
  return {
    accepted: types,
    accepts: (type) => any || exact.has(type) || (json && isJsonType(type)) || families.some((f) => type.startsWith(f)),
  }
}

/** `Text/HTML; charset=utf-8` → `text/html`; `undefined` when the header is absent or not a media type. */
export function mediaType(header: string | null): string | undefined {
  if (header === null) return undefined
  const semicolon = header.indexOf(';')
  const type = (semicolon < 0 ? header : header.slice(0, semicolon)).trim().toLowerCase()
  return mediaTypePattern.test(type) ? type : undefined
}

/** `application/json` or a structured `+json` type such as `application/problem+json`. */
export function isJsonType(type: string): boolean {
  return type === 'application/json' || type.endsWith('+json')
}

/** True when `value` is a media type or a wildcard accepted by `createBodyPolicy`. */
export function isMediaRange(value: unknown): boolean {
  return typeof value === 'string' && mediaTypePattern.test(value.toLowerCase())
}

export type BodyResult = { body: unknown } | Response

/**
 * Reads the body of `request` for a route with `policy`: parsed JSON, a form object, or, for
 * another accepted type, nothing (left unread for the handler, on `req.request`). An empty body
 * is `undefined` whatever its type. Answers 415 for a type the route does not accept, 400 for
 * JSON that does not parse, 413 for a body over the limit.
 */
export async function readBody(request: Request, policy: BodyPolicy): Promise<BodyResult> {
  const header = request.headers.get('content-type')
  // The common case, spelled exactly as clients send it, skips parsing the header.
  const type = header === 'application/json' ? header : mediaType(header)
  if (type === undefined && policy.open) return { body: undefined }
  const accepted = type !== undefined && policy.accepts(type)
  const kind = !accepted ? 'refused' : isJsonType(type) ? 'json' : type === formType ? 'form' : policy.open && type.startsWith('text/') ? 'text' : 'raw'
  if (kind === 'raw') return { body: undefined }
  let text: string
  try {
    text = await request.text()
  } catch (error) {
    return unreadable(error)
  }
  if (text.length === 0) return { body: undefined }
  if (kind === 'refused') return unsupported(header, policy)
  if (kind === 'form') return { body: parseQuery(text) }
  if (kind === 'text') return { body: text }
  try {
    return { body: JSON.parse(text) }
  } catch {
    return json({ error: 'Invalid JSON body' }, 400)
  }
}

/** The query of a URL as an object: a repeated name becomes an array of its values. */
export function queryOf(url: string): Record<string, string | string[]> {
  const q = url.indexOf('?')
  return q < 0 ? Object.create(null) : parseQuery(url.slice(q + 1))
}

/** `a=1&b=2&b=3` → `{ a: '1', b: ['2', '3'] }`, with a null prototype. */
export function parseQuery(search: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null)
  for (const [key, value] of new URLSearchParams(search)) {
    const existing = out[key]
    if (existing === undefined) out[key] = value
    else if (typeof existing === 'string') out[key] = [existing, value]
    else existing.push(value)
  }
  return out
}

/** Request headers by lower-case name, with a null prototype (a `__proto__` header is kept too). */
export function headersOf(headers: Headers): Record<string, string> {
  const out = Object.setPrototypeOf(headers.toJSON(), null) as Record<string, string>
  // toJSON builds a plain object, where a header named `__proto__` cannot be a key.
  const proto = headers.get('__proto__')
  if (proto !== null) out['__proto__'] = proto
  return out
}

// --- internal ---

const formType = 'application/x-www-form-urlencoded'
// RFC 9110 token characters on both sides of the slash.
const mediaTypePattern = /^[a-z0-9!#$%&'*+.^_`|~-]+\/[a-z0-9!#$%&'*+.^_`|~-]+$/

function unsupported(header: string | null, policy: BodyPolicy): Response {
  const got = header === null ? 'no content-type' : `content-type "${header}"`
  return json(
    { error: `Unsupported Media Type: this route accepts ${policy.accepted.join(', ')} bodies (${policy === jsonOnly ? 'and any +json type' : 'listed in its contentTypes'}), got ${got}` },
    415,
  )
}

/** The body could not be read: over the size limit (Bun has answered 413 itself) or cut off. */
function unreadable(error: unknown): Response {
  if (error instanceof Error && error.message.includes('maxRequestBodySize')) return json({ error: 'Payload Too Large' }, 413)
  return json({ error: 'Bad Request: the body could not be read' }, 400)
}
