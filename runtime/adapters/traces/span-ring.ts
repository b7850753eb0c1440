/**
 * The spans of the memory trace store: a ring of `capacity` spans shared by all traces, held in
 * columns of typed arrays (see memory.ts for why), with the byte budget of their events. A span's
 * handle is its number; its slot is the number modulo the capacity, so finding it needs no map.
 */
import { clipEvent, clipText, EVENT_BYTES, eventBytes } from '../../observability/clip.ts'
import { spanIdOf, traceIdOf } from '../../observability/ids.ts'
import type { Span, SpanEvent, SpanHandle } from './types.ts'

export interface SpanRingOptions {
  capacity: number
  maxEvents: number
  /** Bytes of events and errors held across all spans; a span holds at most half. */
  maxBytes: number
  maxStringLength: number
}

export class SpanRing {
  // By slot. `number` 0 is an empty slot; `end` 0 is a span still running.
  readonly #number: Float64Array
  readonly #trace: Float64Array
  readonly #start: Float64Array
  readonly #end: Float64Array
  readonly #step: string[]
  readonly #trigger: string[]
  readonly #error: Array<string | undefined>
  readonly #attempt: Uint32Array
  // A span's only event is held as it is; an array is made for the second (most spans have one or none).
  readonly #events: Array<SpanEvent | SpanEvent[] | undefined>
  readonly #bytes: Float64Array
  readonly #dropped: Uint32Array
  readonly #options: SpanRingOptions
  #last = 0
  /** The estimated bytes of every event and error held. */
  #held = 0

  constructor(options: SpanRingOptions) {
    const n = options.capacity
    this.#options = options
    this.#number = new Float64Array(n)
    this.#trace = new Float64Array(n)
    this.#start = new Float64Array(n)
    this.#end = new Float64Array(n)
    this.#step = new Array(n).fill('')
    this.#trigger = new Array(n).fill('')
    this.#error = new Array(n).fill(undefined)
    this.#attempt = new Uint32Array(n)
    this.#events = new Array(n).fill(undefined)
    this.#bytes = new Float64Array(n)
    this.#dropped = new Uint32Array(n)
  }

  /** Records a span of trace number `trace`, overwriting the oldest; returns its handle. */
  start(trace: number, step: string, trigger: string, startedAt: number, attempt: number): SpanHandle {
    const handle = ++this.#last
    const slot = handle % this.#options.capacity
    this.#held -= this.#bytes[slot]!
    this.#bytes[slot] = 0
    this.#dropped[slot] = 0
    this.#number[slot] = handle
    this.#trace[slot] = trace
    this.#start[slot] = startedAt
    this.#end[slot] = 0
    this.#step[slot] = step
    this.#trigger[slot] = trigger
    this.#error[slot] = undefined
    this.#attempt[slot] = attempt
    this.#events[slot] = undefined
    return handle
  }

  addEvent(handle: SpanHandle, event: SpanEvent): void {
    const slot = this.#slot(handle)
    if (slot < 0) return
    const held = this.#events[slot]
    const kept = countOf(held) < this.#options.maxEvents ? clipEvent(event, this.#options.maxStringLength) : undefined
    const cost = kept === undefined ? 0 : eventBytes(kept)
    if (kept === undefined || this.#bytes[slot]! + cost > this.#options.maxBytes / 2) {
      this.#dropped[slot]!++
      return
    }
    if (held === undefined) this.#events[slot] = kept
    else if (Array.isArray(held)) held.push(kept)
    else this.#events[slot] = [held, kept]
    this.#account(slot, cost)
  }

  end(handle: SpanHandle, endedAt: number, error: string | undefined): void {
    const slot = this.#slot(handle)
    if (slot < 0) return
    this.#end[slot] = endedAt
    if (error === undefined) {
      this.#error[slot] = undefined
      return
    }
    const kept = clipText(String(error), this.#options.maxStringLength)
    this.#error[slot] = kept
    this.#account(slot, EVENT_BYTES + 2 * kept.length)
  }

  /** The held spans of the traces numbered `wanted`, by trace number, each list in start order. */
  ofTraces(wanted: ReadonlySet<number>): Map<number, Span[]> {
    const out = new Map<number, Span[]>()
    const capacity = this.#options.capacity
    // From the oldest span slot to the newest.
    for (let i = 1; i <= capacity; i++) {
      const slot = (this.#last + i) % capacity
      const trace = this.#trace[slot]!
      if (this.#number[slot] === 0 || !wanted.has(trace)) continue
      const list = out.get(trace)
      if (list) list.push(this.#at(slot))
      else out.set(trace, [this.#at(slot)])
    }
    return out
  }

  clear(): void {
    this.#held = 0
    this.#bytes.fill(0)
    this.#dropped.fill(0)
    this.#number.fill(0)
    this.#step.fill('')
    this.#trigger.fill('')
    this.#error.fill(undefined)
    this.#events.fill(undefined)
  }

  /** The slot of a span handle if its span is still held, else -1. */
  #slot(handle: SpanHandle): number {
    if (handle === 0) return -1
    const slot = handle % this.#options.capacity
    return this.#number[slot] === handle ? slot : -1
  }

  #at(slot: number): Span {
    const end = this.#end[slot]!
    const error = this.#error[slot]
    const span: Span = {
      id: spanIdOf(this.#number[slot]!),
      traceId: traceIdOf(this.#trace[slot]!),
      step: this.#step[slot]!,
      trigger: this.#trigger[slot]!,
      startedAt: this.#start[slot]!,
      status: end === 0 ? 'running' : error === undefined ? 'ok' : 'error',
      events: listOf(this.#events[slot]),
    }
    if (end !== 0) {
      span.endedAt = end
      span.durationMs = end - span.startedAt
    }
    if (error !== undefined) span.error = error
    if (this.#dropped[slot]! > 0) span.eventsDropped = this.#dropped[slot]!
    if (this.#attempt[slot]! > 0) span.attempt = this.#attempt[slot]!
    return span
  }

  /** Adds `cost` to the span in `slot`, then makes room if the ring is over its budget. */
  #account(slot: number, cost: number): void {
    this.#bytes[slot]! += cost
    this.#held += cost
    if (this.#held > this.#options.maxBytes) this.#shedOldest()
  }

  /** Drops the events of the oldest spans until a quarter of the budget is free. */
  #shedOldest(): void {
    const target = this.#options.maxBytes * 0.75
    const capacity = this.#options.capacity
    for (let handle = Math.max(1, this.#last - capacity + 1); handle <= this.#last && this.#held > target; handle++) {
      const slot = handle % capacity
      if (this.#number[slot] !== handle || this.#bytes[slot] === 0) continue
      this.#held -= this.#bytes[slot]!
      this.#bytes[slot] = 0
      this.#dropped[slot]! += countOf(this.#events[slot])
      this.#events[slot] = undefined
      if (this.#error[slot] !== undefined) this.#error[slot] = DROPPED_ERROR
    }
  }
}

// --- internal ---

/** How many events a span holds: none, one held as it is, or an array of them. */
function countOf(held: SpanEvent | SpanEvent[] | undefined): number {
  return held === undefined ? 0 : Array.isArray(held) ? held.length : 1
}

/** A span's events as a new array (readers may keep it). */
function listOf(held: SpanEvent | SpanEvent[] | undefined): SpanEvent[] {
  return held === undefined ? [] : Array.isArray(held) ? [...held] : [held]
}

/** What a failed span's error reads once its events were dropped to stay within the byte budget. */
const DROPPED_ERROR = '[error message dropped: the trace store reached maxBytes]'
