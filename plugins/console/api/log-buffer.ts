/**
 * The newest log lines, for the Logs page and `motia logs`: a ring of `capacity` entries fed by
 * the runtime's `log` event, with the filters the API takes.
 */
import type { LogEntry, LogLevel } from 'motia'

export interface LogFilter {
  /** This level and above. */
  level?: LogLevel
  step?: string
  traceId?: string
  /** Case-insensitive, in the message and the fields. */
  text?: string
}

export interface LogBuffer {
  push(entry: LogEntry): void
  /** Oldest first, the newest `limit` that match. */
  list(filter: LogFilter, limit: number): LogEntry[]
}

export function createLogBuffer(capacity: number): LogBuffer {
  const ring: LogEntry[] = []
  let next = 0
  return {
    push(entry) {
      ring[next] = entry
      next = (next + 1) % capacity
    },
    list(filter, limit) {
      const ordered = [...ring.slice(next), ...ring.slice(0, next)]
      const test = logMatcher(filter)
      return ordered.filter(test).slice(-limit)
    },
  }
}

/** The filter as a predicate; `undefined` fields match everything. */
export function logMatcher(filter: LogFilter): (entry: LogEntry) => boolean {
  const min = filter.level ? (rank[filter.level] ?? 0) : 0
  const text = filter.text?.toLowerCase()
  return (entry) =>
    (rank[entry.level] ?? 0) >= min &&
    (!filter.step || entry.step === filter.step) &&
    (!filter.traceId || entry.traceId === filter.traceId) &&
    (!text || safeText(entry).toLowerCase().includes(text))
}

/** The filter a request's query asks for: `?level=warn&step=X&traceId=T&q=text`. */
export function logFilterOf(query: URLSearchParams): LogFilter | string {
  const level = query.get('level') ?? undefined
  if (level && !(level in rank)) return `level must be one of debug, info, warn, error; got "${level}"`
  return { level: level as LogLevel | undefined, step: query.get('step') ?? undefined, traceId: query.get('traceId') ?? undefined, text: query.get('q') ?? undefined }
}

// --- internal ---

const rank: Record<string, number> = { debug: 10, info: 20, warn: 30, error: 40 }

function safeText(entry: LogEntry): string {
  try {
    return JSON.stringify(entry)
  } catch {
    return entry.msg
  }
}
