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
 * `maxBytes` (dropped without being kept whole), go to `onBadLine` with a short excerpt. The
 * limit is counted in characters of the decoded text, which never exceed the bytes.
 */
export function createFrameReader(onFrame: (frame: WorkerFrame) => void, onBadLine: (problem: string) => void, maxBytes = defaultMaxFrameBytes) {
  const decoder = new TextDecoder()
  let pending = ''
  let skipping = false
  const tooLong = () => onBadLine(`a frame over ${maxBytes} bytes, dropped`)

  const line = (text: string) => {
    if (text.length === 0) return
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

  // Decoding a whole chunk at once and splitting the text is cheaper than a decode per line;
  // `stream: true` keeps a character split between chunks whole.
  return (chunk: Uint8Array) => {
    const text = decoder.decode(chunk, { stream: true })
    let start = 0
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      const piece = text.slice(start, end)
      start = end + 1
      if (skipping) {
        skipping = false
        continue
      }
      const whole = pending ? pending + piece : piece
      pending = ''
      if (whole.length > maxBytes) tooLong()
      else line(whole)
    }
    if (skipping || start === text.length) return
    const rest = text.slice(start)
    if (pending.length + rest.length > maxBytes) {
      pending = ''
      skipping = true
      tooLong()
    } else pending += rest
  }
}

// --- internal ---

function excerpt(text: string): string {
  const shown = text.length > 200 ? `${text.slice(0, 200)}…` : text
  return JSON.stringify(shown)
}
