/**
 * `motia/plugins/otel`: exports every step run as an OpenTelemetry span and every log line as an
 * OTLP log record, over OTLP/HTTP (JSON) with the official `@opentelemetry` SDK packages.
 *
 * Spans keep Motia's trace ids, so a trace that crossed an enqueue is one OTel trace; a step run by
 * a queue message is the child of the run that enqueued it (when both ran in this process; else a
 * root span of the same trace). Attributes: `motia.step`, `motia.trigger`, `motia.trace.name`,
 * `motia.topic`, `http.route`, `http.request.method`, `http.response.status_code`, `motia.status`.
 * State, stream and enqueue operations become span events. Logs carry the run's trace and span.
 * The SDK packages are imported in `setup`, so a project that does not list the plugin loads none.
 */
import { definePlugin, type MotiaRuntime } from 'motia'
import { z } from 'zod'
import { createOtelBridge, type OtelBridge } from './bridge.ts'

export const otelOptionsSchema = z.object({
  /** The collector's OTLP/HTTP base URL; `/v1/traces` and `/v1/logs` are added. */
  endpoint: z.string().url(),
  /** Sent with every export, e.g. an API key. */
  headers: z.record(z.string(), z.string()).optional(),
  serviceName: z.string().min(1).optional(),
  /** Share of traces exported, 0 to 1 (default 1); decided per trace, so traces stay whole. */
  sampleRate: z.number().min(0).max(1).optional(),
  /** Export log lines too (default true). */
  logs: z.boolean().optional(),
  /** How often batches are sent, in ms (default 1000). */
  exportIntervalMs: z.number().int().positive().optional(),
  /** How long one export may take, the SDK's own retries included, in ms (default 10000). */
  exportTimeoutMs: z.number().int().positive().optional(),
  /** While the collector is down, up to this many spans, and as many log records, are kept (default 2048). */
  bufferSize: z.number().int().positive().optional(),
})

export type OtelOptions = Partial<z.input<typeof otelOptionsSchema>>

/**
 * The otel plugin.
 *
 * @example
 * export default defineConfig({ plugins: [otelPlugin({ endpoint: 'http://localhost:4318', serviceName: 'orders' })] })
 */
export function otelPlugin(options: OtelOptions = {}) {
  const settings = { endpoint: 'http://localhost:4318', serviceName: 'motia', sampleRate: 1, logs: true, exportIntervalMs: 1000, exportTimeoutMs: 10_000, bufferSize: 2048, ...options }
  const bridge: OtelBridge = createOtelBridge()
  return definePlugin({
    name: 'otel',
    options: settings,
    optionsSchema: otelOptionsSchema,
    hooks: {
      transformTraces: (store) => bridge.traces(store),
      transformLogSink: (sink) => (settings.logs ? bridge.logs(sink) : sink),
      wrapHandler: (run, next) => bridge.wrap(run, next),
    },
    async setup(runtime: MotiaRuntime) {
      await bridge.start(runtime, settings)
    },
    dispose: () => bridge.stop(),
  })
}

export default otelPlugin
