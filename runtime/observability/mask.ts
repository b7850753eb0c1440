/**
 * Masking credentials in what Motia records: a header or query parameter whose name looks like a
 * credential (`authorization`, `cookie`, `x-api-key`, `?access_token=`, `?sessionId=`) is kept in
 * traces, the console's copies of a run's input and output, and a logged `req` as `[masked]`.
 * The handler itself always sees the real values.
 *
 * A name is split into words (at `-`, `_`, `.`, spaces and lower-to-upper case changes:
 * `X-Api-Key` → x, api, key; `accessToken` → access, token) and is a credential when one of its
 * words, or the whole name, is in the list. `mask` in motia.config.ts adds names (strings, matched
 * the same way) or patterns (RegExps, tested against the whole name), or replaces the list.
 */
import { ConfigError } from '../errors.ts'

/** What replaces a masked value. */
export const MASKED = '[masked]'

/** The words and names masked unless `mask.defaults` is false. */
export const defaultSecretNames: readonly string[] = [
  'auth', 'authorization', 'authentication', 'bearer', 'cookie', 'credential', 'credentials', 'csrf', 'xsrf',
  'jwt', 'key', 'apikey', 'otp', 'pass', 'passwd', 'password', 'pwd', 'secret', 'session', 'sessionid', 'sid',
  'phpsessid', 'jsessionid', 'signature', 'sig', 'token', 'accesstoken', 'refreshtoken', 'idtoken', 'authtoken',
]

/** `mask` in motia.config.ts. */
export interface MaskOptions {
  /** More names (words, matched as the built-in ones) or patterns (tested against the whole name, e.g. /^x-tenant-/i). */
  names?: Array<string | RegExp>
  /** `false`: only `names` are masked, not the built-in list. Default true. */
  defaults?: boolean
}

export interface Masker {
  /** True when a header or query parameter of this name holds a credential. */
  isSecret(name: string): boolean
  /** `values` with the credentials' values masked; `values` itself when it has none. */
  mask<T extends Record<string, unknown>>(values: T): T
}

/**
 * @example
 * const masker = createMasker({ names: ['tenant-pin', /^x-internal-/i] })
 * masker.mask({ authorization: 'Bearer abc', accept: 'json' }) // { authorization: '[masked]', accept: 'json' }
 */
export function createMasker(options: MaskOptions = {}): Masker {
  const words = new Set<string>()
  const patterns: RegExp[] = []
  for (const name of [...(options.defaults === false ? [] : defaultSecretNames), ...(options.names ?? [])]) {
    if (typeof name === 'string') words.add(name.toLowerCase())
    else patterns.push(name)
  }
  // Verdicts per name: the same few header names come with every request.
  const known = new Map<string, boolean>()
  const isSecret = (name: string): boolean => {
    let secret = known.get(name)
    if (secret === undefined) {
      secret = words.has(name.toLowerCase()) || wordsOf(name).some((w) => words.has(w)) || patterns.some((p) => matches(p, name))
      if (known.size >= 1000) known.clear()
      known.set(name, secret)
    }
    return secret
  }
  return {
    isSecret,
    mask(values) {
      let out: Record<string, unknown> | undefined
      for (const name in values) {
        if (!Object.hasOwn(values, name) || !isSecret(name)) continue
        out ??= copy(values)
        out[name] = MASKED
      }
      return (out ?? values) as typeof values
    },
  }
}

/** Checks `mask` from motia.config.ts; a one-line ConfigError naming what is wrong. */
export function checkMaskOptions(value: unknown, where: string, file?: string): MaskOptions {
  if (value === undefined) return {}
  const fail = (what: string) => {
    throw new ConfigError(`[motia] ${where}: mask${what}, e.g. mask: { names: ['tenant-pin', /^x-internal-/i] }`, { file })
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(` must be an object, got ${JSON.stringify(value)}`)
  const { names, defaults } = value as Record<string, unknown>
  if (names !== undefined && (!Array.isArray(names) || names.some((n) => !(typeof n === 'string' && n.trim() !== '') && !(n instanceof RegExp)))) {
    fail('.names must be a list of names (non-empty strings) or RegExps')
  }
  if (defaults !== undefined && typeof defaults !== 'boolean') fail(`.defaults must be true or false, got ${JSON.stringify(defaults)}`)
  return value as MaskOptions
}

// --- internal ---

/** `X-Api-Key` → x, api, key; `accessToken` → access, token; `PHPSESSID` → phpsessid. */
function wordsOf(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
}

function matches(pattern: RegExp, name: string): boolean {
  // A /g or /y pattern keeps state between tests; reset it so each name is tested from the start.
  pattern.lastIndex = 0
  return pattern.test(name)
}

/** A copy that keeps a null prototype (parsed headers and queries have none). */
function copy(values: Record<string, unknown>): Record<string, unknown> {
  return Object.assign(Object.create(Object.getPrototypeOf(values)) as Record<string, unknown>, values)
}
