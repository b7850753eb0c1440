/**
 * `GET /__motia/api/traces` (filtered, newest first) and `GET /__motia/api/traces/:id` (a trace
 * whose queue spans carry `queuedAt`: when the message they ran was enqueued, or when the
 * previous attempt ended, so the waterfall can draw the wait).
 */
import type { LoadedStep, Span, Trace, TraceStore, TraceSummary } from 'motia'

/** `ok`: no step failed and no 4xx/5xx answer; `4xx` / `5xx`: the HTTP status of the request; `error`: a step failed. */
export type StatusFilter = TraceSummary['status'] | '4xx' | '5xx'

const statuses: readonly StatusFilter[] = ['running', 'ok', 'error', '4xx', '5xx']

export interface TraceFilter {
  step?: string
  status?: StatusFilter
  minDurationMs?: number
  /** Case-insensitive, in the id, the name and the step names. */
  text?: string
  limit: number
}

/** The filter a request's query asks for, or the reason it is wrong. */
export function traceFilterOf(query: URLSearchParams): TraceFilter | string {
  const status = query.get('status') ?? undefined
  if (status && !statuses.includes(status as StatusFilter)) return `status must be one of ${statuses.join(', ')}; got "${status}"`
  const min = query.get('minMs')
  const minDurationMs = min === null ? undefined : Number(min)
  if (minDurationMs !== undefined && !(Number.isFinite(minDurationMs) && minDurationMs >= 0)) return `minMs must be a number of milliseconds ≥ 0; got "${min}"`
  const limit = Number(query.get('limit') ?? 100)
  if (!(Number.isInteger(limit) && limit > 0)) return `limit must be a whole number above 0; got "${query.get('limit')}"`
  return { step: query.get('step') ?? undefined, status: status as TraceFilter['status'], minDurationMs, text: query.get('q')?.toLowerCase() || undefined, limit }
}

export function listTraces(store: TraceStore, filter: TraceFilter): TraceSummary[] {
  // The store lists newest first; a filter looks through every trace held.
  const all = store.list({ limit: Number.MAX_SAFE_INTEGER })
  const out: TraceSummary[] = []
  for (const trace of all) {
    if (filter.step && !trace.steps.includes(filter.step)) continue
    if (filter.status && !hasStatus(trace, filter.status)) continue
    if (filter.minDurationMs !== undefined && trace.durationMs < filter.minDurationMs) continue
    if (filter.text && !`${trace.id} ${trace.name} ${trace.steps.join(' ')}`.toLowerCase().includes(filter.text)) continue
    out.push(trace)
    if (out.length >= filter.limit) break
  }
  return out
}

function hasStatus(trace: TraceSummary, status: StatusFilter): boolean {
  const http = trace.httpStatus ?? 0
  if (status === '4xx') return http >= 400 && http < 500
  if (status === '5xx') return http >= 500
  if (status === 'ok') return trace.status === 'ok' && http < 400
  return trace.status === status
}

export type DetailedSpan = Span & { queuedAt?: number }

export function traceDetail(trace: Trace, steps: readonly LoadedStep[]): Trace & { spans: DetailedSpan[] } {
  const topicsOf = new Map(steps.map((s) => [s.name, new Set(s.triggers.flatMap((t) => (t.type === 'queue' ? [String((t as { topic?: unknown }).topic)] : [])))]))
  const enqueues = trace.spans.flatMap((span) => span.events.flatMap((e) => (e.type === 'enqueue' ? [e] : [])))
  const spans = trace.spans.map((span, i): DetailedSpan => {
    if (span.trigger !== 'queue') return span
    const previous = (span.attempt ?? 1) > 1 ? trace.spans.slice(0, i).reverse().find((s) => s.step === span.step && s.endedAt !== undefined) : undefined
    if (previous) return { ...span, queuedAt: previous.endedAt }
    const topics = topicsOf.get(span.step)
    const sent = enqueues.filter((e) => topics?.has(e.topic) && e.at <= span.startedAt).at(-1)
    return sent ? { ...span, queuedAt: sent.at } : span
  })
  return { ...trace, spans }
}
