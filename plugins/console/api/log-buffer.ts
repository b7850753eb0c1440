/**
 * The newest log lines, for the Logs page, `motia logs` and the live feed: fed by the runtime's
 * `log` event, bounded in lines and in bytes like the trace store.
 *
 * Each line is clipped and turned into JSON once, when it arrives: its message to `maxChars`
 * characters and its fields to a copy whose JSON is about `maxChars` characters (a logged 1 MB
 * body keeps a few KB). Readers — a `/logs` answer, every live client — share that one JSON text,
 * so a line costs the same whether nobody or a thousand clients follow the log.
 */
import { boundedCopy, clipText, type LogEntry, type LogLevel } from 'motia'

/** A line as kept: its JSON, and what the filters look at. */
export interface StoredLog {
  json: string
  rank: number
  step?: string
  traceId?: string
  /** Estimated bytes held (two per character, and the record). */
  bytes: number
}

export interface LogFilter {
  /** This level and above. */
  level?: LogLevel
  step?: string
  traceId?: string
  /** Case-insensitive, in the message and the fields. */
  text?: string
}

export interface LogBufferOptions {
  /** Lines kept at most. */
  capacity: number
  /** Bytes kept at most; the oldest lines go first. */
  maxBytes: number
  /** Characters of a message, and about the JSON of the fields, kept per line. Default 4096. */
  maxChars?: number
}

export interface LogBuffer {
  /** Keeps a line (clipped), dropping the oldest past the bounds; returns it as kept. */
  push(entry: LogEntry): StoredLog
  /** Oldest first, the newest `limit` that match. */
  list(filter: LogFilter, limit: number): StoredLog[]
  /** Bytes held now. */
  bytes(): number
}

export function createLogBuffer(options: LogBufferOptions): LogBuffer {
  const { capacity, maxBytes, maxChars = 4096 } = options
  const ring: Array<StoredLog | undefined> = new Array(capacity)
  let start = 0
  let count = 0
  let held = 0
  return {
    push(entry) {
      const log = storedLog(entry, maxChars)
      if (count === capacity) dropOldest()
      ring[(start + count) % capacity] = log
      count++
      held += log.bytes
      // The newest line always stays, even alone over the budget (it was clipped already).
      while (held > maxBytes && count > 1) dropOldest()
      return log
    },
    list(filter, limit) {
      const test = logMatcher(filter)
      const out: StoredLog[] = []
      for (let i = count - 1; i >= 0 && out.length < limit; i--) {
        const log = ring[(start + i) % capacity]!
        if (test(log)) out.push(log)
      }
      return out.reverse()
    },
    bytes: () => held,
  }

  function dropOldest() {
    held -= ring[start]!.bytes
    ring[start] = undefined
    start = (start + 1) % capacity
    count--
  }
}

/** The filter as a predicate; `undefined` fields match everything. */
export function logMatcher(filter: LogFilter): (log: StoredLog) => boolean {
  const min = filter.level ? (rank[filter.level] ?? 0) : 0
  const text = filter.text?.toLowerCase()
  return (log) =>
    log.rank >= min &&
    (!filter.step || log.step === filter.step) &&
    (!filter.traceId || log.traceId === filter.traceId) &&
    (!text || log.json.toLowerCase().includes(text))
}

/** The filter a request's query asks for: `?level=warn&step=X&traceId=T&q=text`. */
export function logFilterOf(query: URLSearchParams): LogFilter | string {
  const level = query.get('level') ?? undefined
  if (level && !(level in rank)) return `level must be one of debug, info, warn, error; got "${level}"`
  return { level: level as LogLevel | undefined, step: query.get('step') ?? undefined, traceId: query.get('traceId') ?? undefined, text: query.get('q') ?? undefined }
}

/** `{"logs":[…]}` from kept lines, without parsing them again. */
export function logsJson(logs: readonly StoredLog[]): string {
  return `{"logs":[${logs.map((log) => log.json).join(',')}]}`
}

// --- internal ---

const rank: Record<string, number> = { debug: 10, info: 20, warn: 30, error: 40 }

/** What a kept line costs besides its JSON: the record and its slot. */
const LOG_BYTES = 96

function storedLog(entry: LogEntry, maxChars: number): StoredLog {
  let json: string
  if (isSmall(entry, maxChars)) {
    // Most lines: a short message and a few short fields, already in the logger's key order.
    json = JSON.stringify(entry)
  } else {
    const { time, level, msg, ...fields } = entry
    // The fields first, clipped; then the line's own keys, which a field cannot replace.
    const line = { ...(boundedCopy(fields, maxChars) as Record<string, unknown>), time, level, msg: clipText(typeof msg === 'string' ? msg : String(msg), maxChars) }
    try {
      json = JSON.stringify(line)
    } catch {
      json = JSON.stringify({ time, level, msg: line.msg, fields: '[not serializable]' })
    }
  }
  return {
    json,
    rank: rank[entry.level] ?? 0,
    step: typeof entry.step === 'string' ? entry.step : undefined,
    traceId: typeof entry.traceId === 'string' ? entry.traceId : undefined,
    bytes: LOG_BYTES + 2 * json.length,
  }
}

/** A line whose JSON is short for sure: every value a short string, a number or a few short strings (`flows`). */
function isSmall(entry: LogEntry, maxChars: number): boolean {
  if (typeof entry.msg !== 'string' || entry.msg.length > maxChars) return false
  const short = maxChars / 8
  let keys = 0
  for (const key in entry) {
    if (++keys > 32) return false
    const value = entry[key]
    if (key === 'msg' || typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) continue
    if (typeof value === 'string' ? value.length > short : !(Array.isArray(value) && value.length <= 8 && value.every((v) => typeof v === 'string' && v.length <= short))) return false
  }
  return true
}
