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
 * A ring of slots plus an index by id: adding a trace overwrites the oldest slot, with no
 * per-request allocation beyond the trace itself.
 */
export function createMemoryTraceStore(options: { capacity?: number; maxSpans?: number } = {}): TraceStore {
  const capacity = options.capacity ?? 1000
  const maxSpans = options.maxSpans ?? 500
  const ring: Array<Trace | undefined> = new Array(capacity)
  const byId = new Map<string, Trace>()
  let next = 0
  return {
    begin(trace) {
      const evicted = ring[next]
      if (evicted) byId.delete(evicted.id)
      ring[next] = trace
      next = (next + 1) % capacity
      byId.set(trace.id, trace)
    },
    addSpan(span) {
      const trace = byId.get(span.traceId)
      if (trace && trace.spans.length < maxSpans) trace.spans.push(span)
    },
    get: (id) => byId.get(id),
    list({ limit = 100 } = {}) {
      const out: TraceSummary[] = []
      for (let i = 1; i <= capacity && out.length < limit; i++) {
        const trace = ring[(next - i + capacity) % capacity]
        if (trace) out.push(summarize(trace))
      }
      return out
    },
    async close() {
      ring.fill(undefined)
      byId.clear()
    },
  }
}
