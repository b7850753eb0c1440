/**
 * The worker protocol, version 1, as the runtime speaks it (docs/languages/protocol.md is the
 * reference an SDK author reads): newline-delimited JSON objects over the worker's stdin (runtime →
 * worker) and stdout (worker → runtime). Requests carry an `id` that their `result` repeats; each
 * side numbers its own requests.
 */

export const PROTOCOL_VERSION = 1

/** Largest frame either side sends; a longer line is dropped and reported. */
export const defaultMaxFrameBytes = 64 * 1024 * 1024

/** Where a trigger fired, as the worker gets it in `invoke.context.trigger`. */
export type TriggerInfo = Record<string, string | number | boolean>

export interface InvokeContext {
  traceId: string
  step: string
  flows: readonly string[]
  attempt: number
  trigger: TriggerInfo
}

/** A function of a file the worker can run. */
export type WorkerFunction = 'handler' | 'condition' | 'canAccess' | 'onJoin' | 'onLeave'

export type RuntimeFrame =
  | { type: 'welcome'; protocol: number; root: string; cwd: string; logLevel: string; maxFrameBytes: number }
  | { type: 'load'; id: number; file: string; kind: 'step' | 'stream' }
  | { type: 'invoke'; id: number; file: string; function: WorkerFunction; input: unknown; context?: InvokeContext }
  | { type: 'cancel'; run: number; reason: string }
  | { type: 'reset'; id: number }
  | { type: 'shutdown' }
  | ResultFrame

export interface WorkerError {
  name?: string
  message?: string
  traceback?: string
  code?: string
  status?: number
  issues?: unknown
  nonRetriable?: boolean
  location?: { file: string; line: number; column?: number }
}

export type ResultFrame = { type: 'result'; id: number; ok: true; value?: unknown } | { type: 'result'; id: number; ok: false; error: WorkerError }

export type WorkerFrame =
  | { type: 'hello'; protocol: number; language: string; languageVersion?: string; sdk?: string; pid?: number }
  | { type: 'call'; id: number; run: number; method: string; args: unknown[] }
  | { type: 'log'; run: number | null; level: string; msg: string; fields?: Record<string, unknown> }
  | { type: 'cancelled'; run: number }
  | ResultFrame

/**
 * Splits a byte stream into frames. Lines that are not JSON objects, and lines longer than
 * `maxBytes` (dropped without being buffered whole), go to `onBadLine` with a short excerpt.
 */
export function createFrameReader(onFrame: (frame: WorkerFrame) => void, onBadLine: (problem: string) => void, maxBytes = defaultMaxFrameBytes) {
  const decoder = new TextDecoder()
  let pending: Uint8Array[] = []
  let pendingBytes = 0
  let skipping = false

  const line = (bytes: Uint8Array) => {
    if (bytes.length === 0) return
    const text = decoder.decode(bytes)
    let frame: unknown
    try {
      frame = JSON.parse(text)
    } catch {
      return onBadLine(`a line that is not JSON: ${excerpt(text)}`)
    }
    if (frame === null || typeof frame !== 'object' || Array.isArray(frame) || typeof (frame as { type?: unknown }).type !== 'string') {
      return onBadLine(`a line that is not a frame (an object with a type): ${excerpt(text)}`)
    }
    onFrame(frame as WorkerFrame)
  }

  return (chunk: Uint8Array) => {
    let start = 0
    for (let end = chunk.indexOf(10); end !== -1; end = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, end)
      start = end + 1
      if (skipping) {
        skipping = false
        continue
      }
      if (pendingBytes + piece.length > maxBytes) {
        pending = []
        pendingBytes = 0
        onBadLine(`a frame over ${maxBytes} bytes, dropped`)
        continue
      }
      if (pending.length) {
        pending.push(piece)
        line(Buffer.concat(pending))
        pending = []
        pendingBytes = 0
      } else line(piece)
    }
    if (start < chunk.length && !skipping) {
      const rest = chunk.subarray(start)
      if (pendingBytes + rest.length > maxBytes) {
        pending = []
        pendingBytes = 0
        skipping = true
        onBadLine(`a frame over ${maxBytes} bytes, dropped`)
      } else {
        // The chunk's memory may be reused by the stream: keep a copy.
        pending.push(rest.slice())
        pendingBytes += rest.length
      }
    }
  }
}

// --- internal ---

function excerpt(text: string): string {
  const shown = text.length > 200 ? `${text.slice(0, 200)}…` : text
  return JSON.stringify(shown)
}
