/**
 * Cross-origin resource sharing, off unless `http.cors` is set in `motia.config.ts`. When it is,
 * the server answers preflight requests (`OPTIONS` with `Access-Control-Request-Method`) itself
 * and adds the allow headers to every answer of a route outside `/__motia/`. CORS only tells
 * browsers which pages may read the answers; it is not access control, so a request from an
 * origin that is not allowed still runs, and its answer simply carries no allow headers.
 */
import { ConfigError } from '../errors.ts'

export interface CorsOptions {
  /**
   * Which pages may call: `'*'` for any, one origin or a list (`'https://app.example.com'`,
   * compared exactly), or a function of the request's `Origin` header.
   */
  origin: string | readonly string[] | ((origin: string) => boolean)
  /** Methods a preflight allows. Default: the methods the requested path answers. */
  methods?: readonly string[]
  /** Request headers a preflight allows. Default: those the preflight asks for. */
  allowHeaders?: readonly string[]
  /** Response headers the page may read beyond the basic ones. Default: `x-trace-id`. */
  exposeHeaders?: readonly string[]
  /** Lets the page send cookies and read the answer (`Access-Control-Allow-Credentials`). */
  credentials?: boolean
  /** Seconds a browser may cache a preflight's answer. */
  maxAge?: number
}

export interface Cors {
  /** True for a CORS preflight rather than a plain `OPTIONS` request. */
  isPreflight(request: Request): boolean
  /** Answers a preflight for a path that answers `allow`. */
  preflight(request: Request, allow: readonly string[]): Response
  /** Adds the allow headers for the request's origin to `response`. */
  decorate(request: Request, response: Response): Response
}

/** Checks `http.cors` of `motia.config.ts` and throws a `ConfigError` naming the wrong field. */
export function checkCors(value: unknown, file = 'motia.config.ts'): asserts value is CorsOptions | undefined {
  if (value === undefined) return
  const fail = (what: string) => {
    throw new ConfigError(`[motia] ${file}: http.cors.${what}`, { file })
  }
  if (typeof value !== 'object' || value === null) throw new ConfigError(`[motia] ${file}: http.cors must be an object like { origin: ['https://app.example.com'] }`, { file })
  const cors = value as Record<string, unknown>
  const { origin } = cors
  const origins = typeof origin === 'string' ? [origin] : origin
  if (typeof origin !== 'function' && !(Array.isArray(origins) && origins.every((o) => typeof o === 'string'))) {
    fail(`origin must be '*', an origin, a list of origins or a function (origin) => boolean; got ${JSON.stringify(origin)}`)
  }
  for (const key of ['methods', 'allowHeaders', 'exposeHeaders'] as const) {
    if (cors[key] !== undefined && !(Array.isArray(cors[key]) && (cors[key] as unknown[]).every((v) => typeof v === 'string'))) {
      fail(`${key} must be a list of strings, got ${JSON.stringify(cors[key])}`)
    }
  }
  if (cors.credentials !== undefined && typeof cors.credentials !== 'boolean') fail(`credentials must be true or false, got ${JSON.stringify(cors.credentials)}`)
  if (cors.maxAge !== undefined && !(Number.isInteger(cors.maxAge) && (cors.maxAge as number) >= 0)) fail(`maxAge must be a whole number of seconds ≥ 0, got ${JSON.stringify(cors.maxAge)}`)
  if (cors.credentials === true && origin === '*') {
    fail(`credentials cannot be combined with origin '*' (browsers refuse it): list the origins, or pass a function`)
  }
}

/** Creates the CORS layer for the server. */
export function createCors(options: CorsOptions): Cors {
  const anyOrigin = options.origin === '*'
  const allowed =
    typeof options.origin === 'function' ? options.origin
    : anyOrigin ? () => true
    : ((list: Set<string>) => (origin: string) => list.has(origin))(new Set(typeof options.origin === 'string' ? [options.origin] : options.origin))
  const exposed = (options.exposeHeaders ?? ['x-trace-id']).join(', ')

  /** The headers every allowed answer carries; `vary` tells caches the answer depends on Origin. */
  const allowHeaders = (origin: string | null, headers: Headers) => {
    if (!anyOrigin && !headers.get('vary')?.includes('Origin')) headers.append('vary', 'Origin')
    if (origin === null || !allowed(origin)) return false
    headers.set('access-control-allow-origin', anyOrigin ? '*' : origin)
    if (options.credentials) headers.set('access-control-allow-credentials', 'true')
    return true
  }

  return {
    isPreflight: (request) => request.headers.has('origin') && request.headers.has('access-control-request-method'),
    preflight(request, allow) {
      const headers = new Headers({ allow: allow.join(', ') })
      if (!allowHeaders(request.headers.get('origin'), headers)) return new Response(null, { status: 204, headers })
      headers.set('access-control-allow-methods', (options.methods ?? allow).join(', '))
      const asked = request.headers.get('access-control-request-headers')
      const headerList = options.allowHeaders ? options.allowHeaders.join(', ') : asked
      if (headerList) headers.set('access-control-allow-headers', headerList)
      if (options.maxAge !== undefined) headers.set('access-control-max-age', String(options.maxAge))
      headers.append('vary', 'Access-Control-Request-Method, Access-Control-Request-Headers')
      return new Response(null, { status: 204, headers })
    },
    decorate(request, response) {
      // Bun's Response headers are always mutable, those of fetch() answers included.
      if (allowHeaders(request.headers.get('origin'), response.headers) && exposed) response.headers.set('access-control-expose-headers', exposed)
      return response
    },
  }
}
