/**
 * The memory TraceStore, the default: the newest traces of this process in a ring, within a byte
 * budget. See types.ts for what every trace store guarantees.
 */
import { clipEvent, clipText, EVENT_BYTES, eventBytes } from '../../observability/clip.ts'
import { localTraceNumber, spanIdOf, traceIdOf } from '../../observability/ids.ts'
import { summarize, type Span, type SpanEvent, type SpanHandle, type Trace, type TraceStore } from './types.ts'

export interface MemoryTraceStoreOptions {
  /** Traces kept, newest first. Default 1000. */
  capacity?: number
  /** Spans recorded per trace. Default 500. */
  maxSpans?: number
  /** Events recorded per span. Default 1000. */
  maxEvents?: number
  /** Spans held across all traces, in a ring. Default four per trace. */
  spanCapacity?: number
  /**
   * The estimated bytes of events (log lines, state ops, enqueues, errors) the store holds, at two
   * bytes per character. Over it, the oldest spans lose their events. Default 32 MiB.
   */
  maxBytes?: number
  /** Longer strings in an event (a log message, a state key, an error) are cut to this many characters. Default 4096. */
  maxStringLength?: number
}

/**
 * Keeps the newest `capacity` traces in memory (default 1000), each with at most `maxSpans` spans
 * (default 500) of at most `maxEvents` events (default 1000), in a ring of `spanCapacity` spans
 * (default four per trace) shared by all traces. Events hold at most `maxBytes` (default 32 MiB):
 * strings longer than `maxStringLength` (default 4096) are cut, a span keeps at most half the
 * budget, and when the total passes it the oldest spans' events are dropped until a quarter of the
 * budget is free again, so eviction runs rarely and a short event costs a length check and an addition.
 *
 * Traces and spans live in columns of typed arrays rather than as objects: a request writes a few
 * numbers and references to strings it already had (route, step and trigger names), so nothing it
 * records outlives it as garbage for the collector to promote and sweep. A trace's slot is its id's
 * counter modulo the capacity, so finding it needs no map.
 */
