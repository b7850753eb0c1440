/**
 * The HTTP server: one Elysia app for the life of the process, listening through Elysia (which
 * hands its routes to Bun's native router). Hot reload adds and removes routes while serving:
 * Elysia cannot drop a route, so each route shape is mounted once and dispatches to whatever step
 * currently owns it, answering as an unknown route (404/405) when none does. Shapes use neutral
 * parameter names (`/users/:p0`), so a step may rename its parameter without clashing with the
 * old mount.
 *
 * What only some routes need is decided when the route is mounted, not per request: the check of
 * percent-encoding (routes with parameters), the control token (`/__motia/` routes) and CORS
 * (when configured). Requests no route takes go to `unrouted.ts`.
 *
 * Only Elysia's documented API is used: `route` with `parse: 'none'` (the http trigger reads the
 * body itself), `handle`, `listen` with Bun's server options, `server`, and `compile` after a
 * route is added to a running server. docs/architecture.md says why each hand-written
 * piece here remains, with its cost measured by bench/http.ts.
 */
import { Elysia } from 'elysia'
import type { Server, WebSocketHandler } from 'bun'
import type { Logger } from '../observability/logger.ts'
import { createCors, type Cors, type CorsOptions } from './cors.ts'
import { json } from './response.ts'
import { createUnrouted, isControlPath, type Statics, isWellEncoded, pathOf, shapePattern, standardMethods, type RouteIndex } from './unrouted.ts'

export type RouteHandler = (request: Request, params: Record<string, string>) => Response | Promise<Response>

export interface Route {
  method: string
  path: string
  handler: RouteHandler
  /**
   * The handler answers every failure with a response and its promise never rejects, so the
   * server need not watch it (one promise fewer per request). Otherwise errors become a 500.
   */
  handlesErrors?: boolean
  /**
   * A route under `/__motia/` is a control route: it answers only callers the control guard lets
   * through (see `guardControl`). `open` exempts it (health, endpoints meant for clients).
   */
  open?: boolean
}

/** Decides whether a request may use a control route: `undefined` to let it through, or the refusal. */
export type ControlGuard = (request: Request) => Response | undefined

export interface HttpRouter {
  /** Adds a route; returns the function that removes it. */
  route(route: Route): () => void
  /** Answers a request without a socket (tests, compiled entries). */
  handle(request: Request): Promise<Response>
  /** Sets the check that every control route (under `/__motia/`, not `open`) runs first. */
  guardControl(guard: ControlGuard): void
}

/** A WebSocket endpoint sharing the HTTP port (streams): where it upgrades, and its socket handlers. */
export interface WebSocketEndpoint {
  upgrade(request: Request, server: Server<any>): Response | undefined | Promise<Response | undefined>
  websocket: WebSocketHandler<any>
}

/** Where WebSocket upgrades are accepted (Motia's clients connect to the root). */
export const websocketPaths = ['/', '/__motia/streams']

export interface HttpServer extends HttpRouter {
  /** Accepts WebSocket upgrades at `websocketPaths`; other routes never look at upgrade headers. */
  websocket(endpoint: WebSocketEndpoint): void
  listen(options: { port: number; host: string }): Server<undefined>
  /** The listening URL, once listening. */
  url(): string | undefined
  /** Stops accepting connections; resolves when open requests were answered or `force` closed them. */
  stop(force?: boolean): Promise<void>
}

export { json }

export interface HttpServerOptions {
  /** Bodies over this many bytes are refused with 413 by Bun itself. */
  bodyLimit: number
  logger: Logger
  /** CORS for every route outside `/__motia/`; none when absent. */
  cors?: CorsOptions
  /** Static files for GET/HEAD requests no route takes (`public-files.ts`). */
  statics?: Statics
}

