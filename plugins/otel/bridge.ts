/**
 * The bridge from Motia's trace store and log sink to the OpenTelemetry SDK. Until `start` has
 * loaded the SDK (in the plugin's `setup`) it only forwards.
 */
import type { LogSink, MotiaRuntime, SharedTraceStore, SpanEvent, StepRun, TraceStore } from 'motia'
import type { Context, Span, SpanContext, Tracer } from '@opentelemetry/api'
import type { Logger as OtelLogger } from '@opentelemetry/api-logs'
import { createOutageWatch, type OutageWatch } from './outage.ts'

export interface OtelSettings {
  endpoint: string
  headers?: Record<string, string>
  serviceName: string
  sampleRate: number
  logs: boolean
  exportIntervalMs: number
  exportTimeoutMs: number
  bufferSize: number
}

export interface OtelBridge {
  traces(store: TraceStore): TraceStore
  logs(sink: LogSink): LogSink
  wrap(run: StepRun, next: () => Promise<unknown>): Promise<unknown>
  start(runtime: MotiaRuntime, settings: OtelSettings): Promise<void>
  stop(): Promise<void>
}

interface Sdk {
  api: typeof import('@opentelemetry/api')
  tracer: Tracer
  logger: OtelLogger | undefined
  shutdown(): Promise<void>
}

/** Bounded maps: a long-running process forgets the oldest traces' parents. */
const keep = 10_000

export function createOtelBridge(): OtelBridge {
  let sdk: Sdk | undefined
  let runtime: MotiaRuntime | undefined
  // The trace id the next root span must get (see the id generator in `load`).
  const next = { traceId: undefined as string | undefined }
  let handles = 0
  const spans = new Map<number, { inner: number; span: Span; traceId: string }>()
  const names = new Map<string, string>()
  // `${traceId}\0${step}` → the span of the run that enqueued to that step (its parent) …
  const parents = new Map<string, SpanContext>()
  // … and → the step's latest span in that trace (for wrap and logs).
  const latest = new Map<string, Span>()

  let indexed: { steps: readonly unknown[]; targets: Map<string, string[]> } | undefined
  /** The steps subscribed to the topics `step` enqueues to, from the loaded steps. */
  const enqueueTargets = (step: string): string[] => {
    const steps = runtime?.steps()
    if (!steps) return []
    if (indexed?.steps !== steps) {
      const targets = new Map<string, string[]>()
      for (const s of steps) targets.set(s.name, [...new Set(s.enqueues.flatMap((topic) => runtime!.subscribers(topic).map((sub) => sub.step.name)))])
      indexed = { steps, targets }
    }
    return indexed.targets.get(step) ?? []
  }

  const remember = <V>(map: Map<string, V>, key: string, value: V) => {
    map.delete(key)
    map.set(key, value)
    if (map.size > keep) map.delete(map.keys().next().value!)
  }

  const startSpan = (traceId: string, step: string, trigger: string, at: number): Span | undefined => {
    if (!sdk) return undefined
    const { api, tracer } = sdk
    const parent = parents.get(`${traceId}\0${step}`)
    const context: Context = parent ? api.trace.setSpanContext(api.ROOT_CONTEXT, parent) : api.ROOT_CONTEXT
    if (!parent) next.traceId = otelTraceId(traceId)
    const attributes: Record<string, string> = { 'motia.step': step, 'motia.trigger': trigger, 'motia.trace.id': traceId }
    const name = names.get(traceId)
    if (name) attributes['motia.trace.name'] = name
    try {
      return tracer.startSpan(step, { startTime: at, attributes, kind: trigger === 'http' ? api.SpanKind.SERVER : api.SpanKind.CONSUMER }, context)
    } finally {
      next.traceId = undefined
    }
  }

  return {
    traces(store) {
      return {
        begin(id, name, entry, at) {
          remember(names, id, name)
          store.begin(id, name, entry, at)
        },
        startSpan(traceId, step, trigger, at, attempt) {
          const inner = store.startSpan(traceId, step, trigger, at, attempt)
          const span = startSpan(traceId, step, trigger, at)
          if (!span) return inner
          if (attempt !== undefined) span.setAttribute('motia.attempt', attempt)
          const handle = -++handles // negative: never clashes with the inner store's handles
          spans.set(handle, { inner, span, traceId })
          remember(latest, `${traceId}\0${step}`, span)
          // Runs started by this run's enqueues are its children. Set before the handler runs: a
          // queue may start them before the enqueue returns (and records its event).
          for (const target of enqueueTargets(step)) remember(parents, `${traceId}\0${target}`, span.spanContext())
          return handle
        },
        addEvent(handle, event) {
          const entry = spans.get(handle)
          store.addEvent(entry ? entry.inner : handle, event)
          if (entry && event.type !== 'log') recordEvent(entry, event, runtime, (step) => remember(parents, `${entry.traceId}\0${step}`, entry.span.spanContext()))
        },
        endSpan(handle, at, error) {
          const entry = spans.get(handle)
          if (!entry) return store.endSpan(handle, at, error)
          spans.delete(handle)
          store.endSpan(entry.inner, at, error)
          entry.span.setAttribute('motia.status', error ? 'error' : 'ok')
          entry.span.setStatus(error ? { code: sdk!.api.SpanStatusCode.ERROR, message: error } : { code: sdk!.api.SpanStatusCode.OK })
          entry.span.end(at)
        },
        respond: store.respond && ((traceId, status) => store.respond!(traceId, status)),
        get: (id) => store.get(id),
        list: (options) => store.list(options),
        // A shared store (Redis) reads every instance's traces through these; `/__motia/traces` looks for them.
        ...sharedReads(store),
        close: () => store.close(),
      }
    },

    logs(sink) {
      return (entry) => {
        sink(entry)
        if (!sdk?.logger) return
        const span = entry.traceId && entry.step ? latest.get(`${entry.traceId}\0${entry.step}`) : undefined
        const { time, level, msg, ...fields } = entry
        const attributes: Record<string, string | number | boolean> = {}
        for (const [key, value] of Object.entries(fields)) {
          if (value === undefined) continue
          attributes[key] = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : safeJson(value)
        }
        sdk.logger.emit({
          timestamp: time,
          severityText: level.toUpperCase(),
          severityNumber: severity[level],
          body: msg,
          attributes,
          context: span ? sdk.api.trace.setSpan(sdk.api.ROOT_CONTEXT, span) : undefined,
        })
      }
    },

    async wrap(run, call) {
      const span = latest.get(`${run.ctx.traceId}\0${run.step.name}`)
      if (!span) return call()
      const t = run.trigger as Record<string, unknown>
      const message = t.message as { topic?: string } | undefined
      const topic = message?.topic ?? t.topic ?? t.queue
      if (typeof topic === 'string') span.setAttribute('motia.topic', topic)
      if (t.type === 'http') {
        span.setAttribute('http.route', String(t.path))
        span.setAttribute('http.request.method', String(t.method ?? 'GET'))
      }
      if (typeof t.cron === 'string') span.setAttribute('motia.cron', t.cron)
      const result = await call()
      const status = (result as { status?: unknown } | undefined)?.status
      if (t.type === 'http' && typeof status === 'number') span.setAttribute('http.response.status_code', status)
      return result
    },

    async start(rt, settings) {
      runtime = rt
      const outages = createOutageWatch({ endpoint: settings.endpoint, bufferSize: settings.bufferSize, retryMs: settings.exportIntervalMs, logger: () => runtime?.logger })
      sdk = await load(settings, next, outages)
    },

    async stop() {
      await sdk?.shutdown()
      sdk = undefined
    },
  }
}

