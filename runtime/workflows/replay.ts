/**
 * Replay: a recorded run of any step re-run with its recorded input, in a new trace, against the
 * code loaded now (`replayTrace`, `motia dev` only: it repeats side effects); and a durable run
 * started again from a chosen checkpoint, the checkpoints before it replayed from its record
 * (`replayRun`).
 */
import { MotiaError, errorMessage } from '../errors.ts'
import type { QueueAdapter } from '../adapters/queue/types.ts'
import type { SharedTraceStore, Span, Trace } from '../adapters/traces/types.ts'
import type { WorkflowRun, WorkflowStore } from '../adapters/workflows/types.ts'
import type { MotiaRuntime } from '../types/runtime.ts'
import { driveTopic } from './engine.ts'

/** A trace summed up for a side-by-side view: its spans, in order. */
export interface TraceOutline {
  id: string
  name: string
  spans: Array<{ step: string; trigger: string; status: Span['status']; durationMs?: number; error?: string }>
}

export interface TraceReplay {
  step: string
  /** The replay's trace, and the original's, to show side by side. */
  traceId: string
  original: TraceOutline
  replay?: TraceOutline
  ok: boolean
  error?: string
}

/**
 * Re-runs the span of `step` (the trace's first recorded run when absent) with its recorded input,
 * in a new trace. Throws a `MotiaError` (404, 409) naming what is missing: the trace, the step, or
 * an input (inputs are recorded while the console is on).
 */
export async function replayTrace(runtime: MotiaRuntime, traceId: string, stepName?: string): Promise<TraceReplay> {
  if (runtime.mode !== 'dev') {
    throw new MotiaError('[motia] replay runs handlers again with their side effects: it is served by motia dev only', { code: 'REPLAY_DEV_ONLY', status: 403 })
  }
  const original = await traceOf(runtime, traceId)
  if (!original) throw new MotiaError(`[motia] no trace "${traceId}" in this server (the store keeps the newest traces only): see motia traces`, { code: 'NOT_FOUND', status: 404 })
  const candidates = original.spans.filter((span) => span.trigger !== 'workflow' && !span.trigger.startsWith('checkpoint ') && (stepName === undefined || span.step === stepName))
  const span = candidates[0]
  if (!span) {
    const steps = [...new Set(original.spans.map((s) => s.step))].join(', ')
    throw new MotiaError(`[motia] trace ${traceId} has no run of step "${stepName}"; its steps: ${steps || 'none'}`, { code: 'NOT_FOUND', status: 404 })
  }
  const recorded = span.events.find((event) => event.type === 'input')
  if (!recorded || recorded.type !== 'input') {
    throw new MotiaError(`[motia] the run of step "${span.step}" in trace ${traceId} has no recorded input: inputs are recorded while the console is on (motia dev), for up to 100 runs a second`, { code: 'NO_INPUT', status: 409 })
  }
  const step = runtime.steps().find((s) => s.name === span.step)
  if (!step) throw new MotiaError(`[motia] step "${span.step}" is not loaded any more: restore its file to replay it`, { code: 'NOT_FOUND', status: 404 })
  const trigger = step.triggers.find((t) => t.type === span.trigger) ?? step.triggers[0]!
  const input = trigger.type === 'http' ? requestOf(recorded.value) : recorded.value
  const replayId = runtime.startTrace(`replay ${step.name}`, 'replay')
  let error: string | undefined
  try {
    await runtime.run(step, trigger, input, { traceId: replayId })
  } catch (thrown) {
    error = errorMessage(thrown)
  }
  const replay = await traceOf(runtime, replayId)
  return { step: step.name, traceId: replayId, original: outline(original), ...(replay ? { replay: outline(replay) } : {}), ok: error === undefined, ...(error ? { error } : {}) }
}

/**
 * Starts a new run of the durable run `id`'s step with its input. The checkpoints recorded before
 * `from` are copied, so the new run replays them and executes from `from` on; without `from` it
 * starts from the top. Resolves the new run (`replayOf` names the old one).
 */
export async function replayRun(store: WorkflowStore, queue: QueueAdapter, id: string, options: { from?: string; traceId: string }): Promise<WorkflowRun> {
  const run = await store.get(id)
  if (!run) throw new MotiaError(`[motia] no workflow run with id ${id}: see motia runs list`, { code: 'NOT_FOUND', status: 404 })
  const checkpoints = await store.checkpoints(id)
  let keep = 0
  if (options.from !== undefined) {
    const at = checkpoints.findIndex((c) => c.id === options.from)
    if (at < 0) throw new MotiaError(`[motia] run ${id} has no checkpoint "${options.from}"; its checkpoints: ${checkpoints.map((c) => c.id).join(', ') || 'none'}`, { code: 'NOT_FOUND', status: 404 })
    keep = at
  }
  const now = Date.now()
  const copy: WorkflowRun = { id: `${id.slice(0, 40)}_r${now.toString(36)}${crypto.randomUUID().slice(0, 4)}`, step: run.step, trigger: run.trigger, input: run.input, traceId: options.traceId, status: 'queued', createdAt: now, updatedAt: now, executions: 0, replayOf: id }
  await store.create(copy)
  for (const checkpoint of checkpoints.slice(0, keep)) await store.record(copy.id, checkpoint, Number.MAX_SAFE_INTEGER)
  await queue.publish(driveTopic, [run.step], { runId: copy.id }, { traceId: options.traceId, id: `start:${copy.id}` })
  return copy
}

// --- internal ---

async function traceOf(runtime: MotiaRuntime, id: string): Promise<Trace | undefined> {
  const shared = runtime.traces as Partial<SharedTraceStore>
  return shared.fetch ? shared.fetch(id) : runtime.traces.get(id)
}

function outline(trace: Trace): TraceOutline {
  return { id: trace.id, name: trace.name, spans: trace.spans.map((s) => ({ step: s.step, trigger: s.trigger, status: s.status, durationMs: s.durationMs, ...(s.error ? { error: s.error } : {}) })) }
}

/** An http handler's request, from its recorded copy (masked headers stay masked). */
function requestOf(recorded: unknown): unknown {
  const r = (recorded ?? {}) as { method?: string; path?: string; params?: Record<string, string>; query?: Record<string, string>; headers?: Record<string, string>; body?: unknown }
  const params = r.params ?? {}
  const query = r.query ?? {}
  const headers = r.headers ?? {}
  const method = r.method ?? 'GET'
  const path = r.path ?? '/'
  return {
    body: r.body,
    params,
    pathParams: params,
    query,
    queryParams: query,
    headers,
    method,
    path,
    raw: new Request(`http://replay.local${path}`, { method }),
    request: { body: r.body, pathParams: params, queryParams: query, headers, method, requestBody: null },
  }
}
