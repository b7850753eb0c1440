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

/** Keeps the newest `capacity` traces in memory (default 1000), each with at most 500 spans. */
export function createMemoryTraceStore(options: { capacity?: number; maxSpans?: number } = {}): TraceStore {
  const capacity = options.capacity ?? 1000
  const maxSpans = options.maxSpans ?? 500
  const traces = new Map<string, Trace>()
  return {
    begin(trace) {
      traces.set(trace.id, trace)
      if (traces.size > capacity) traces.delete(traces.keys().next().value as string)
    },
    addSpan(span) {
      const trace = traces.get(span.traceId)
      if (trace && trace.spans.length < maxSpans) trace.spans.push(span)
    },
    get: (id) => traces.get(id),
    list({ limit = 100 } = {}) {
      const out: TraceSummary[] = []
      const all = [...traces.values()]
      for (let i = all.length - 1; i >= 0 && out.length < limit; i--) out.push(summarize(all[i]!))
      return out
    },
    async close() {
      traces.clear()
    },
  }
}
