/**
 * Random and malformed HTTP requests for the fuzz test, drawn from a seeded generator so that a
 * failing run can be replayed (`FUZZ_SEED=<seed>`). Each request carries what a correct server
 * must answer, as far as issue #9 and the docs pin it down; everything else only has to be
 * something other than a server error.
 */

/** The routes of the fuzzed project (test/reliability/fuzz.test.ts), as the server sees them. */
export const fuzzRoutes = [
  { method: 'POST', path: '/items', reads: 'json' },
  { method: 'GET', path: '/items/:id' },
  { method: 'GET', path: '/echo' },
  { method: 'POST', path: '/votes', reads: 'json' },
  { method: 'GET', path: '/probe' },
  { method: 'GET', path: '/stats' },
  { method: 'GET', path: '/__motia/health' },
  { method: 'GET', path: '/__motia/traces' },
  { method: 'GET', path: '/__motia/traces/:id' },
  { method: 'POST', path: '/__motia/enqueue' },
] as const

export const bodyLimit = 1024 * 1024

export interface Expectation {
  /** The class of the check, as reported when it fails. */
  rule: string
  /** The correct statuses; when absent, any status below 500 (or 503) is. */
  statuses?: number[]
  /** Methods the `Allow` header must list. */
  allow?: string[]
  /** A raw request that must get an answer, not a closed connection. */
  mustAnswer?: boolean
  /** Server errors this request may get besides 503 (e.g. 505 for an unknown HTTP version). */
  serverErrors?: number[]
  /** GET /echo: the query object the step must see. */
  query?: Record<string, string | string[]>
}

export interface FuzzRequest {
  n: number
  via: 'fetch' | 'raw'
  method: string
  /** Path and query as sent. */
  target: string
  headers: Array<[string, string]>
  body?: Uint8Array<ArrayBuffer>
  /** What the body is, for reports. */
  bodyKind: string
  /** raw only: every byte written to the socket. */
  raw?: Uint8Array
  expect: Expectation[]
}

export interface Prng {
  seed: number
  next(): number
  int(min: number, max: number): number
  pick<T>(list: readonly T[]): T
  chance(p: number): boolean
}

/** mulberry32: small, fast and good enough to spread requests over the classes. */
export function createPrng(seed: number): Prng {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1))
  return { seed, next, int, pick: (list) => list[int(0, list.length - 1)]!, chance: (p) => next() < p }
}

/** `count` requests: about 85% over fetch, the rest as raw bytes. */
export function generateRequests(rng: Prng, count: number): FuzzRequest[] {
  return Array.from({ length: count }, (_, n) => (rng.chance(0.15) ? rawRequest(rng, n) : fetchRequest(rng, n)))
}

