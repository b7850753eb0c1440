/** The runtime's own endpoints under `/__motia`: health and traces. */
import type { MotiaRuntime } from '../runtime-types.ts'
import { json } from './server.ts'

export function registerCoreRoutes(runtime: MotiaRuntime): void {
  const started = Date.now()
  runtime.http.route({
    method: 'GET',
    path: '/__motia/health',
    handler: () => json({ status: 'ok', uptimeMs: Date.now() - started, steps: runtime.steps().length }),
  })
  runtime.http.route({
    method: 'GET',
    path: '/__motia/traces',
    handler: (request) => {
      const limit = Number(new URL(request.url).searchParams.get('limit') ?? 100)
      return json({ traces: runtime.traces.list({ limit: Number.isFinite(limit) && limit > 0 ? limit : 100 }) })
    },
  })
  runtime.http.route({
    method: 'GET',
    path: '/__motia/traces/:id',
    handler: (_request, params) => {
      const trace = runtime.traces.get(params.id!)
      return trace ? json(trace) : json({ error: `no trace "${params.id}"` }, 404)
    },
  })
}