/** Creates the server. */
export function createHttpServer(options: HttpServerOptions): HttpServer {
  const table = createRouteTable()
  const cors = options.cors && createCors(options.cors)
  let guard: ControlGuard | undefined
  const unrouted = createUnrouted(table.index, cors, options.statics)
  let sockets: WebSocketEndpoint | undefined
  // Not Elysia's `onError` hook: with one, Elysia runs every request of every route inside an async
  // function with its response context, which cost the POST step of bench/http.ts about a third
  // of its throughput (docs/architecture.md). A route's own failures are answered by `failed`.
  const app = new Elysia()
  const failed = (error: unknown) => {
    options.logger.error('unhandled error in the HTTP layer', { error: error as Error })
    return json({ error: 'Internal Server Error' }, 500)
  }

  /** Runs the route that owns `key` now (guarded when a control route), or answers as unrouted. */
  const dispatchTo = (key: string, control: boolean): Handle => (request, params) => {
    const owner = table.owner(key)
    if (!owner) return unrouted(request)
    const { route } = owner
    if (control && guard && !route.open) {
      const denied = guard(request)
      if (denied) return denied
    }
    try {
      const response = route.handler(request, owner.names.length ? renameParams(params, owner.names) : params)
      return !route.handlesErrors && response instanceof Promise ? response.catch(failed) : response
    } catch (error) {
      return failed(error)
    }
  }
  // Control routes (`/__motia/…`) are not Elysia's: each route Elysia holds costs the start-up its
  // own handler and memory (~0.6 MiB and ~7 ms for the dozen of them), and none of them is hot.
  // The catch-all hands them to `controls`, which matches them itself.
  const controls = createControlRoutes((key) => dispatchTo(key, true), unrouted)

  const mount = (key: string, method: string, shape: string) => {
    const run = layered(shape, method, { cors, unrouted }, dispatchTo(key, isControlPath(shape)))
    // Elysia gives a static segment precedence, so `/__motia/…` once beat a step's `/:tenant/…` or
    // `/*`; now that the control routes sit behind the catch-all, a route that can match such a
    // path asks them first. Routes that start with a static segment (nearly all) pay nothing.
    const dispatch: Handle = mayTakeControlPaths(shape) ? (request, params) => controls.answer(request) ?? run(request, params) : (request, params) => run(request, params)
    const handle = sockets && method === 'GET' && websocketPaths.includes(shape) ? upgrading(sockets, () => app.server as Server<any>, dispatch) : dispatch
    // `parse: 'none'`: the http trigger reads the body itself (request.ts), within the body limit.
    app.route(method, shape, (c: { request: Request; params: Record<string, string> }) => handle(c.request, c.params), { parse: 'none' })
  }

  app.all('/*', (c: { request: Request }) => controls.answer(c.request) ?? unrouted(c.request), { parse: 'none' })

  return {
    websocket(endpoint) {
      sockets = endpoint
      for (const path of websocketPaths) if (table.claim(`GET ${path}`)) mount(`GET ${path}`, 'GET', path)
    },
    route(route) {
      const { shape, names } = shapeOf(route.path)
      const key = `${route.method} ${shape}`
      if (table.claim(key)) {
        // A shape with a trailing slash stays Elysia's: its router takes `/x/` and `/x` as one.
        if (isControlPath(shape) && !shape.endsWith('/')) controls.add(key, route.method, shape)
        else {
          mount(key, route.method, shape)
          // Elysia composes its handler once; a route added later needs a fresh one.
          if (app.server) app.compile()
        }
      }
      return table.own(key, { route, names, shape })
    },
    handle: (request) => app.handle(request),
    guardControl(next) {
      guard = next
    },
    listen({ port, host }) {
      // Elysia turns on reusePort, with which Bun lets a second server bind the same port and the
      // kernel splits connections between them. A server must own its port: a taken one is refused.
      app.listen({ port, hostname: host, maxRequestBodySize: options.bodyLimit, development: false, reusePort: false, ...(sockets ? { websocket: sockets.websocket } : {}) })
      return app.server as Server<undefined>
    },
    url: () => app.server?.url.toString(),
    async stop(force = false) {
      await app.server?.stop(force)
    },
  }
}

// --- internal ---

type Handle = (request: Request, params: Record<string, string>) => Response | Promise<Response>

interface Owner {
  route: Route
  names: string[]
  shape: string
}

/**
 * Which step owns which mounted route shape, and which methods own which paths (for 405 and 501,
 * rebuilt on first use after routes change). A shape is mounted once (`claim`) and owned by the
 * latest route registered on it (`own`), until that route's unregister.
 */
function createRouteTable() {
  const owners = new Map<string, Owner>()
  const mounted = new Set<string>()
  let shapes: Array<{ pattern: RegExp; methods: Set<string> }> | undefined
  const build = () => {
    const byShape = new Map<string, Set<string>>()
    for (const { route, shape } of owners.values()) byShape.set(shape, (byShape.get(shape) ?? new Set()).add(route.method))
    return [...byShape].map(([shape, methods]) => ({ pattern: shapePattern(shape), methods }))
  }
  const index: RouteIndex = {
    allowed(path) {
      const methods = new Set<string>()
      for (const entry of (shapes ??= build())) if (entry.pattern.test(path)) for (const m of entry.methods) methods.add(m)
      if (methods.size === 0) return []
      if (methods.has('GET')) methods.add('HEAD')
      methods.add('OPTIONS')
      return [...standardMethods].filter((m) => methods.has(m)).concat([...methods].filter((m) => !standardMethods.has(m)))
    },
    implements: (method) => [...owners.values()].some((o) => o.route.method === method),
  }
  return {
    index,
    owner: (key: string) => owners.get(key),
    /** True the first time a key is claimed: the caller mounts it then. */
    claim(key: string): boolean {
      if (mounted.has(key)) return false
      mounted.add(key)
      return true
    },
    /** Makes `owner` the key's owner; returns the function that gives it up. */
    own(key: string, owner: Owner): () => void {
      owners.set(key, owner)
      shapes = undefined
      return () => {
        if (owners.get(key) === owner) owners.delete(key)
        shapes = undefined
      }
    },
  }
}