/** True for `application/json` and `*+json` media types (parameters and case aside). */
export function isJsonType(type: string | undefined): boolean {
  const essence = (type ?? '').split(';')[0]!.trim().toLowerCase()
  return essence === 'application/json' || /^[\w.!#$&^-]+\/[\w.!#$&^-]+\+json$/.test(essence)
}

// --- internal ---

const encoder = new TextEncoder()
const fetchMethods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const
const jsonTypes = ['application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/vnd.api+json', 'application/problem+json', 'application/json ;charset=UTF-8']
const otherTypes = [
  'text/plain',
  'text/plain;charset=json',
  'text/json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=zz',
  'application/jsonp',
  'application/json-seq',
  'application/octet-stream',
  'json',
  'x/y;;;=',
  '',
  'application/xml+jsonish',
]

function fetchRequest(rng: Prng, n: number): FuzzRequest {
  const route = rng.pick(fuzzRoutes)
  const method = rng.chance(0.7) ? route.method : rng.pick(fetchMethods)
  const path = rng.chance(0.55) ? concrete(rng, route.path) : weirdPath(rng)
  const query = rng.chance(0.45) ? weirdQuery(rng) : ''
  const headers = weirdHeaders(rng)
  let body: Uint8Array<ArrayBuffer> | undefined
  let bodyKind = 'none'
  let type: string | undefined
  if (method !== 'GET' && method !== 'HEAD' && rng.chance(0.9)) {
    ;({ body, kind: bodyKind } = weirdBody(rng, route.path))
    type = rng.chance(0.1) ? undefined : rng.chance(0.55) ? rng.pick(jsonTypes) : rng.pick(otherTypes)
    if (type !== undefined) headers.push(['content-type', type])
  }
  const request: FuzzRequest = { n, via: 'fetch', method, target: path + query, headers, body, bodyKind, expect: [] }
  request.expect = fetchOracle(request, type)
  return request
}

/** What the server must answer to a request sent with fetch (which normalizes the URL first). */
function fetchOracle(request: FuzzRequest, type: string | undefined): Expectation[] {
  const url = new URL('http://fuzz' + request.target)
  const size = request.body?.length ?? 0
  if (size > bodyLimit) return [{ rule: 'a body over 1 MiB → 413', statuses: [413] }]
  const badPercent = percentProblem(url.pathname)
  if (badPercent) return [{ rule: badPercent, statuses: [400] }]
  if (!cleanPath(url.pathname)) return []
  const owners = fuzzRoutes.filter((route) => matches(route.path, url.pathname))
  if (owners.length === 0) return []
  const allowed = owners.map((route) => route.method)
  const { method } = request
  if (!allowed.includes(method as never)) {
    if (method === 'HEAD' || method === 'OPTIONS') return []
    return [{ rule: '405 with Allow for a known path and another method', statuses: [405], allow: allowed }]
  }
  const route = owners.find((r) => r.method === method)!
  if ('reads' in route && size > 0) {
    if (!isJsonType(type)) return [{ rule: 'a non-JSON (or untyped) body on a route that reads one → 415', statuses: [415] }]
    if (route.path === '/items' && url.search === '') {
      if (request.bodyKind === 'valid') return [{ rule: 'a valid POST /items → 201', statuses: [201] }]
      if (request.bodyKind === 'long-name') return [{ rule: "enqueue data refused by a subscriber's schema in an HTTP handler → 400", statuses: [400] }]
    }
    return [{ rule: 'a JSON body on a route that reads one → 2xx or 400', statuses: [200, 201, 400] }]
  }
  if (route.path === '/echo') return [{ rule: 'query: own keys only, one value a string, repeated keys an array', statuses: [200], query: expectedQuery(url.search) }]
  return []
}

function rawRequest(rng: Prng, n: number): FuzzRequest {
  const kind = rng.int(0, 9)
  const target = concrete(rng, rng.pick(fuzzRoutes).path)
  const close = 'Host: fuzz\r\nConnection: close\r\n'
  let text: string
  let method = 'GET'
  let expect: Expectation[] = []
  if (kind <= 3) {
    method = rng.pick(['FOO', 'get', 'Post', 'PURGE', 'BREW', 'M-SEARCH', 'PROPFIND', 'X'.repeat(rng.int(20, 200)), 'G3T', 'DELET'])
    text = `${method} ${target} HTTP/1.1\r\n${close}\r\n`
    // Bun 1.4.5's HTTP parser closes the connection on a method token outside its own list before
    // any of our code runs (oven-sh/bun#6556, documented in docs/triggers/http.md): for those the
    // server must only survive. Methods it parses reach the router and must be answered.
    expect = bunParsesMethod(method)
      ? [{ rule: 'an unknown method gets an answer (400/405/501), not a closed connection', statuses: [400, 405, 501], mustAnswer: true, serverErrors: [501] }]
      : [{ rule: "a method Bun's parser refuses gets no server error", serverErrors: [] }]
  } else if (kind <= 5) {
    const path = weirdPath(rng)
    const query = rng.chance(0.5) ? weirdQuery(rng) : ''
    text = `GET ${path}${query} HTTP/1.1\r\n${close}\r\n`
    // Only a target of URI characters is well-formed; other bytes may be refused by closing.
    if (/^[\w\-.~:/?#[\]@!$&'()*+,;=%]*$/.test(path + query) && (path + query).length < 4000) {
      // The server sees the target after dot segments are resolved (`/%%%/a/../../b` is `/b`).
      const badPercent = percentProblem(resolvedPath(path))
      expect = [badPercent ? { rule: badPercent, statuses: [400], mustAnswer: true } : { rule: 'a well-formed request gets an answer', mustAnswer: true }]
    }
  } else if (kind <= 7) {
    text = rng.pick(brokenRequests)(target)
    // Bun answers some broken request lines with 505 itself: a refusal, not a failure.
    expect = [{ rule: 'a broken request gets no server error', serverErrors: [505] }]
  } else if (kind === 8) {
    const cl = rng.pick(['5', '-1', '99999999999999999999', '1, 2', 'abc', '0x10'])
    text = `POST /items HTTP/1.1\r\nHost: fuzz\r\nContent-Type: application/json\r\nContent-Length: ${cl}\r\n${rng.chance(0.5) ? 'Transfer-Encoding: chunked\r\n' : ''}Connection: close\r\n\r\n{"a":1}`
  } else {
    const bytes = Uint8Array.from({ length: rng.int(1, 300) }, () => rng.int(0, 255))
    return { n, via: 'raw', method: '(bytes)', target: '', headers: [], bodyKind: 'random bytes', raw: bytes, expect: [{ rule: 'random bytes get no server error', serverErrors: [505] }] }
  }
  return { n, via: 'raw', method, target, headers: [], bodyKind: 'raw', raw: encoder.encode(text), expect }
}

const brokenRequests: Array<(target: string) => string> = [
  (t) => `GET ${t}\r\n\r\n`,
  (t) => `GET ${t} HTTP/9.9\r\nHost: fuzz\r\n\r\n`,
  (t) => `GET ${t} HTTP/1.7\r\nHost: fuzz\r\n\r\n`,
  () => `GET /a b HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\n\r\n`,
  (t) => ` GET ${t} HTTP/1.1\r\nHost: fuzz\r\n\r\n`,
  (t) => `GET  ${t}  HTTP/1.1\r\nHost: fuzz\r\n\r\n`,
  (t) => `GET ${t} HTTP/1.1\r\nno colon here\r\n\r\n`,
  (t) => `GET ${t} HTTP/1.1\r\nHost : fuzz\r\n\r\n`,
  (t) => `GET ${t} HTTP/1.1\r\nHost: fu\u0000zz\r\n\r\n`,
  (t) => `GET ${t} HTTP/1.1\r\nHost: fuzz\r\nX-Fold: a\r\n b\r\n\r\n`,
  (t) => `GET ${t} HTTP/1.1\nHost: fuzz\n\n`,
  (t) => `GET ${t} HTTP/1.1\rHost: fuzz\r\r`,
  () => `GET * HTTP/1.1\r\nHost: fuzz\r\n\r\n`,
  () => `OPTIONS * HTTP/1.1\r\nHost: fuzz\r\n\r\n`,
  (t) => `GET http://evil.example${t} HTTP/1.1\r\nHost: fuzz\r\n\r\n`,
  (t) => `GET ${t} HTTP/x\r\n\r\n`,
  () => '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03',
  () => 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n',
  (t) => `POST ${t} HTTP/1.1\r\nHost: fuzz\r\nContent-Length: 3\r\nContent-Length: 7\r\n\r\nabcdefg`,
  (t) => `POST ${t} HTTP/1.1\r\nHost: fuzz\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n`,
  (t) => `POST ${t} HTTP/1.1\r\nHost: fuzz\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n`,
  (t) => `GET ${t} HTTP/1.1\r\nHost: fuzz\r\n${'X-Many: 1\r\n'.repeat(300)}\r\n`,
]

function concrete(rng: Prng, path: string): string {
  return path.replace(/:\w+/g, () => rng.pick(['1', 'abc', 'item-7', 'Z_9', encodeURIComponent('日本'), 'a.b', '~x']))
}

const pathPieces: Array<(rng: Prng) => string> = [
  () => '/items/../../../etc/passwd',
  () => '/echo/..%2f..%2fetc%2fpasswd',
  () => '/%2e%2e/%2e%2e/etc/passwd',
  () => '/items/..\\..\\windows',
  () => '/items/%',
  () => '/items/%zz',
  () => '/items/%E0%A4%A',
  () => '/items/%FF%FE',
  () => '/echo%',
  () => '/%%%',
  () => '/items/%C0%AF',
  (rng) => '/items/' + 'a'.repeat(rng.int(500, 9000)),
  (rng) => '/' + 'x/'.repeat(rng.int(50, 1500)),
  () => '/items/日本語',
  () => '/items/🦄',
  () => '/items/\u202e\uFEFF',
  () => '//items',
  () => '/items//x',
  () => '//__motia//health',
  () => '/items/%00',
  () => '/%00/echo',
  () => '/echo%00',
  () => '/ECHO',
  () => '/Items',
  () => '/items/.',
  () => '/./echo',
  () => '/',
  () => "/items/;,@$!*'()[]{}|^`<>\"",
  () => '/__motia/../__motia/traces',
  () => '/__motia/traces/%2e%2e',
]

function weirdPath(rng: Prng): string {
  let path = rng.pick(pathPieces)(rng)
  if (rng.chance(0.2)) path += rng.pick(pathPieces)(rng)
  return path
}

const queryPieces: Array<(rng: Prng) => string> = [
  () => '__proto__=x',
  () => '__proto__[polluted]=1',
  () => 'constructor=y',
  () => 'constructor[prototype][polluted]=1',
  () => 'prototype=1',
  () => 'a=1&a=2&a=3',
  () => 'a=1&b=2&a=3',
  () => '%zz=%',
  () => 'a=%E0%A4%A',
  () => '=',
  () => '&&&',
  () => 'a',
  () => 'a=b=c',
  () => 'toString=1&hasOwnProperty=2&valueOf=3',
  (rng) => 'x=' + 'q'.repeat(rng.int(100, 6000)),
  (rng) => Array.from({ length: rng.int(20, 300) }, (_, i) => `k${i}=${i}`).join('&'),
  () => 'a+b=c+d',
  () => '%00=%00',
  () => '日本=語',
  () => 'a[]=1&a[]=2',
  () => 'source=' + 'x'.repeat(30),
]

function weirdQuery(rng: Prng): string {
  const parts = Array.from({ length: rng.int(1, 3) }, () => rng.pick(queryPieces)(rng))
  return '?' + parts.join('&')
}

/** What URLSearchParams makes of `search`: own keys, one value a string, repeated keys an array. */
function expectedQuery(search: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const [key, value] of new URLSearchParams(search)) {
    const existing = Object.hasOwn(out, key) ? out[key] : undefined
    Object.defineProperty(out, key, {
      value: existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value],
      enumerable: true,
      writable: true,
      configurable: true,
    })
  }
  return out
}