// --- internal ---

const severity = { debug: 5, info: 9, warn: 13, error: 17 } as const

function recordEvent(
  entry: { span: Span; traceId: string },
  event: SpanEvent,
  runtime: MotiaRuntime | undefined,
  parentOf: (step: string) => void,
): void {
  const { type, at, ...fields } = event as SpanEvent & Record<string, unknown>
  const attributes: Record<string, string | number> = {}
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value === 'string' || typeof value === 'number') attributes[`motia.${key}`] = value
  }
  entry.span.addEvent(typeof fields.op === 'string' ? `${type}.${fields.op}` : type, attributes, at as number)
  // The runs this message starts are children of this span.
  if (type === 'enqueue' && runtime && typeof fields.topic === 'string') {
    for (const { step } of runtime.subscribers(fields.topic)) parentOf(step.name)
  }
}

async function load(settings: OtelSettings, next: { traceId: string | undefined }, outages: OutageWatch): Promise<Sdk> {
  const [api, base, { OTLPTraceExporter }, { resourceFromAttributes }] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ])
  const resource = resourceFromAttributes({ 'service.name': settings.serviceName })
  const random = new base.RandomIdGenerator()
  const endpoint = settings.endpoint.replace(/\/$/, '')
  const provider = new base.BasicTracerProvider({
    resource,
    sampler: new base.ParentBasedSampler({ root: new base.TraceIdRatioBasedSampler(settings.sampleRate) }),
    // Root spans take the Motia trace id, so OTel traces and Motia's are the same ids.
    idGenerator: { generateTraceId: () => next.traceId ?? random.generateTraceId(), generateSpanId: () => random.generateSpanId() },
    spanProcessors: [
      new base.BatchSpanProcessor(outages.wrap('spans', new OTLPTraceExporter({ url: `${endpoint}/v1/traces`, headers: settings.headers, timeoutMillis: settings.exportTimeoutMs })), {
        scheduledDelayMillis: settings.exportIntervalMs,
      }),
    ],
  })
  let logger: OtelLogger | undefined
  let logsShutdown = async () => {}
  if (settings.logs) {
    const [{ LoggerProvider, BatchLogRecordProcessor }, { OTLPLogExporter }] = await Promise.all([
      import('@opentelemetry/sdk-logs'),
      import('@opentelemetry/exporter-logs-otlp-http'),
    ])
    const logs = new LoggerProvider({
      resource,
      processors: [
        new BatchLogRecordProcessor({
          exporter: outages.wrap('log records', new OTLPLogExporter({ url: `${endpoint}/v1/logs`, headers: settings.headers, timeoutMillis: settings.exportTimeoutMs })),
          scheduledDelayMillis: settings.exportIntervalMs,
        }),
      ],
    })
    logger = logs.getLogger('motia')
    logsShutdown = () => logs.shutdown()
  }
  return {
    api,
    tracer: provider.getTracer('motia'),
    logger,
    async shutdown() {
      await Promise.all([provider.shutdown(), logsShutdown()])
      outages.close()
    },
  }
}

/** Motia's ids are W3C trace ids already; anything else is hashed to one. */
function otelTraceId(id: string): string {
  if (/^[0-9a-f]{32}$/.test(id) && !/^0+$/.test(id)) return id
  return new Bun.CryptoHasher('sha256').update(id).digest('hex').slice(0, 32)
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

/** The store's `fetch` and `fetchList` when it has them (a `SharedTraceStore`), else nothing. */
function sharedReads(store: TraceStore): Partial<Pick<SharedTraceStore, 'fetch' | 'fetchList'>> {
  const shared = store as Partial<SharedTraceStore>
  if (!shared.fetch || !shared.fetchList) return {}
  return { fetch: (id) => shared.fetch!(id), fetchList: (options) => shared.fetchList!(options) }
}
