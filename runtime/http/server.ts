/**
 * The HTTP server: one Bun server whose requests are routed by an Elysia app. Routes can be added
 * and removed while serving (hot reload); the Elysia app is rebuilt on the next request after a
 * change, so routing stays Elysia's compiled router and never a linear scan.
 */
import { Elysia } from 'elysia'
import type { Server } from 'bun'
import type { Logger } from '../observability/logger.ts'

export type RouteHandler = (request: Request, params: Record<string, string>) => Response | Promise<Response>

export interface Route {
  method: string
  path: string
  handler: RouteHandler
}

export interface HttpRouter {
  /** Adds a route; returns the function that removes it. */
  route(route: Route): () => void
  /** Answers a request without a socket (tests, compiled entries). */
  handle(request: Request): Promise<Response>
}

export interface HttpServer extends HttpRouter {
  listen(options: { port: number; host: string }): Server<undefined>
  /** The listening URL, once listening. */
  url(): string | undefined
  /** Stops accepting connections; resolves when open requests were answered or `force` closed them. */
  stop(force?: boolean): Promise<void>
}

/** Creates the server. Bodies over `bodyLimit` bytes are refused with 413 by Bun itself. */
export function createHttpServer(options: { bodyLimit: number; logger: Logger }): HttpServer {
  const routes = new Set<Route>()
  let app: Elysia | undefined
  let server: Server<undefined> | undefined

  const current = (): Elysia => (app ??= buildApp(routes, options.logger))
  const handle = (request: Request) => current().handle(request)

  return {
    route(route) {
      routes.add(route)
      app = undefined
      return () => {
        routes.delete(route)
        app = undefined
      }
    },
    handle,
    listen({ port, host }) {
      server = Bun.serve({ port, hostname: host, maxRequestBodySize: options.bodyLimit, fetch: handle, development: false })
      return server
    },
    url: () => server?.url.toString(),
    async stop(force = false) {
      await server?.stop(force)
      server = undefined
    },
  }
}

/** A JSON response with the right content type. */
export function json(body: unknown, status = 200, headers?: Record<string, string>): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } })
}

// --- internal ---

function buildApp(routes: ReadonlySet<Route>, logger: Logger): Elysia {
  const app = new Elysia()
  for (const route of routes) {
    const handler = route.handler
    app.route(route.method, route.path, (c: { request: Request; params: Record<string, string> }) => handler(c.request, c.params), {
      parse: 'none',
    })
  }
  app.onError(({ code, error }) => {
    if (code === 'NOT_FOUND') return json({ error: 'Not Found' }, 404)
    logger.error('unhandled error in the HTTP layer', { error: error as Error })
    return json({ error: 'Internal Server Error' }, 500)
  })
  return app
}
