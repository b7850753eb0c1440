/**
 * Who may use a `/__motia/` control route (the console's API, traces, enqueue). A browser is the
 * attacker's tool here: any page the developer opens can send requests to `localhost:3111`, and a
 * page whose DNS name is rebound to 127.0.0.1 can even read the answers. So, in this order:
 *
 * 1. **Host** (DNS rebinding): under `motia dev` the `Host` header must name this machine:
 *    `localhost` (and `*.localhost`), a loopback address, the address the server listens on and,
 *    when it listens beyond loopback, any IP address (a rebinding page always has a DNS name) and
 *    this machine's hostname; plus `http.allowedHosts`. Under `motia start` the public name is not
 *    known (a proxy in front decides it), so the Host is checked only when `http.allowedHosts` is set.
 * 2. **Cross-site**: a browser's `Sec-Fetch-Site` must be `same-origin` (or `none`: typed in the
 *    address bar); a browser that does not send it is judged by `Origin`, which must name the host
 *    the request was sent to (`X-Forwarded-Host` behind a proxy, else `Host`). A request with
 *    neither comes from a program (the CLI, curl), not from a page.
 * 3. **Token**, compared in constant time, where the mode asks for it (see core-routes.ts).
 * 4. **JSON only** for a state-changing method: a page can send a form or `text/plain` POST to any
 *    site without asking, but not `application/json`.
 *
 * Refusals are 403 (415 for the content type) with a one-line `error` and a `code`, so the console
 * page can tell "give me the token" from "you came from the wrong place".
 */
// No `node:crypto` nor `node:net`: each loads Node's stream machinery, ~10 ms of a server's
// start-up for one hash and one address check (docs/performance.md). Bun's globals do both.
import { hostname } from 'node:os'
import { json } from './response.ts'
import type { ControlGuard } from './server.ts'

export interface ControlPolicy {
  mode: 'dev' | 'start' | 'test'
  /** The interface the server listens on (`127.0.0.1`, `0.0.0.0`, `::`, a name). */
  listenHost: string
  /** `http.allowedHosts`: more names the Host may carry; `.example.com` also allows its subdomains. */
  allowedHosts: readonly string[]
  /** Asked for when set; `undefined` lets every caller through step 3. */
  token?: TokenCheck
}

/** Codes of the refusals, in the `code` field of the answer. */
export type ControlRefusal = 'FOREIGN_HOST' | 'CROSS_SITE' | 'TOKEN_REQUIRED' | 'JSON_REQUIRED'

export function createControlGuard(policy: ControlPolicy): ControlGuard {
  const hostAllowed = policy.mode === 'start' && policy.allowedHosts.length === 0 ? undefined : hostRule(policy)
  const { token } = policy
  return (request) => {
    const headers = request.headers
    if (hostAllowed) {
      // Only a request handled in-process (`server.handle`) lacks the header; its URL names the host.
      const host = headers.get('host') ?? new URL(request.url).host
      const name = hostName(host)
      if (name === undefined || !hostAllowed(name)) {
        return refuse(
          'FOREIGN_HOST',
          `the /__motia/ control routes answer only requests addressed to this machine, not to Host ${JSON.stringify(host)}: open the console at its printed address, or add the name to http.allowedHosts in motia.config.ts`,
        )
      }
    }
    const crossSite = crossSiteReason(headers)
    if (crossSite) return refuse('CROSS_SITE', `the /__motia/ control routes refuse requests from other sites (${crossSite}): open the console from this server's own address`)
    const denied = token?.(request)
    if (denied) return denied
    if (request.method !== 'GET' && request.method !== 'HEAD' && !isJson(headers.get('content-type'))) {
      return json({ error: `${request.method} ${new URL(request.url).pathname} needs the header content-type: application/json (got ${JSON.stringify(headers.get('content-type') ?? 'none')})`, code: 'JSON_REQUIRED' }, 415)
    }
    return undefined
  }
}

/** Checks a request's `x-motia-token`; the refusal names `why` the token is needed. */
export type TokenCheck = (request: Request) => Response | undefined

/**
 * The token check: a 403 unless `x-motia-token` equals `token`, compared in constant time (both
 * sides hashed first, so that neither the content nor the length of the token leaks through timing).
 */