const tokenChars = "!#$%&'*+-.^_`|~abcdefghijklmnopqrstuvwxyz0123456789"
const valueChars = ' !"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~\tabcXYZ09\u00a0\u00e9\u00ff\u00b5'

function weirdHeaders(rng: Prng): Array<[string, string]> {
  const headers: Array<[string, string]> = []
  const count = rng.int(0, 4)
  for (let i = 0; i < count; i++) {
    const kind = rng.int(0, 5)
    if (kind === 0) headers.push(['x-long', 'a'.repeat(rng.int(100, 7000))])
    else if (kind === 1) headers.push([`x-odd-${i}`, Array.from({ length: rng.int(1, 80) }, () => rng.pick([...valueChars])).join('').trim() || 'x'])
    else if (kind === 2) headers.push([`x-${Array.from({ length: rng.int(1, 20) }, () => rng.pick([...tokenChars])).join('')}`, 'v'])
    else if (kind === 3) for (let j = 0; j < rng.int(10, 60); j++) headers.push([`x-many-${j}`, String(j)])
    else if (kind === 4) headers.push(['cookie', '__proto__=1; constructor=2'])
    else headers.push(['accept', rng.pick(['*/*;q=abc', 'application/json', '', 'text/html, */*;q=0.1'])])
  }
  return headers
}

