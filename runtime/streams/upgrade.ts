/**
 * The WebSocket upgrade of the stream endpoint: which web pages may open a socket (`Origin`), then
 * `authenticateStream`, then the upgrade itself with a fresh connection.
 *
 * Why an origin check: browsers send cookies (and client certificates) with a WebSocket upgrade
 * from any page, and the same-origin policy does not stop a foreign page from reading the socket.
 * An app that authenticates streams by cookie would let every site the user visits read them
 * (cross-site WebSocket hijacking). Browsers always send `Origin` on an upgrade and a page cannot
 * forge it, so refusing foreign origins before `authenticateStream` runs closes that. Clients that
 * send no `Origin` are not browsers; they carry no ambient credentials, so they are admitted.
 */
import type { Server } from 'bun'
import { errorMessage } from '../errors.ts'
import type { Logger } from '../observability/logger.ts'
import { createConnection, type Connection } from './connection.ts'
import type { StreamHookContext } from './types.ts'

/** What `authenticateStream` sees of the upgrade request. */
export interface StreamAuthRequest {
  headers: Record<string, string>
  url: string
  query: Record<string, string>
  /** The subprotocols the client offered (`Sec-WebSocket-Protocol`); tokens often travel there. */
  protocols: string[]
  raw: Request
}

export type AuthenticateStream = (request: StreamAuthRequest, ctx: StreamHookContext) => unknown

/** A context for a stream hook, as one span of a trace; `end` closes the span. */
export type HookContextFactory = (name: string) => { ctx: StreamHookContext; end(error?: unknown): void }

export interface UpgradeOptions {
  logger: Logger
  authenticate?: AuthenticateStream
  /** `streams.allowedOrigins`: normalized origins, `'*'`, or undefined for the default rule. */
  allowedOrigins?: '*' | string[]
  runHook: RunHook
}

export type RunHook = <T>(streamName: string, hook: string, call: (ctx: StreamHookContext) => T | Promise<T>) => Promise<T>

/** Answers an upgrade request: undefined once upgraded, else the refusal. */
export type Upgrade = (request: Request, server: Server<Connection>) => Response | undefined | Promise<Response | undefined>

export function createUpgrade(options: UpgradeOptions): Upgrade {
  const { logger, authenticate } = options
  // One warning per refused origin (a few hundred at most): a developer learns why, a flood does not fill the log.
  const warned = new Set<string>()

  return (request, server) => {
    const origin = request.headers.get('origin')
    if (origin !== null && !originAllowed(origin, request, options.allowedOrigins)) {
      if (warned.size < 256 && !warned.has(origin)) {
        warned.add(origin)
        logger.warn(`[motia] stream socket refused for origin ${JSON.stringify(origin)}: add it to streams.allowedOrigins in motia.config.ts if that page is yours`)
      }
      return refuse(403, 'Forbidden', `origin ${JSON.stringify(origin)} may not open a stream socket; add it to streams.allowedOrigins in motia.config.ts`)
    }
    if (!authenticate) return accept(request, server, undefined)
    return authenticated(request, server)
  }

  async function authenticated(request: Request, server: Server<Connection>): Promise<Response | undefined> {
    let auth: unknown
    try {
      auth = await options.runHook('*', 'authenticateStream', (ctx) => authenticate!(authRequest(request), ctx))
    } catch (error) {
      return refuse(401, 'Unauthorized', errorMessage(error))
    }
    if (auth === false) return refuse(401, 'Unauthorized', 'authenticateStream refused the connection')
    return accept(request, server, auth ?? undefined)
  }
}

/**
 * The default rule, and `allowedOrigins`: the page's origin is the host the request was sent to
 * (`Host`, or `X-Forwarded-Host` behind a proxy — a page cannot set either on a WebSocket), a page
 * on this machine talking to a server reached on this machine, or a listed origin.
 */
export function originAllowed(origin: string, request: Request, allowed: '*' | string[] | undefined): boolean {
  if (allowed === '*') return true
  const page = URL.canParse(origin) ? new URL(origin) : undefined
  if (!page || !/^https?:$/.test(page.protocol)) return false
  if (allowed?.includes(page.origin)) return true
  const hosts = [request.headers.get('host'), request.headers.get('x-forwarded-host')?.split(',')[0]!.trim()]
  if (hosts.some((host) => host && host.toLowerCase() === page.host)) return true
  const host = request.headers.get('host')
  return allowed === undefined && isLoopback(page.hostname) && host !== null && URL.canParse(`http://${host}`) && isLoopback(new URL(`http://${host}`).hostname)
}

// --- internal ---

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]'
}

function accept(request: Request, server: Server<Connection>, auth: unknown): Response | undefined {
  const offered = request.headers.get('sec-websocket-protocol')
  // A browser drops a connection whose server picks none of the subprotocols it offered.
  const headers = offered ? { 'Sec-WebSocket-Protocol': offered.split(',')[0]!.trim() } : undefined
  if (server.upgrade(request, { data: createConnection(auth), headers })) return undefined
  return refuse(400, 'Bad Request', 'Expected a WebSocket upgrade')
}

function refuse(status: number, error: string, message: string): Response {
  return new Response(JSON.stringify({ error, message }), { status, headers: { 'content-type': 'application/json' } })
}

function authRequest(request: Request): StreamAuthRequest {
  const url = new URL(request.url)
  const protocols = (request.headers.get('sec-websocket-protocol') ?? '').split(',').map((p) => p.trim()).filter(Boolean)
  const headers: Record<string, string> = {}
  request.headers.forEach((value, key) => (headers[key] = value))
  return { headers, url: request.url, query: Object.fromEntries(url.searchParams), protocols, raw: request }
}
