/**
 * Answers for requests no route takes, all off the hot path (Bun's router sends them to the
 * catch-all): `400` for a path with malformed percent-encoding, `501` for a method no route of
 * the server implements, `405` with `Allow` for a known path asked with another method, `204`
 * with `Allow` for `OPTIONS` on a known path (or the CORS preflight answer), and `404` otherwise.
 */
import type { Cors } from './cors.ts'
import { json } from './response.ts'

/** The methods every server implements, whether or not a route uses them. */
export const standardMethods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])

export interface RouteIndex {
  /** Methods some route answers at `path` (HEAD with GET, OPTIONS always), empty for an unknown path. */
  allowed(path: string): string[]
  /** True when some route answers this method. */
  implements(method: string): boolean
}

/** Answers from the `public/` folder: a bundled script's answer comes later (a promise). */
export type Statics = (request: Request, path: string) => Response | Promise<Response | undefined> | undefined

export function createUnrouted(index: RouteIndex, cors?: Cors, statics?: Statics): (request: Request) => Response | Promise<Response> {
  const answer = (request: Request, path: string): Response | Promise<Response> => {
    if (!isWellEncoded(path)) return json({ error: `Bad Request: the path ${JSON.stringify(path)} has malformed percent-encoding` }, 400)
    const { method } = request
    if (!standardMethods.has(method) && !index.implements(method)) {
      return json({ error: `Not Implemented: this server does not answer ${method} requests` }, 501)
    }
    const allowed = index.allowed(path)
    if (allowed.length === 0) {
      const found = isControlPath(path) ? undefined : statics?.(request, path)
      return found instanceof Promise ? found.then((response) => response ?? notFound()) : (found ?? notFound())
    }
    const allow = allowed.join(', ')
    if (method === 'OPTIONS') return new Response(null, { status: 204, headers: { allow } })
    return json({ error: `Method Not Allowed: ${path} answers ${allow}` }, 405, { allow })
  }
  if (!cors) return (request) => answer(request, pathOf(request.url))
  return (request) => {
    const path = pathOf(request.url)
    if (isControlPath(path)) return answer(request, path)
    if (request.method === 'OPTIONS' && cors.isPreflight(request) && isWellEncoded(path)) {
      const allowed = index.allowed(path)
      if (allowed.length > 0) return cors.preflight(request, allowed)
    }
    const response = answer(request, path)
    return response instanceof Promise ? response.then((r) => cors.decorate(request, r)) : cors.decorate(request, response)
  }
}

/** Paths of the runtime's own endpoints, which CORS never opens to other sites. */
export function isControlPath(path: string): boolean {
  return path.startsWith('/__motia/')
}

/** The 404 answer. */
export function notFound(): Response {
  return json({ error: 'Not Found' }, 404)
}

/** True unless decoding the path would fail (`%E0%A4%A`, `%zz`, overlong UTF-8). */
export function isWellEncoded(path: string): boolean {
  if (!path.includes('%')) return true
  try {
    decodeURIComponent(path)
    return true
  } catch {
    return false
  }
}

/** The path of an absolute URL, without its query string. */
export function pathOf(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2)
  if (start < 0) return '/'
  const q = url.indexOf('?', start)
  return url.slice(start, q < 0 ? undefined : q)
}

/**
 * Matches a route shape (`/users/:p0`, `/files/*`) the way Bun's router does: parameters take one
 * non-empty segment, `*` the rest, and a trailing slash is ignored.
 */
export function shapePattern(shape: string): RegExp {
  const parts = shape.replace(/\/+$/, '').split('/').map((segment) =>
    segment === '*' ? '.*'
    : segment.startsWith(':') ? '[^/]+'
    : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
  )
  return new RegExp(`^${parts.join('/')}/*$`)
}
