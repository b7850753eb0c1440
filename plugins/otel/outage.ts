/**
 * Collector outages, told once and bridged by a bounded buffer.
 *
 * Guarantees: when an export fails, one warning names the endpoint and what to do (not one per
 * export); the batch is kept, with everything exported while the collector stays down, up to
 * `bufferSize` items per kind (spans, log records), the oldest dropped beyond that (one warning the
 * first time); one probe at a time re-sends the buffer, backing off from `retryMs` to 30 s; the
 * first export that succeeds logs one line that the collector answers again, with what was held
 * and dropped, and the buffer is sent in order. `close` reports what was never sent.
 * Non-goals: nothing survives a restart; the SDK exporter's own retries within one export stay.
 */
import type { Logger } from 'motia'

/** The shape of the SDK's span and log record exporters (`ExportResult.code` 0 is success). */
export interface Exporter<T> {
  export(items: T[], done: (result: { code: number; error?: Error }) => void): void
  shutdown(): Promise<void>
  forceFlush?(): Promise<void>
}

export interface OutageWatch {
  /** Wraps the exporter of one kind of item (`'spans'`, `'log records'`). */
  wrap<T>(kind: string, exporter: Exporter<T>): Exporter<T> & { forceFlush(): Promise<void> }
  /** Stops probing; logs what is still held when the collector never answered again. */
  close(): void
}

export function createOutageWatch(options: { endpoint: string; bufferSize: number; retryMs: number; logger: () => Logger | undefined }): OutageWatch {
  const { endpoint, bufferSize } = options
  const kinds: Held[] = []
  let downSince: number | undefined
  let closed = false

  const counts = (pick: (held: Held) => number) =>
    kinds
      .filter((held) => pick(held) > 0)
      .map((held) => `${pick(held)} ${held.kind}`)
      .join(' and ')

  const failed = (error: Error | undefined) => {
    if (downSince !== undefined) return
    downSince = Date.now()
    const why = error?.message ? ` (${error.message})` : ''
    options.logger()?.warn(
      `[otel] cannot reach the collector at ${endpoint}${why}: keeping up to ${bufferSize} ${kinds.map((held) => held.kind).join(' and ')} and retrying; start the collector, or fix the otel plugin's endpoint in motia.config.ts`,
      { endpoint },
    )
  }

  const answered = () => {
    if (downSince === undefined) return
    const ms = Date.now() - downSince
    const after = ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`
    downSince = undefined
    const held = counts((h) => h.items.length + h.sending)
    const dropped = counts((h) => h.dropped)
    options.logger()?.info(
      `[otel] the collector at ${endpoint} answers again after ${after}${held ? `: sending the ${held} held meanwhile` : ''}${dropped ? `; ${dropped} were dropped (buffer of ${bufferSize})` : ''}`,
      { endpoint },
    )
    for (const h of kinds) {
      h.dropped = 0
      h.warnedFull = false
      h.drain()
    }
  }

  return {
    wrap<T>(kind: string, inner: Exporter<T>): Exporter<T> & { forceFlush(): Promise<void> } {
      const held: Held<T> = { kind, items: [], sending: 0, dropped: 0, warnedFull: false, drain: () => probe(0) }
      kinds.push(held as Held)
      let timer: ReturnType<typeof setTimeout> | undefined
      let probing = false
      let wait = options.retryMs

      const keep = (items: T[], front = false) => {
        if (front) held.items.unshift(...items)
        else held.items.push(...items)
        const over = held.items.length - bufferSize
        if (over <= 0) return
        held.items.splice(0, over)
        held.dropped += over
        if (held.warnedFull) return
        held.warnedFull = true
        options.logger()?.warn(`[otel] the collector at ${endpoint} is still down and ${bufferSize} ${kind} are held: dropping the oldest until it answers`, { endpoint })
      }

      // Sends the held items, a batch at a time, until they are out or an export fails.
      function probe(delay: number) {
        if (closed || probing || timer || held.items.length === 0) return
        timer = setTimeout(() => {
          timer = undefined
          if (closed) return
          probing = true
          const batch = held.items.splice(0, maxBatch)
          held.sending = batch.length
          inner.export(batch, (result) => {
            probing = false
            if (result.code === 0) {
              wait = options.retryMs
              answered()
              held.sending = 0
              probe(0)
              return
            }
            held.sending = 0
            failed(result.error)
            keep(batch, true)
            wait = Math.min(wait * 2, maxRetryMs)
            probe(wait)
          })
        }, delay)
        timer.unref?.()
      }

      return {
        export(items, done) {
          // While the collector is down (or the buffer is still going out), new items queue behind.
          if (downSince !== undefined || held.items.length > 0 || probing) {
            keep(items)
            probe(wait)
            done({ code: 0 })
            return
          }
          inner.export(items, (result) => {
            if (result.code === 0) answered()
            else {
              failed(result.error)
              keep(items)
              probe(wait)
            }
            // Kept items are ours now: the SDK need not report them as lost.
            done({ code: 0 })
          })
        },
        shutdown: () => inner.shutdown(),
        forceFlush: () => inner.forceFlush?.() ?? Promise.resolve(),
      }
    },

    close() {
      closed = true
      const held = counts((h) => h.items.length + h.sending)
      const dropped = counts((h) => h.dropped)
      if (held || dropped) {
        options.logger()?.warn(`[otel] stopped with ${held || 'nothing'} unsent${dropped ? ` (and ${dropped} dropped)` : ''}: the collector at ${endpoint} did not answer again`, { endpoint })
      }
    },
  }
}

// --- internal ---

interface Held<T = unknown> {
  kind: string
  items: T[]
  /** Held items in the probe's export now. */
  sending: number
  dropped: number
  warnedFull: boolean
  drain(): void
}

const maxBatch = 512
const maxRetryMs = 30_000
