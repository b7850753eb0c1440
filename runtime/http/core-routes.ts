/**
 * The runtime's own endpoints under `/__motia`: health, traces, and `POST /__motia/enqueue` for the
 * CLI. The enqueue endpoint answers only callers that send the token from `.motia/server.lock`,
 * i.e. someone who can read the project folder. Traces hold state keys and log lines, so under
 * `motia start` they need that token too; in `motia dev` they are open, for the developer.
 */
import { MotiaError } from '../errors.ts'
import type { MotiaRuntime } from '../runtime-types.ts'
import { json } from './server.ts'
import type { Trace } from '../observability/trace-store.ts'
import type { SharedTraceStore } from '../adapters/redis/traces.ts'

export function registerCoreRoutes(runtime: MotiaRuntime, options: { controlToken?: string } = {}): void {
  const started = Date.now()
  const { controlToken } = options
  const refused = (request: Request) =>
    runtime.mode === 'start' && (!controlToken || request.headers.get('x-motia-token') !== controlToken)
      ? json({ error: 'traces of a production server need the x-motia-token header from .motia/server.lock' }, 403)
      : undefined
  runtime.http.route({
    method: 'GET',
    path: '/__motia/health',
    handler: () => json({ status: 'ok', uptimeMs: Date.now() - started, steps: runtime.steps().length }),
  })
  runtime.http.route({
    method: 'GET',
    path: '/__motia/traces',
    handler: (request) => {
      const denied = refused(request)
      if (denied) return denied
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
    handler: (request, params) => {
      const denied = refused(request)
      if (denied) return denied
      const found = (trace: Trace | undefined) => (trace ? json(trace) : json({ error: `no trace "${params.id}"` }, 404))
      const shared = runtime.traces as Partial<SharedTraceStore>
      return shared.fetch ? shared.fetch(params.id!).then(found) : found(runtime.traces.get(params.id!))
    },
  })
  if (controlToken) {
    runtime.http.route({
      method: 'POST',
      path: '/__motia/enqueue',
      handler: async (request) => {
        if (request.headers.get('x-motia-token') !== controlToken) return json({ error: 'missing or wrong x-motia-token' }, 403)
        let message: { topic?: unknown; data?: unknown; messageGroupId?: unknown; delayMs?: unknown }
        try {
          message = (await request.json()) as typeof message
        } catch {
          return json({ error: 'body must be JSON: { "topic": "...", "data": ... }' }, 400)
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
            },
            { traceId },
          )
        } catch (error) {
          if (error instanceof MotiaError) return json({ error: error.message }, error.status === 503 ? 503 : error.status >= 500 ? 400 : error.status)
          throw error
        }
        return json({ traceId, subscribers: runtime.subscribers(message.topic).map((s) => s.step.name) }, 202)
      },
    })
  }
}