/** Wraps a route's handler in the checks its shape and method need, and only those. */
function layered(shape: string, method: string, { cors, unrouted }: { cors?: Cors; unrouted: (request: Request) => Response | Promise<Response> }, inner: Handle): Handle {
  let handle = inner
  if (/[:*]/.test(shape)) {
    // Bun decodes parameters leniently (`%E0%A4%A` becomes U+FFFD); a path that does not decode is refused.
    const decoded = handle
    handle = (request, params) => (hasReplacement(params) && !isWellEncoded(pathOf(request.url)) ? unrouted(request) : decoded(request, params))
  }
  if (cors && !isControlPath(shape)) {
    const bare = handle
    const decorate = (request: Request, response: Response | Promise<Response>) =>
      response instanceof Promise ? response.then((r) => cors.decorate(request, r)) : cors.decorate(request, response)
    handle =
      method === 'OPTIONS' ? (request, params) => (cors.isPreflight(request) ? unrouted(request) : decorate(request, bare(request, params)))
      : (request, params) => decorate(request, bare(request, params))
  }
  return handle
}

/**
 * The control routes, matched here rather than by Elysia (see `controls` above): by method (a
 * HEAD by its GET) and shape, in the order they were added, with their parameters decoded as
 * Elysia decodes them. `answer` is undefined for a request none of them takes.
 */
function createControlRoutes(dispatchTo: (key: string) => Handle, unrouted: (request: Request) => Response | Promise<Response>) {
  const routes: Array<{ method: string; pattern: RegExp; handle: Handle }> = []
  return {
    add(key: string, method: string, shape: string) {
      routes.push({ method, pattern: capturingPattern(shape), handle: dispatchTo(key) })
    },
    answer(request: Request): Response | Promise<Response> | undefined {
      const path = pathOf(request.url)
      if (!isControlPath(path)) return undefined
      const { method } = request
      for (const route of routes) {
        if (route.method !== method && !(method === 'HEAD' && route.method === 'GET')) continue
        const match = route.pattern.exec(path)
        if (!match) continue
        // A parameter that does not decode is refused as Bun's router would refuse the path.
        if (!isWellEncoded(path)) return unrouted(request)
        const params: Record<string, string> = {}
        for (let i = 1; i < match.length; i++) params[`p${i - 1}`] = decodeURIComponent(match[i]!)
        return route.handle(request, params)
      }
      return undefined
    },
  }
}

/** True when a route of `shape` can match a control path: its first segment is a parameter or a wildcard. */
function mayTakeControlPaths(shape: string): boolean {
  return shape.startsWith('/:') || shape.startsWith('/*')
}

/** `shapePattern` (unrouted.ts) with a capture per parameter (`:p0`, `:p1`, … in order). */
function capturingPattern(shape: string): RegExp {
  const parts = shape.split('/').map((segment) => (segment === '*' ? '.*' : segment.startsWith(':') ? '([^/]+)' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
  return new RegExp(`^${parts.join('/')}/*$`)
}

/** Only the WebSocket paths pay for the upgrade check, decided when they are mounted. */
function upgrading(endpoint: WebSocketEndpoint, server: () => Server<any>, dispatch: Handle): Handle {
  return (request, params) => {
    if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') return dispatch(request, params)
    return endpoint.upgrade(request, server()) as Response | Promise<Response>
  }
}

/** A parameter Bun decoded leniently (U+FFFD), or one Elysia's own router could not decode (null). */
function hasReplacement(params: Record<string, string>): boolean {
  for (const key in params) {
    const value = params[key] as string | null
    if (value === null || value.includes('\uFFFD')) return true
  }
  return false
}

/** `/users/:id/posts/:postId` → `/users/:p0/posts/:p1` and `['id', 'postId']`. */
function shapeOf(path: string): { shape: string; names: string[] } {
  const names: string[] = []
  const shape = path.replace(/:(\w+)/g, (_match, name: string) => `:p${names.push(name) - 1}`)
  return { shape, names }
}

function renameParams(params: Record<string, string>, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (let i = 0; i < names.length; i++) out[names[i]!] = params[`p${i}`]!
  return out
}
