/**
 * The runtime's own endpoints under `/__motia`: health, traces, and `POST /__motia/enqueue` for the
 * CLI. Every one but health is a control route, guarded by control-guard.ts: only requests
 * addressed to this machine and not sent by another site's page; and only callers that send the
 * token from `.motia/server.lock` (someone who can read the project folder) whenever the server is
 * in production (`motia start`) or listens beyond this machine. A `motia dev` on loopback, where
 * only the developer can reach it, leaves traces open. The enqueue endpoint always needs the token.
 */
import { MotiaError } from '../errors.ts'
import type { MotiaRuntime } from '../types/runtime.ts'
import { createControlGuard, isLoopback, tokenCheck } from './control-guard.ts'
import { json } from './server.ts'
import type { Trace } from '../adapters/traces/types.ts'
import type { SharedTraceStore } from '../adapters/traces/types.ts'

export function registerCoreRoutes(runtime: MotiaRuntime, options: { controlToken?: string } = {}): void {
  const started = Date.now()
  const { controlToken } = options
  const { host } = runtime.config.http
  const why = runtime.mode === 'start' ? 'under motia start' : `while the server listens on ${host}, beyond this machine`
  const open = runtime.mode !== 'start' && isLoopback(host)
  const allowedHosts = runtime.config.http.allowedHosts ?? []
  runtime.http.guardControl(createControlGuard({ mode: runtime.mode, listenHost: host, allowedHosts, token: open ? undefined : tokenCheck(controlToken, why) }))
  runtime.http.route({
    method: 'GET',
    path: '/__motia/health',
    open: true,
    handler: () => json({ status: 'ok', uptimeMs: Date.now() - started, steps: runtime.steps().length }),
  })
  // The client's source is loaded (and its types stripped) on the first request for it, not at start.
  runtime.http.route({ method: 'GET', path: '/__motia/client.js', open: true, handler: async (request) => (await import('../streams/client-script.ts')).clientScript(request) })
  runtime.http.route({
    method: 'GET',
    path: '/__motia/traces',
    handler: (request) => {
      const limit = Number(new URL(request.url).searchParams.get('limit') ?? 100)
      const options = { limit: Number.isFinite(limit) && limit > 0 ? limit : 100 }
      const shared = runtime.traces as Partial<SharedTraceStore>
      // A shared store (Redis) reads every instance's spans.
      return shared.fetchList ? shared.fetchList(options).then((traces) => json({ traces })) : json({ traces: runtime.traces.list(options) })
    },
  })
  runtime.http.route({
    method: 'GET',
    path: '/__motia/traces/:id',
    handler: (_request, params) => {
      const found = (trace: Trace | undefined) => (trace ? json(trace) : json({ error: `no trace "${params.id}"` }, 404))
      const shared = runtime.traces as Partial<SharedTraceStore>
      return shared.fetch ? shared.fetch(params.id!).then(found) : found(runtime.traces.get(params.id!))
    },
  })
  if (controlToken) {
    const always = tokenCheck(controlToken, 'always')
    runtime.http.route({
      method: 'POST',
      path: '/__motia/enqueue',
      // The guard opens the other control routes on loopback in dev; this one never is open.
      handler: async (request) => always(request) ?? enqueue(runtime, request),
    })
  }
}

// --- internal ---

type Message = { topic?: unknown; data?: unknown; messageGroupId?: unknown; delayMs?: unknown; id?: unknown }

async function enqueue(runtime: MotiaRuntime, request: Request): Promise<Response> {
  let message: Message
  try {
    message = (await request.json()) as Message
  } catch {
    return json({ error: 'body must be JSON: { "topic": "...", "data": ... }' }, 400)
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return json({ error: 'body must be a JSON object: { "topic": "...", "data": ... }' }, 400)
  }
  if (typeof message.topic !== 'string') return json({ error: '"topic" must be a string' }, 400)
  const traceId = runtime.startTrace(`enqueue ${message.topic}`, 'enqueue')
  try {
    await runtime.enqueue(
      {
        topic: message.topic,
        data: message.data,
        // Passed as sent (null is JSON for "none"): runtime.enqueue refuses bad values with a 400.
        messageGroupId: (message.messageGroupId ?? undefined) as string | undefined,
        delayMs: (message.delayMs ?? undefined) as number | undefined,
        // With an id, a client that got no answer (a 503, a timeout) sends the same request again.
        id: (message.id ?? undefined) as string | undefined,
      },
      { traceId },
    )
  } catch (error) {
    if (error instanceof MotiaError) return json({ error: error.message }, error.status)
    throw error
  }
  return json({ traceId, subscribers: runtime.subscribers(message.topic).map((s) => s.step.name) }, 202)
}