export function createMemoryTraceStore(options: MemoryTraceStoreOptions = {}): TraceStore {
  const capacity = options.capacity ?? 1000
  const maxSpans = options.maxSpans ?? 500
  const maxEvents = options.maxEvents ?? 1000
  const spanCapacity = options.spanCapacity ?? capacity * 4
  const maxBytes = options.maxBytes ?? 32 * 1024 * 1024
  const maxString = options.maxStringLength ?? 4096
  const spanBudget = maxBytes / 2

  // Traces, by slot. `traceNumber` 0 is an empty slot.
  const traceNumber = new Float64Array(capacity)
  const traceStart = new Float64Array(capacity)
  const traceSpans = new Uint32Array(capacity)
  const traceName: string[] = new Array(capacity).fill('')
  const traceEntry: string[] = new Array(capacity).fill('')

  // Spans, by slot. `spanNumber` 0 is an empty slot; `spanEnd` 0 is a span still running.
  const spanNumber = new Float64Array(spanCapacity)
  const spanTrace = new Float64Array(spanCapacity)
  const spanStart = new Float64Array(spanCapacity)
  const spanEnd = new Float64Array(spanCapacity)
  const spanStep: string[] = new Array(spanCapacity).fill('')
  const spanTrigger: string[] = new Array(spanCapacity).fill('')
  const spanError: Array<string | undefined> = new Array(spanCapacity).fill(undefined)
  const spanAttempt = new Uint32Array(spanCapacity)
  const spanEvents: Array<SpanEvent[] | undefined> = new Array(spanCapacity).fill(undefined)
  const spanBytes = new Float64Array(spanCapacity)
  const spanDropped = new Uint32Array(spanCapacity)
  let lastSpan = 0
  /** The estimated bytes of every event and error held. */
  let bytes = 0

  /** The slot of trace `n` if the store still holds it, else -1. */
  const traceSlot = (n: number): number => {
    if (n === 0) return -1
    const slot = n % capacity
    return traceNumber[slot] === n ? slot : -1
  }

  /** The slot of a span handle if its span is still held, else -1. */
  const spanSlot = (handle: SpanHandle): number => {
    if (handle === 0) return -1
    const slot = handle % spanCapacity
    return spanNumber[slot] === handle ? slot : -1
  }

  const spanAt = (slot: number): Span => {
    const end = spanEnd[slot]!
    const error = spanError[slot]
    const span: Span = {
      id: spanIdOf(spanNumber[slot]!),
      traceId: traceIdOf(spanTrace[slot]!),
      step: spanStep[slot]!,
      trigger: spanTrigger[slot]!,
      startedAt: spanStart[slot]!,
      status: end === 0 ? 'running' : error === undefined ? 'ok' : 'error',
      events: [...(spanEvents[slot] ?? [])],
    }
    if (end !== 0) {
      span.endedAt = end
      span.durationMs = end - span.startedAt
    }
    if (error !== undefined) span.error = error
    if (spanDropped[slot]! > 0) span.eventsDropped = spanDropped[slot]!
    if (spanAttempt[slot]! > 0) span.attempt = spanAttempt[slot]!
    return span
  }

  /** Adds `cost` to the span in `slot`, then makes room if the store is over its budget. */
  const account = (slot: number, cost: number) => {
    spanBytes[slot]! += cost
    bytes += cost
    if (bytes > maxBytes) shedOldest()
  }

  /** Drops the events of the oldest spans until a quarter of the budget is free. */
  const shedOldest = () => {
    const target = maxBytes * 0.75
    for (let handle = Math.max(1, lastSpan - spanCapacity + 1); handle <= lastSpan && bytes > target; handle++) {
      const slot = handle % spanCapacity
      if (spanNumber[slot] !== handle || spanBytes[slot] === 0) continue
      bytes -= spanBytes[slot]!
      spanBytes[slot] = 0
      spanDropped[slot]! += spanEvents[slot]?.length ?? 0
      spanEvents[slot] = undefined
      if (spanError[slot] !== undefined) spanError[slot] = DROPPED_ERROR
    }
  }

  /** The held spans of the traces numbered `wanted`, by trace number, each list in start order. */
  const spansOf = (wanted: ReadonlySet<number>): Map<number, Span[]> => {
    const out = new Map<number, Span[]>()
    // From the oldest span slot to the newest.
    for (let i = 1; i <= spanCapacity; i++) {
      const slot = (lastSpan + i) % spanCapacity
      const trace = spanTrace[slot]!
      if (spanNumber[slot] === 0 || !wanted.has(trace)) continue
      const list = out.get(trace)
      if (list) list.push(spanAt(slot))
      else out.set(trace, [spanAt(slot)])
    }
    return out
  }

  const traceAt = (slot: number, own: Span[] = []): Trace => ({
    id: traceIdOf(traceNumber[slot]!),
    name: traceName[slot]!,
    entry: traceEntry[slot]!,
    startedAt: traceStart[slot]!,
    spans: own,
  })

  return {
    begin(id, name, entry, startedAt) {
      const n = localTraceNumber(id)
      if (n === 0) return
      const slot = n % capacity
      traceNumber[slot] = n
      traceStart[slot] = startedAt
      traceSpans[slot] = 0
      traceName[slot] = name
      traceEntry[slot] = entry
    },
    startSpan(traceId, step, trigger, startedAt, attempt = 0) {
      const trace = traceSlot(localTraceNumber(traceId))
      if (trace < 0 || traceSpans[trace]! >= maxSpans) return 0
      traceSpans[trace]!++
      const handle = ++lastSpan
      const slot = handle % spanCapacity
      bytes -= spanBytes[slot]!
      spanBytes[slot] = 0
      spanDropped[slot] = 0
      spanNumber[slot] = handle
      spanTrace[slot] = traceNumber[trace]!
      spanStart[slot] = startedAt
      spanEnd[slot] = 0
      spanStep[slot] = step
      spanTrigger[slot] = trigger
      spanError[slot] = undefined
      spanAttempt[slot] = attempt
      spanEvents[slot] = undefined
      return handle
    },
    addEvent(handle, event) {
      const slot = spanSlot(handle)
      if (slot < 0) return
      const events = (spanEvents[slot] ??= [])
      const kept = events.length < maxEvents ? clipEvent(event, maxString) : undefined
      const cost = kept === undefined ? 0 : eventBytes(kept)
      if (kept === undefined || spanBytes[slot]! + cost > spanBudget) {
        spanDropped[slot]!++
        return
      }
      events.push(kept)
      account(slot, cost)
    },
    endSpan(handle, endedAt, error) {
      const slot = spanSlot(handle)
      if (slot < 0) return
      spanEnd[slot] = endedAt
      if (error === undefined) {
        spanError[slot] = undefined
        return
      }
      const kept = clipText(String(error), maxString)
      spanError[slot] = kept
      account(slot, EVENT_BYTES + 2 * kept.length)
    },
    get(id) {
      const slot = traceSlot(localTraceNumber(id))
      if (slot < 0) return undefined
      const n = traceNumber[slot]!
      return traceAt(slot, spansOf(new Set([n])).get(n))
    },
    list({ limit = 100 } = {}) {
      const held: number[] = []
      for (let slot = 0; slot < capacity; slot++) if (traceNumber[slot] !== 0) held.push(slot)
      // Newer traces have higher numbers: newest first without comparing clocks.
      const newest = held.sort((a, b) => traceNumber[b]! - traceNumber[a]!).slice(0, limit)
      const own = spansOf(new Set(newest.map((slot) => traceNumber[slot]!)))
      return newest.map((slot) => summarize(traceAt(slot, own.get(traceNumber[slot]!))))
    },
    async close() {
      bytes = 0
      spanBytes.fill(0)
      spanDropped.fill(0)
      traceNumber.fill(0)
      spanNumber.fill(0)
      traceName.fill('')
      traceEntry.fill('')
      spanStep.fill('')
      spanTrigger.fill('')
      spanError.fill(undefined)
      spanEvents.fill(undefined)
    },
  }
}

// --- internal ---

/** What a failed span's error reads once its events were dropped to stay within the byte budget. */
const DROPPED_ERROR = '[error message dropped: the trace store reached maxBytes]'
