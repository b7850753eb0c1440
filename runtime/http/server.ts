/**
 * The HTTP server: one Elysia app for the life of the process, listening through Elysia (which
 * hands its routes to Bun's native router). Hot reload adds and removes routes while serving:
 * Elysia cannot drop a route, so each route shape is mounted once and dispatches to whatever step
 * currently owns it, answering 404 when none does. Shapes use neutral parameter names
 * (`/users/:p0`), so a step may rename its parameter without clashing with the old mount.
 */
import { Elysia } from 'elysia'
import type { Server, WebSocketHandler } from 'bun'
import type { Logger } from '../observability/logger.ts'

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
}

export interface HttpRouter {
  /** Adds a route; returns the function that removes it. */
  route(route: Route): () => void
  /** Answers a request without a socket (tests, compiled entries). */
  handle(request: Request): Promise<Response>
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

/** Creates the server. Bodies over `bodyLimit` bytes are refused with 413 by Bun itself. */
export function createHttpServer(options: { bodyLimit: number; logger: Logger }): HttpServer {
  const owners = new Map<string, { route: Route; names: string[] }>()
  const mounted = new Set<string>()
  let sockets: WebSocketEndpoint | undefined
  // No onError hook: with one, Elysia composes every route as an async function awaiting its
  // handler, a promise per request. Unknown routes fall to the catch-all below instead, and
  // errors of handlers that do not answer their own are answered by `failed`.
  const app = new Elysia()
  const failed = (error: unknown) => {
    options.logger.error('unhandled error in the HTTP layer', { error: error as Error })
    return json({ error: 'Internal Server Error' }, 500)
  }

  const mount = (key: string, method: string, shape: string) => {
    // Written so that Elysia composes it as a plain function, not one awaiting it per request:
    // Elysia reads a handler's source and takes any `return f(…)` or `=> f(…)` for async, and so
    // it does any `parse` option. None is needed: Elysia parses no body for a handler that never
    // reads `c.body`, and the http trigger reads the request itself.
    const dispatch = (c: { request: Request; params: Record<string, string> }) => {
      const owner = owners.get(key)
      let response: Response | Promise<Response>
      if (!owner) response = notFound()
      else {
        try {
          const { route } = owner
          response = route.handler(c.request, owner.names.length ? renameParams(c.params, owner.names) : c.params)
          if (!route.handlesErrors && response instanceof Promise) response = response.catch(failed)
        } catch (error) {
          response = failed(error)
        }
      }
      return response
    }
    app.route(method, shape, sockets && method === 'GET' && websocketPaths.includes(shape) ? upgrading(sockets, dispatch) : dispatch)
  }

  /** Only the WebSocket paths pay for the upgrade check, decided when they are mounted. */
  const upgrading = (endpoint: WebSocketEndpoint, dispatch: (c: { request: Request; params: Record<string, string> }) => Response | Promise<Response>) =>
    function upgradeOrDispatch(c: { request: Request; params: Record<string, string> }) {
      if (c.request.headers.get('upgrade')?.toLowerCase() !== 'websocket') return dispatch(c)
      return endpoint.upgrade(c.request, app.server as Server<any>)
    }

  app.all('/*', notFound, { parse: 'none' })

  return {
    websocket(endpoint) {
      sockets = endpoint
      for (const path of websocketPaths) {
        const key = `GET ${path}`
        if (!mounted.has(key)) {
          mounted.add(key)
          mount(key, 'GET', path)
        }
      }
    },
    route(route) {
      const { shape, names } = shapeOf(route.path)
      const key = `${route.method} ${shape}`
      if (!mounted.has(key)) {
        mounted.add(key)
        mount(key, route.method, shape)
        // Elysia composes its handler once; a route added later needs a fresh one.
        if (app.server) app.compile()
      }
      const owner = { route, names }
      owners.set(key, owner)
      return () => {
        if (owners.get(key) === owner) owners.delete(key)
      }
    },
    handle: (request) => app.handle(request),
    listen({ port, host }) {
      app.listen({ port, hostname: host, maxRequestBodySize: options.bodyLimit, development: false, ...(sockets ? { websocket: sockets.websocket } : {}) })
      return app.server as Server<undefined>
    },
    url: () => app.server?.url.toString(),
    async stop(force = false) {
      await app.server?.stop(force)
    },
  }
}

/** A JSON response with the right content type. */
export function json(body: unknown, status = 200, headers?: Record<string, string>): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } })
}

// --- internal ---

function notFound(): Response {
  return json({ error: 'Not Found' }, 404)
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
