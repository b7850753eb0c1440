/**
 * The control routes of durable runs and of replay, for the console and scripts (documented in
 * docs/workflows.md). Control routes like the others under `/__motia/`: open on a loopback
 * `motia dev`, behind the control token otherwise (http/control-guard.ts).
 *
 *   GET  /__motia/runs?status=&step=&limit=      runs, newest first
 *   GET  /__motia/runs/:id                       a run with its checkpoints
 *   POST /__motia/runs/:id/cancel | /wake        cancel; end a sleep or time a wait out now
 *   POST /__motia/runs/:id/replay {"from"?}      a new run from a checkpoint of this one
 *   POST /__motia/replay {"traceId","step"?}     re-run a recorded run with its input (motia dev)
 *
 * The engine and replay load at the first request that needs them, not at start.
 */
import { MotiaError, errorMessage } from '../errors.ts'
import { json } from '../http/server.ts'
import { liveStatuses, type RunStatus, type WorkflowStore } from '../adapters/workflows/types.ts'
import type { MotiaRuntime } from '../types/runtime.ts'

const statuses: readonly RunStatus[] = [...liveStatuses, 'completed', 'failed', 'cancelled']

export function registerWorkflowRoutes(runtime: MotiaRuntime, store: WorkflowStore): void {
  const route = (method: 'GET' | 'POST', path: string, handler: (request: Request, params: Record<string, string>) => Promise<Response>) =>
    runtime.http.route({ method, path, handler: (request, params) => handler(request, params).catch((error: unknown) => answer(runtime, error)) })

  route('GET', '/__motia/runs', async (request) => {
    const query = new URL(request.url).searchParams
    const status = query.get('status') ?? undefined
    if (status !== undefined && !statuses.includes(status as RunStatus)) return json({ error: `status must be one of ${statuses.join(', ')}` }, 400)
    const limit = Number(query.get('limit') ?? 100)
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return json({ error: 'limit must be a whole number from 1 to 1000' }, 400)
    const before = query.get('before')
    return json({ runs: await store.list({ status: status as RunStatus | undefined, step: query.get('step') ?? undefined, limit, before: before ? Number(before) : undefined }) })
  })
  route('GET', '/__motia/runs/:id', async (_request, params) => {
    const run = await store.get(params.id!)
    return run ? json({ run, checkpoints: await store.checkpoints(run.id) }) : json({ error: `no workflow run with id ${params.id}` }, 404)
  })
  route('POST', '/__motia/runs/:id/cancel', async (_request, params) => {
    const { cancelRun } = await import('./engine.ts')
    const cancelled = await cancelRun(store, params.id!, 'cancelled from the console')
    if (cancelled) return json({ run: cancelled })
    const run = await store.get(params.id!)
    return run ? json({ error: `run ${run.id} is ${run.status}: nothing to cancel` }, 409) : json({ error: `no workflow run with id ${params.id}` }, 404)
  })
  route('POST', '/__motia/runs/:id/wake', async (_request, params) => {
    const { wakeRun } = await import('./engine.ts')
    const woken = await wakeRun(store, runtime.queue, params.id!)
    if (woken) return json({ run: woken })
    const run = await store.get(params.id!)
    return run ? json({ error: `run ${run.id} is ${run.status}: only a sleeping or waiting run can be woken` }, 409) : json({ error: `no workflow run with id ${params.id}` }, 404)
  })
  route('POST', '/__motia/runs/:id/replay', async (request, params) => {
    const body = await bodyOf(request)
    if (body.from !== undefined && typeof body.from !== 'string') return json({ error: '"from" must be a checkpoint id (a string)' }, 400)
    const run = await store.get(params.id!)
    const traceId = runtime.startTrace(`replay run ${params.id}`, 'replay')
    if (!run) return json({ error: `no workflow run with id ${params.id}` }, 404)
    const { replayRun } = await import('./replay.ts')
    return json({ run: await replayRun(store, runtime.queue, run.id, { from: body.from as string | undefined, traceId }) }, 202)
  })
  route('POST', '/__motia/replay', async (request) => {
    const body = await bodyOf(request)
    if (typeof body.traceId !== 'string') return json({ error: 'body must be { "traceId": "...", "step"?: "..." }' }, 400)
    if (body.step !== undefined && typeof body.step !== 'string') return json({ error: '"step" must be a step name (a string)' }, 400)
    const { replayTrace } = await import('./replay.ts')
    return json(await replayTrace(runtime, body.traceId, body.step as string | undefined))
  })
}

// --- internal ---

async function bodyOf(request: Request): Promise<Record<string, unknown>> {
  const text = await request.text()
  if (!text) return {}
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    throw new MotiaError('body must be JSON', { status: 400 })
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new MotiaError('body must be a JSON object', { status: 400 })
  return body as Record<string, unknown>
}

/** A refusal answers with its message; anything else is logged and answers a generic 500. */
function answer(runtime: MotiaRuntime, error: unknown): Response {
  if (error instanceof MotiaError && (error.status < 500 || error.status === 503)) return json({ error: error.message }, error.status)
  runtime.logger.error(`[motia] workflow route failed: ${errorMessage(error)}`, { error: error as Error })
  return json({ error: 'internal error (see the server log)' }, 500)
}