function weirdBody(rng: Prng, path: string): { body: Uint8Array<ArrayBuffer>; kind: string } {
  const text = (kind: string, value: string) => ({ body: encoder.encode(value), kind })
  const name = () => rng.pick(['lamp', 'ok', 'x', '日本', '🦄', 'a b', '__proto__', 'constructor', 'prototype'])
  switch (rng.int(0, 14)) {
    case 0:
    case 1:
    case 2:
      if (path === '/votes') return text('valid', JSON.stringify({ option: voteOption(rng) }))
      return text('valid', JSON.stringify({ name: name(), qty: rng.int(0, 1000) }))
    case 3:
      return text('long-name', JSON.stringify({ name: 'n'.repeat(rng.int(51, 200)), qty: 1 }))
    case 4:
      return text('wrong types', rng.pick(['{"name":1,"qty":"x"}', '{"option":{}}', '[]', '"str"', '{"qty":-1,"name":""}', '{"name":"x","qty":1.5}']))
    case 5:
      return { body: Uint8Array.from({ length: rng.int(1, 2000) }, () => rng.int(0, 255)), kind: 'random bytes' }
    case 6: {
      const whole = JSON.stringify({ name: name(), qty: 3, tags: ['a', 'b'] })
      return text('truncated json', whole.slice(0, rng.int(1, whole.length - 1)))
    }
    case 7: {
      const depth = rng.int(100, 20_000)
      return text('deep json', rng.chance(0.5) ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth))
    }
    case 8:
      return text('huge number', rng.pick(['{"name":"x","qty":1e999999}', '{"name":"x","qty":123456789012345678901234567890}', '{"name":"x","qty":-0}', '1e400', '{"option":"' + '9'.repeat(400) + '"}']))
    case 9:
      return text('proto json', rng.pick(['{"__proto__":{"polluted":true},"name":"x","qty":1}', '{"constructor":{"prototype":{"polluted":true}},"option":"a"}', '{"option":"__proto__","__proto__":{"x":1}}']))
    case 10:
      return text('empty', '')
    case 11:
      return text('null', 'null')
    case 12:
      return text('form', 'name=x&qty=1&__proto__[polluted]=1')
    case 13:
      return rng.chance(0.15) ? text('over limit', '{"pad":"' + 'x'.repeat(bodyLimit + rng.int(1, 5000)) + '"}') : text('near limit', '{"name":"' + 'x'.repeat(rng.int(1000, 60_000)) + '","qty":1}')
    default:
      return { body: Uint8Array.from([0xef, 0xbb, 0xbf, 0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), kind: 'bad utf-8' }
  }
}

