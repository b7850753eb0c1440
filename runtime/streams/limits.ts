/**
 * The `streams` section of motia.config.ts: what one WebSocket connection may cost the server,
 * and which web pages may open one. Checked at load, so a wrong value is one line naming it.
 */
import { ConfigError } from '../errors.ts'

/** `streams` in motia.config.ts. */
export interface StreamsOptions {
  /**
   * Bytes a connection may have waiting — changes it has not read yet (closed with 1013 as a slow
   * consumer), or frames it sent faster than the server handles them (closed with 1008). Default 4 MiB.
   */
  maxBufferedBytes?: number
  /**
   * Subscriptions one connection may hold (joins still being checked or waiting their turn
   * count too); a join beyond it is answered with a `too_many_subscriptions` error. Default 1000.
   */
  maxSubscriptions?: number
  /**
   * Joins a connection may start per second, with a burst of as many; faster joins wait their
   * turn (they are not refused). Default 200.
   */
  joinsPerSecond?: number
  /**
   * Web pages (by `Origin`) allowed to open a stream socket. By default a page of the same origin
   * as the request's host, and pages on this machine (`localhost`, `127.0.0.1`, `[::1]`, any port)
   * when the server is reached at a loopback address; clients that send no `Origin` (not a
   * browser) are always admitted. A list adds origins (`'https://app.example.com'`); `'*'` admits
   * every page — only for apps that authenticate streams by token, never by cookie.
   */
  allowedOrigins?: '*' | string[]
}

export interface StreamLimits {
  maxBufferedBytes: number
  maxSubscriptions: number
  joinsPerSecond: number
  /** Normalized origins (`URL.origin`), or `'*'`; undefined is the default rule. */
  allowedOrigins?: '*' | string[]
}

export const defaultStreamLimits: StreamLimits = { maxBufferedBytes: 4 * 1024 * 1024, maxSubscriptions: 1000, joinsPerSecond: 200 }

/** Checks `streams` from motia.config.ts (`where` names the file) and fills in the defaults. */
export function resolveStreamLimits(options: StreamsOptions | undefined, where: string): StreamLimits {
  const fail = (message: string) => new ConfigError(`[motia] ${where}: streams.${message}`, { file: where })
  const count = (key: 'maxBufferedBytes' | 'maxSubscriptions' | 'joinsPerSecond') => {
    const value = options?.[key]
    if (value === undefined) return defaultStreamLimits[key]
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw fail(`${key} must be a whole number of at least 1, got ${JSON.stringify(value)}`)
    return value
  }
  return {
    maxBufferedBytes: count('maxBufferedBytes'),
    maxSubscriptions: count('maxSubscriptions'),
    joinsPerSecond: count('joinsPerSecond'),
    ...(options?.allowedOrigins === undefined ? {} : { allowedOrigins: origins(options.allowedOrigins, fail) }),
  }
}

/**
 * The bounds Bun enforces on every stream socket, read when the server starts (the endpoint
 * itself loads at the first upgrade): the hard backpressure bound between the fan-out's sweeps
 * (which close with a reason first), and the largest frame a client may send.
 */
export function socketBounds(limits: StreamLimits) {
  return { backpressureLimit: Math.max(limits.maxBufferedBytes * 16, 16 << 20), closeOnBackpressureLimit: true, maxPayloadLength: 1 << 20 }
}

// --- internal ---

function origins(value: unknown, fail: (message: string) => Error): '*' | string[] {
  if (value === '*') return '*'
  const example = `e.g. allowedOrigins: ['https://app.example.com'] (or '*' for every page)`
  if (!Array.isArray(value)) throw fail(`allowedOrigins must be '*' or a list of origins, ${example}`)
  return value.map((entry) => {
    const url = typeof entry === 'string' && URL.canParse(entry) ? new URL(entry) : undefined
    // An origin is scheme://host[:port], nothing after: a path would never match a browser's Origin.
    if (!url || !/^https?:$/.test(url.protocol) || url.pathname !== '/' || url.search || url.hash || url.username) {
      throw fail(`allowedOrigins: ${JSON.stringify(entry)} is not an origin (http(s)://host[:port], no path), ${example}`)
    }
    return url.origin
  })
}
