/**
 * A TraceStore shared through Redis, so that `/__motia/traces/:id` on any instance shows every
 * span of a trace, wherever its steps ran.
 *
 * Writes stay off the request's path: `begin`, `startSpan` and `endSpan` queue a write and return;
 * the queue is flushed in one pipeline every `flushMs` (or sooner when it grows). A trace is a
 * hash (`<p>trace:<id>`: field `meta`, `http` (the status an http request got), one field per span) that expires `ttlMs` after its last
 * write; `<p>traces` is a sorted set of trace ids by start time, trimmed to the newest `capacity`.
 * So Redis holds at most the traces of the last `ttlMs`, each span with at most `maxEvents` events
 * of clipped strings. Writes lost while Redis is away are dropped (traces are diagnostics).
 *
 * The sync `get`/`list` answer from this instance's own recent writes; `fetch`/`fetchList` read
 * the shared view (the HTTP routes use those).
 */
import { clipEvent, clipText } from '../../observability/clip.ts'
import { summarize, type Span, type SpanEvent, type SpanHandle, type Trace, type SharedTraceStore } from '../traces/types.ts'
import { connectRedis, type Redis, type RedisConnectionOptions } from './connection.ts'

export interface RedisTraceStoreOptions extends RedisConnectionOptions {
  /** Traces listed, newest first. Default 1000. */
  capacity?: number
  /** How long a trace is kept after its last write. Default 1 hour. */
  ttlMs?: number
  /** Events kept per span. Default 200. */
  maxEvents?: number
  /** Longer strings in events are cut to this many characters. Default 2048. */
  maxStringLength?: number
  /** How often queued writes are sent. Default 50 ms. */
  flushMs?: number
}

/**
 * @example
 * const traces = await createRedisTraceStore({ url: process.env.REDIS_URL!, prefix: 'motia:shop:' })
 */
// One closure of ~80 lines: every method reads this instance's running spans and recent traces;
// the writes to Redis are the write queue's (createWriteQueue, below).
export async function createRedisTraceStore(options: RedisTraceStoreOptions): Promise<SharedTraceStore> {
  const redis = await connectRedis(options, 'traces')
  const prefix = options.prefix ?? 'motia:'
  const capacity = options.capacity ?? 1000
  const ttlMs = options.ttlMs ?? 60 * 60_000
  const maxEvents = options.maxEvents ?? 200
  const maxString = options.maxStringLength ?? 2048
  const { indexKey, traceKey } = keysOf(prefix)
  const spanPrefix = `${process.pid.toString(36)}${Math.random().toString(36).slice(2, 8)}`
  // Spans still running here, by handle; bounded so that a leak of unended spans cannot grow it.
  const running = new Map<SpanHandle, Span>()
  // This instance's recent traces, for the sync reads (oldest first, trimmed).
  const recent = new Map<string, Trace>()
  const writes = createWriteQueue(redis, { prefix, capacity, ttlMs, flushMs: options.flushMs ?? 50 })
  const { queue, flush } = writes
  let lastHandle = 0
  let closed = false

  const remember = (trace: Trace) => {
    recent.set(trace.id, trace)
    if (recent.size > 200) recent.delete(recent.keys().next().value!)
  }

  const writeSpan = (span: Span) => queue(span.traceId, `span:${span.id}`, span)

  return {
    begin(id, name, entry, startedAt) {
      remember({ id, name, entry, startedAt, spans: [] })
      queue(id, 'meta', { name, entry, startedAt }, startedAt)
    },
    startSpan(traceId, step, trigger, startedAt, attempt) {
      if (running.size >= 10_000) return 0
      const handle = ++lastHandle
      const span: Span = { id: `${spanPrefix}${handle.toString(16)}`, traceId, step, trigger, startedAt, status: 'running', events: [] }
      // A retry's span (attempt > 1) tells the summary that the failure before it was recovered.
      if (attempt) span.attempt = attempt
      running.set(handle, span)
      recent.get(traceId)?.spans.push(span)
      writeSpan(span)
      return handle
    },
    addEvent(handle, event: SpanEvent) {
      const span = running.get(handle)
      if (!span) return
      if (span.events.length < maxEvents) span.events.push(clipEvent(event, maxString))
      else span.eventsDropped = (span.eventsDropped ?? 0) + 1
    },
    endSpan(handle, endedAt, error) {
      const span = running.get(handle)
      if (!span) return
      running.delete(handle)
      span.endedAt = endedAt
      span.durationMs = endedAt - span.startedAt
      span.status = error === undefined ? 'ok' : 'error'
      if (error !== undefined) span.error = clipText(String(error), maxString)
      writeSpan(span)
    },
    respond(traceId, status) {
      const trace = recent.get(traceId)
      if (trace) trace.httpStatus = status
      queue(traceId, 'http', status)
    },
    get: (id) => recent.get(id),
    list: ({ limit = 100 } = {}) => [...recent.values()].reverse().slice(0, limit).map(summarize),
    async fetch(id) {
      await flush()
      return traceOf(id, await redis.hgetall(traceKey(id)))
    },
    async fetchList({ limit = 100 } = {}) {
      await flush()
      const ids = await redis.zrevrange(indexKey, 0, limit - 1)
      const pipeline = redis.pipeline()
      for (const id of ids) pipeline.hgetall(traceKey(id))
      const results = (await pipeline.exec()) ?? []
      return ids.flatMap((id, i) => {
        const trace = traceOf(id, results[i]?.[1] as Record<string, string> | undefined)
        return trace ? [summarize(trace)] : []
      })
    },
    async close() {
      if (closed) return
      await writes.close()
      closed = true
      running.clear()
      recent.clear()
      redis.disconnect()
    },
  }
}

