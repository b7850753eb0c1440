/**
 * Trace and span ids in the W3C trace-context shape (32 and 16 hex digits): random digits drawn
 * once per process, then a counter. Unique across processes and restarts, and far cheaper than a
 * UUID per request and per step run.
 */
let tracePrefix = randomHex(24)
let spanPrefix = randomHex(8)
let traceCount = 0
let spanCount = 0

export function newTraceId(): string {
  if (++traceCount > 0x7fffffff) {
    tracePrefix = randomHex(24)
    traceCount = 1
  }
  return tracePrefix + hex8(traceCount)
}

export function newSpanId(): string {
  if (++spanCount > 0x7fffffff) {
    spanPrefix = randomHex(8)
    spanCount = 1
  }
  return spanPrefix + hex8(spanCount)
}

// --- internal ---

/** Eight hex digits, zero-filled. `n` stays a small integer so `toString(16)` takes the fast path. */
function hex8(n: number): string {
  const digits = n.toString(16)
  return zeros.slice(digits.length) + digits
}

const zeros = '00000000'

function randomHex(digits: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(digits / 2)), (byte) => byte.toString(16).padStart(2, '0')).join('')
}
