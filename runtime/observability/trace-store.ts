/**
 * TraceStore: where traces and their spans are kept for the console and `/__motia/traces`.
 *
 * Guarantees: the newest `capacity` traces are kept; a trace's spans come back in start order.
 * Not guaranteed: durability (the memory store forgets on restart, and drops the oldest traces).
 * Lifecycle: one per process; `close()` at shutdown.
 */

export type SpanEvent =
  | { type: 'state'; op: string; group: string; key?: string; at: number }
  | { type: 'enqueue'; topic: string; subscribers: number; at: number }
  | { type: 'log'; level: string; msg: string; at: number; fields?: Record<string, unknown> }

export interface Span {
  id: string
  traceId: string
  step: string
  trigger: string
  startedAt: number
  endedAt?: number
  durationMs?: number
  status: 'running' | 'ok' | 'error'
  error?: string
  events: SpanEvent[]
}

export interface Trace {
  id: string
  /** What started it: `POST /users`, `cron NightlyReport`, `enqueue user-created`. */
  name: string
  entry: string
  startedAt: number
  spans: Span[]
}

/** A trace as listed: its spans summed up. */
export interface TraceSummary {
  id: string
  name: string
  entry: string
  startedAt: number
  durationMs: number
  status: 'running' | 'ok' | 'error'
  steps: string[]
}

export interface TraceStore {
  begin(trace: Trace): void
  addSpan(span: Span): void
  get(id: string): Trace | undefined
  list(options?: { limit?: number }): TraceSummary[]
  close(): Promise<void>
}

/** Summarises a trace: running while any span runs, error if any span failed. */
export function summarize(trace: Trace): TraceSummary {
  let end = trace.startedAt
  let status: TraceSummary['status'] = 'ok'
  const steps = new Set<string>()
  for (const span of trace.spans) {
    steps.add(span.step)
    if (span.status === 'running') status = 'running'
    else if (span.status === 'error' && status !== 'running') status = 'error'
    end = Math.max(end, span.endedAt ?? span.startedAt)
  }
  return { id: trace.id, name: trace.name, entry: trace.entry, startedAt: trace.startedAt, durationMs: end - trace.startedAt, status, steps: [...steps] }
}

/**
 * Keeps the newest `capacity` traces in memory (default 1000), each with at most 500 spans.
 *
 * The store is on every request's path, so it avoids a map: ids made by `newTraceId()` end in a
 * counter, which picks the trace's slot in a ring directly (a newer trace in the same slot is
 * the eviction of the older one). Ids from elsewhere go through a small map of their own.
 */
export function createMemoryTraceStore(options: { capacity?: number; maxSpans?: number } = {}): TraceStore {
  const capacity = options.capacity ?? 1000
  const maxSpans = options.maxSpans ?? 500
  const ring: Array<Trace | undefined> = new Array(capacity)
  const foreign = new Map<string, Trace>()

  const find = (id: string): Trace | undefined => {
    const slot = slotOf(id, capacity)
    const trace = slot === undefined ? undefined : ring[slot]
    return trace?.id === id ? trace : foreign.get(id)
  }

  return {
    begin(trace) {
      const slot = slotOf(trace.id, capacity)
      if (slot === undefined) {
        foreign.set(trace.id, trace)
        if (foreign.size > capacity) foreign.delete(foreign.keys().next().value as string)
        return
      }
      ring[slot] = trace
    },
    addSpan(span) {
      const trace = find(span.traceId)
      if (trace && trace.spans.length < maxSpans) trace.spans.push(span)
    },
    get: find,
    list({ limit = 100 } = {}) {
      const all = [...ring.filter((trace): trace is Trace => trace !== undefined), ...foreign.values()]
      all.sort((a, b) => b.startedAt - a.startedAt)
      return all.slice(0, limit).map(summarize)
    },
    async close() {
      ring.fill(undefined)
      foreign.clear()
    },
  }
}

// --- internal ---

/** The ring slot of an id from `newTraceId()` (32 hex digits ending in a counter), else undefined. */
function slotOf(id: string, capacity: number): number | undefined {
  if (id.length !== 32) return undefined
  const counter = Number.parseInt(id.slice(24), 16)
  return Number.isNaN(counter) ? undefined : counter % capacity
}
