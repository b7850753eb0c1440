/**
 * TraceStore: where traces and their spans are recorded for the console and `/__motia/traces`.
 *
 * The runtime writes through four calls — `begin` a trace, `startSpan`, `addEvent`, `endSpan` —
 * and reads through `get` and `list`, which build `Trace` objects on demand. Writing is on every
 * request's path: no call may wait on I/O; a store that shares traces (Redis) queues its writes.
 *
 * Guarantees (every implementation; contract.ts checks them): a trace begun here comes back from
 * `get` with its spans in start order, their events, status, error and attempt; `list` gives the
 * newest first, summarised; writes to a handle of 0 (a span not recorded) are ignored; the store
 * holds a bounded number of traces.
 * Not guaranteed: durability (the memory store forgets on restart, and drops the oldest traces),
 * spans of a trace this store never began (another process's, or one already dropped) in the
 * synchronous reads: a `SharedTraceStore` reads every instance's through `fetch`/`fetchList`.
 * Lifecycle: one per process, opened by the runtime (runtime/adapters/resolve.ts); `close()` at
 * shutdown. Implementations: memory.ts (the default), ../redis/traces.ts.
 */

export type SpanEvent =
  | { type: 'state'; op: string; group: string; key?: string; at: number }
  | { type: 'enqueue'; topic: string; subscribers: number; at: number }
  | { type: 'stream'; op: string; stream: string; groupId: string; id?: string; at: number }
  | { type: 'log'; level: string; msg: string; at: number; fields?: Record<string, unknown> }
  /**
   * What the run was given and what it returned, as a bounded JSON-like copy. Recorded only by a
   * plugin that asks for it (the console, see docs/console.md), never by the runtime itself.
   */
  | { type: 'input' | 'output'; value: unknown; at: number }
  /**
   * A durable workflow run's life (runtime/workflows/): started, a checkpoint replayed from the
   * record, parked at a sleep or a wait (until when), completed. Executed checkpoints are spans.
   */
  /**
   * Why a run failed, with its stack: for Python and Ruby steps, the language's traceback. Kept
   * beside the span's `error` (the message alone), clipped like every string of a span.
   */
  | { type: 'exception'; name: string; message: string; stack: string; at: number }
  | { type: 'workflow'; op: 'start' | 'replay' | 'sleep' | 'wait' | 'completed' | 'ended'; run: string; id?: string; topic?: string; until?: number; at: number }

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
  /** The delivery attempt of a queue message, when the run had one. */
  attempt?: number
  events: SpanEvent[]
  /** Events recorded but not kept: past `maxEvents`, or dropped to stay within `maxBytes`. */
  eventsDropped?: number
}

export interface Trace {
  id: string
  /** What started it: `POST /users`, `cron NightlyReport`, `enqueue user-created`. */
  name: string
  entry: string
  startedAt: number
  /** The HTTP status its request was answered with, when an http trigger started it (see `respond`). */
  httpStatus?: number
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
  /** The HTTP status its request was answered with: a 400 refused by validation has no span, but has this. */
  httpStatus?: number
  steps: string[]
}

/** A span being recorded, as `startSpan` returned it; 0 is a span that is not recorded. */
export type SpanHandle = number

export interface TraceStore {
  /** Records a trace started at `startedAt`; `id` comes from `newTraceId()`. */
  begin(id: string, name: string, entry: string, startedAt: number): void
  /** Records a step run starting within trace `traceId`. */
  startSpan(traceId: string, step: string, trigger: string, startedAt: number, attempt?: number): SpanHandle
  addEvent(span: SpanHandle, event: SpanEvent): void
  /** Ends the span: `error` is the failure's message, absent when the run succeeded. */
  endSpan(span: SpanHandle, endedAt: number, error?: string): void
  /**
   * Records the HTTP status the trace's request was answered with, once per request (the http
   * trigger calls it). Optional: a store without it lists http traces by their spans alone.
   */
  respond?(traceId: string, status: number): void
  get(id: string): Trace | undefined
  list(options?: { limit?: number }): TraceSummary[]
  close(): Promise<void>
}

/** A store that shares traces across instances (Redis): its async reads see every instance's spans. */
export interface SharedTraceStore extends TraceStore {
  fetch(id: string): Promise<Trace | undefined>
  fetchList(options?: { limit?: number }): Promise<TraceSummary[]>
}

/**
 * Summarises a trace: running while any span runs, error if a failure was not recovered. Each
 * retry of a queue message (a span with attempt > 1) follows one failed span, so a trace whose
 * failed attempts were all retried succeeded, its failed attempts still listed as spans.
 */
export function summarize(trace: Trace): TraceSummary {
  let end = trace.startedAt
  let running = false
  let failures = 0
  const steps = new Set<string>()
  for (const span of trace.spans) {
    steps.add(span.step)
    if (span.status === 'running') running = true
    else if (span.status === 'error') failures++
    if ((span.attempt ?? 1) > 1) failures--
    end = Math.max(end, span.endedAt ?? span.startedAt)
  }
  const status = running ? 'running' : failures > 0 ? 'error' : 'ok'
  const summary: TraceSummary = { id: trace.id, name: trace.name, entry: trace.entry, startedAt: trace.startedAt, durationMs: end - trace.startedAt, status, steps: [...steps] }
  if (trace.httpStatus !== undefined) summary.httpStatus = trace.httpStatus
  return summary
}