export function tokenCheck(token: string | undefined, why: string): TokenCheck {
  if (!token) {
    const error = `the /__motia/ control routes are closed ${why}: this server has no control token (.motia/server.lock is written only with the embedded store; set MOTIA_TOKEN otherwise)`
    return () => refuse('TOKEN_REQUIRED', error)
  }
  // Hashed at the first check, not at start: the first SHA-256 sets up the hashing code (~1 ms, ~0.7 MiB).
  let expected: Buffer | undefined
  const error = `missing or wrong x-motia-token header: the /__motia/ control routes need it ${why}; send the token from .motia/server.lock`
  return (request) => {
    const given = request.headers.get('x-motia-token')
    return given !== null && crypto.timingSafeEqual(digest(given), (expected ??= digest(token))) ? undefined : refuse('TOKEN_REQUIRED', error)
  }
}

/** `127.0.0.1` and the rest of 127/8, `::1` and `localhost`: only this machine can connect. */
export function isLoopback(host: string): boolean {
  const name = host.toLowerCase()
  return name === 'localhost' || name.endsWith('.localhost') || name === '::1' || name === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(name)
}

// --- internal ---

function refuse(code: ControlRefusal, error: string): Response {
  return json({ error, code }, 403)
}

function digest(text: string): Buffer {
  return new Bun.CryptoHasher('sha256').update(text).digest()
}

const ipv4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/

/** True for an IPv4 address in dotted form or an IPv6 address, as `node:net`'s `isIP` says. */
function isIpAddress(name: string): boolean {
  if (ipv4.test(name)) return true
  if (!name.includes(':') || !/^[0-9a-f:.]+$/.test(name)) return false
  return URL.canParse(`http://[${name}]/`)
}

/** Which Host names pass step 1 under this policy. */
function hostRule(policy: ControlPolicy): (name: string) => boolean {
  const listen = bare(policy.listenHost.toLowerCase())
  const exact = new Set<string>([listen])
  const suffixes: string[] = []
  for (const entry of policy.allowedHosts) {
    const name = bare(entry.toLowerCase())
    if (name.startsWith('.')) suffixes.push(name), exact.add(name.slice(1))
    else exact.add(name)
  }
  // Beyond loopback (or under start, where a proxy may stand in front) the machine is reached by an
  // address or by its own name; neither can be rebound by someone else's DNS.
  const wide = policy.mode === 'start' || !isLoopback(listen)
  if (wide) {
    const own = hostname().toLowerCase()
    exact.add(own)
    if (!own.includes('.')) exact.add(`${own}.local`)
  }
  return (name) => exact.has(name) || isLoopback(name) || suffixes.some((s) => name.endsWith(s)) || (wide && isIpAddress(name))
}

/** The name in a Host header, lowercased, without port, brackets or a final dot; undefined when unreadable. */
function hostName(header: string | null): string | undefined {
  if (!header) return undefined
  const value = header.trim().toLowerCase()
  if (value.startsWith('[')) {
    const end = value.indexOf(']')
    return end > 0 && (end === value.length - 1 || /^:\d+$/.test(value.slice(end + 1))) ? value.slice(1, end) : undefined
  }
  const match = /^([a-z0-9._-]+?)\.?(?::\d+)?$/.exec(value)
  return match?.[1]
}

function bare(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host.replace(/\.$/, '')
}

/** Why a request comes from another site, or undefined when it does not. */
function crossSiteReason(headers: Headers): string | undefined {
  const site = headers.get('sec-fetch-site')
  if (site !== null) return site === 'same-origin' || site === 'none' ? undefined : `Sec-Fetch-Site: ${site}`
  const origin = headers.get('origin')
  if (origin === null) return undefined
  const target = (headers.get('x-forwarded-host')?.split(',')[0] ?? headers.get('host') ?? '').trim().toLowerCase()
  let from: string
  try {
    from = new URL(origin).host.toLowerCase()
  } catch {
    return `Origin: ${origin}`
  }
  return origin !== 'null' && from === target ? undefined : `Origin: ${origin}`
}

function isJson(type: string | null): boolean {
  return type !== null && /^application\/json\s*(;|$)/i.test(type.trim())
}