function voteOption(rng: Prng): string {
  return rng.pick(['a', 'b', '日本', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '0', '7', '100000', 'a.100000', 'a.b', '', '-1', 'x'.repeat(64), 'a..b', '__proto__.polluted', 'constructor.prototype.polluted'])
}

/** The path with dot segments resolved, as the server reads it from the request line. */
function resolvedPath(path: string): string {
  return URL.parse(`http://fuzz${path}`)?.pathname ?? path
}

/** Methods Bun's HTTP parser knows (others close the connection unanswered, see above). */
function bunParsesMethod(method: string): boolean {
  return ['PURGE', 'M-SEARCH', 'PROPFIND'].includes(method)
}

/** Why the path's percent-encoding is wrong, as a rule name; undefined when it decodes. */
function percentProblem(path: string): string | undefined {
  if (/%(?![0-9a-f]{2})/i.test(path)) return 'malformed percent-encoding in the path (a % without two hex digits) → 400'
  try {
    decodeURIComponent(path)
    return undefined
  } catch {
    return 'percent-encoded bytes in the path that are not UTF-8 → 400'
  }
}

/** A path made of plain segments only: no empty, dot, encoded or unusual ones. */
function cleanPath(path: string): boolean {
  return path.length < 2000 && path.split('/').slice(1).every((segment) => /^[\w~-][\w.~-]*$/.test(segment) && segment !== '..')
}

function matches(pattern: string, path: string): boolean {
  const want = pattern.split('/')
  const got = path.split('/')
  return want.length === got.length && want.every((segment, i) => segment.startsWith(':') || segment === got[i])
}
