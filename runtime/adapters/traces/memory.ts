/**
 * The memory TraceStore, the default: the newest traces of this process in a ring, within a byte
 * budget. See types.ts for what every trace store guarantees.
 */
import { localTraceNumber, traceIdOf } from '../../observability/ids.ts'
import { SpanRing } from './span-ring.ts'
import { summarize, type Span, type Trace, type TraceStore } from './types.ts'

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
 * counter modulo the capacity, so finding it needs no map. The spans' columns and their byte
 * budget are span-ring.ts; the traces' are here.
 */
export function createMemoryTraceStore(options: MemoryTraceStoreOptions = {}): TraceStore {
  const capacity = options.capacity ?? 1000
  const maxSpans = options.maxSpans ?? 500
  const spans = new SpanRing({
    capacity: options.spanCapacity ?? capacity * 4,
    maxEvents: options.maxEvents ?? 1000,
    maxBytes: options.maxBytes ?? 32 * 1024 * 1024,
    maxStringLength: options.maxStringLength ?? 4096,
  })

  // Traces, by slot. `traceNumber` 0 is an empty slot.
  const traceNumber = new Float64Array(capacity)
  const traceStart = new Float64Array(capacity)
  const traceSpans = new Uint32Array(capacity)
  // 0: no HTTP status recorded (not an http trace, or not answered yet).
  const traceHttpStatus = new Uint16Array(capacity)
  const traceName: string[] = new Array(capacity).fill('')
  const traceEntry: string[] = new Array(capacity).fill('')

  /** The slot of trace `n` if the store still holds it, else -1. */
  const traceSlot = (n: number): number => {
    if (n === 0) return -1
    const slot = n % capacity
    return traceNumber[slot] === n ? slot : -1
  }

  const traceAt = (slot: number, own: Span[] = []): Trace => {
    const trace: Trace = { id: traceIdOf(traceNumber[slot]!), name: traceName[slot]!, entry: traceEntry[slot]!, startedAt: traceStart[slot]!, spans: own }
    if (traceHttpStatus[slot] !== 0) trace.httpStatus = traceHttpStatus[slot]
    return trace
  }

  return {
    begin(id, name, entry, startedAt) {
      const n = localTraceNumber(id)
      if (n === 0) return
      const slot = n % capacity
      traceNumber[slot] = n
      traceStart[slot] = startedAt
      traceSpans[slot] = 0
      traceHttpStatus[slot] = 0
      traceName[slot] = name
      traceEntry[slot] = entry
    },
    startSpan(traceId, step, trigger, startedAt, attempt = 0) {
      const trace = traceSlot(localTraceNumber(traceId))
      if (trace < 0 || traceSpans[trace]! >= maxSpans) return 0
      traceSpans[trace]!++
      return spans.start(traceNumber[trace]!, step, trigger, startedAt, attempt)
    },
    addEvent: (handle, event) => spans.addEvent(handle, event),
    endSpan: (handle, endedAt, error) => spans.end(handle, endedAt, error),
    respond(traceId, status) {
      const slot = traceSlot(localTraceNumber(traceId))
      if (slot >= 0) traceHttpStatus[slot] = status
    },
    get(id) {
      const slot = traceSlot(localTraceNumber(id))
      if (slot < 0) return undefined
      const n = traceNumber[slot]!
      return traceAt(slot, spans.ofTraces(new Set([n])).get(n))
    },
    list({ limit = 100 } = {}) {
      const held: number[] = []
      for (let slot = 0; slot < capacity; slot++) if (traceNumber[slot] !== 0) held.push(slot)
      // Newer traces have higher numbers: newest first without comparing clocks.
      const newest = held.sort((a, b) => traceNumber[b]! - traceNumber[a]!).slice(0, limit)
      const own = spans.ofTraces(new Set(newest.map((slot) => traceNumber[slot]!)))
      return newest.map((slot) => summarize(traceAt(slot, own.get(traceNumber[slot]!))))
    },
    async close() {
      spans.clear()
      traceNumber.fill(0)
      traceHttpStatus.fill(0)
      traceName.fill('')
      traceEntry.fill('')
    },
  }
}
