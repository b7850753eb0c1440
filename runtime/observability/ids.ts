/**
 * Trace and span ids in the W3C trace-context shape (32 and 16 hex digits): random digits drawn
 * once per process, then a counter. Unique across processes and restarts, and far cheaper than a
 * UUID per request and per step run.
 *
 * A trace id is 20 random digits and a 12-digit counter (2^48 traces: it never wraps), so the
 * process can read its own ids back as numbers (`localTraceNumber`), which is how the trace store
 * finds a trace without a map. A span id is 8 random digits and 8 of counter; span ids need only
 * differ within their trace.
 */
const tracePrefix = randomHex(20)
const spanPrefix = randomHex(8)
let traceCount = 0
// The newest id and its number: the trace store reads the number back right after the id is made.
let newestId = ''
let newestNumber = 0
// All but the last three digits, which change together only once every 4096 traces.
let head = ''
let headOf = -1

export function newTraceId(): string {
  const n = ++traceCount
  if (Math.floor(n / 4096) !== headOf) {
    headOf = Math.floor(n / 4096)
    head = traceIdOf(n).slice(0, 29)
  }
  newestId = head + hex3[n & 0xfff]!
  newestNumber = n
  return newestId
}

/** The trace id this process gives its `n`th trace. */
export function traceIdOf(n: number): string {
  return tracePrefix + hex3[Math.floor(n / 2 ** 36) & 0xfff]! + hex3[(n / 2 ** 24) & 0xfff]! + hex3[(n >>> 12) & 0xfff]! + hex3[n & 0xfff]!
}

/** The span id of the `n`th span (the counter wraps at 2^32); the trace store counts its spans. */
export function spanIdOf(n: number): string {
  return spanPrefix + hex3[(n >>> 24) & 0xff]!.slice(1) + hex3[(n >>> 12) & 0xfff]! + hex3[n & 0xfff]!
}

/** The counter of a trace id made by this process; 0 for an id from anywhere else. */
export function localTraceNumber(id: string): number {
  if (id === newestId) return newestNumber
  if (id.length !== 32 || !id.startsWith(tracePrefix)) return 0
  let n = 0
  for (let i = 20; i < 32; i++) {
    const digit = hexDigit(id.charCodeAt(i))
    if (digit < 0) return 0
    n = n * 16 + digit
  }
  return n
}

// --- internal ---

/** Every three-digit hex string, zero-filled: ids are assembled from these without formatting. */
const hex3 = Array.from({ length: 4096 }, (_, i) => i.toString(16).padStart(3, '0'))

function hexDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48
  if (code >= 97 && code <= 102) return code - 87
  return -1
}

function randomHex(digits: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(digits / 2)), (byte) => byte.toString(16).padStart(2, '0')).join('')
}