// --- internal ---

function keysOf(prefix: string) {
  return { indexKey: `${prefix}traces`, traceKey: (id: string) => `${prefix}trace:${id}` }
}

/**
 * The writes of a trace store, off the request's path: `queue` notes one (a hash field of a trace,
 * and the trace's start time for the index when it is the trace's first) and returns; they are
 * sent in one pipeline every `flushMs`, or at once past 1000 fields. Notes are merged per trace and
 * field until then, and values serialized only when sent: a span that starts and ends between two
 * flushes is written once, and each trace costs one HSET and one PEXPIRE per flush, whatever its
 * number of spans (a queue message's spans used to cost five commands). Writes that fail are dropped.
 */
function createWriteQueue(redis: Redis, options: { prefix: string; capacity: number; ttlMs: number; flushMs: number }) {
  const { indexKey, traceKey } = keysOf(options.prefix)
  let pending = new Map<string, PendingTrace>()
  let fields = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  let closed = false
  const flush = async () => {
    if (timer) timer = void clearTimeout(timer)
    const writes = pending
    pending = new Map()
    fields = 0
    if (writes.size === 0 || closed) return
    const pipeline = redis.pipeline()
    const index: Array<number | string> = []
    for (const [id, trace] of writes) {
      const args: string[] = []
      for (const [field, value] of trace.fields) args.push(field, JSON.stringify(value))
      pipeline.hset(traceKey(id), ...args)
      pipeline.pexpire(traceKey(id), options.ttlMs)
      if (trace.startedAt !== undefined) index.push(trace.startedAt, id)
    }
    if (index.length > 0) {
      pipeline.zadd(indexKey, ...index)
      pipeline.zremrangebyrank(indexKey, 0, -(options.capacity + 1))
    }
    await pipeline.exec().catch(() => undefined)
  }
  return {
    flush,
    /** Notes `value` for the trace's `field`; it is serialized when sent, so it may still change until then. */
    queue(id: string, field: string, value: unknown, startedAt?: number) {
      let trace = pending.get(id)
      if (!trace) pending.set(id, (trace = { fields: new Map() }))
      if (!trace.fields.has(field)) fields++
      trace.fields.set(field, value)
      if (startedAt !== undefined) trace.startedAt = startedAt
      if (fields >= 1000) void flush()
      else timer ??= setTimeout(flush, options.flushMs)
    },
    /** Sends what is queued; later writes are dropped. */
    async close() {
      await flush()
      closed = true
    },
  }
}

/** A trace's writes waiting for the next flush: its fields by name, and its start time when it began here. */
interface PendingTrace {
  fields: Map<string, unknown>
  startedAt?: number
}

/** Builds a trace from its hash; spans in start order. */
function traceOf(id: string, fields: Record<string, string> | undefined): Trace | undefined {
  if (!fields || Object.keys(fields).length === 0) return undefined
  const meta = fields.meta ? (JSON.parse(fields.meta) as { name: string; entry: string; startedAt: number }) : undefined
  const spans = Object.entries(fields)
    .filter(([field]) => field.startsWith('span:'))
    .map(([, json]) => JSON.parse(json) as Span)
    .sort((a, b) => a.startedAt - b.startedAt)
  const trace: Trace = { id, name: meta?.name ?? '(started elsewhere)', entry: meta?.entry ?? 'unknown', startedAt: meta?.startedAt ?? spans[0]?.startedAt ?? 0, spans }
  if (fields.http) trace.httpStatus = Number(fields.http)
  return trace
}
