/**
 * `GET /__motia/api/live`: one server-sent event stream with `log` events (filtered like
 * `/__motia/api/logs`), `run` events (a step run ended) and, when asked for, `stream` events (a
 * stream item changed; `stream` and `group` narrow them). Nothing is listened to while no
 * stream is open; streams end when the runtime stops, so shutdown does not wait for them.
 */
import type { LogEntry, MotiaRuntime } from 'motia'
import { logFilterOf, logMatcher } from './log-buffer.ts'
import type { RunStats } from './run-stats.ts'
import { json } from './respond.ts'

export interface LiveFeed {
  handle(request: Request): Response
  /** Ends every open stream. */
  close(): void
}

export function createLiveFeed(runtime: MotiaRuntime, stats: RunStats): LiveFeed {
  const open = new Set<() => void>()
  return {
    handle(request) {
      const query = new URL(request.url).searchParams
      const filter = logFilterOf(query)
      if (typeof filter === 'string') return json({ error: filter }, 400)
      const topics = new Set((query.get('events') ?? 'log,run').split(','))
      const matches = logMatcher(filter)
      const encoder = new TextEncoder()
      let end = () => {}
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          // Events are gathered and written every FLUSH_MS, at most MAX_EVENTS_PER_FLUSH of them:
          // under load the feed costs a bounded amount per second, not a write per request. Runs
          // are not pushed one by one: a run wakes the feed, which reads the newest of them when
          // it writes. What did not fit is counted and told as one `dropped` event.
          let batch = ''
          let queued = 0
          let dropped = 0
          let timer: ReturnType<typeof setTimeout> | undefined
          let runCursor = topics.has('run') ? stats.cursor() : -1
          let runsSeen = stats.total()
          const flush = () => {
            timer = undefined
            if (runCursor >= 0) {
              const { runs, cursor } = stats.since(runCursor, MAX_EVENTS_PER_FLUSH - queued)
              const total = stats.total()
              runCursor = cursor
              // Runs not sent: past this write's budget, or not kept by the stats at all.
              dropped += total - runsSeen - runs.length
              runsSeen = total
              for (const run of runs) batch += `event: run\ndata: ${JSON.stringify(run)}\n\n`
            }
            if (dropped) batch += `event: dropped\ndata: {"count":${dropped}}\n\n`
            const text = batch
            batch = ''
            queued = dropped = 0
            try {
              controller.enqueue(encoder.encode(text))
            } catch {
              end()
            }
          }
          const schedule = () => {
            timer ??= setTimeout(flush, FLUSH_MS)
          }
          const send = (event: string, data: unknown) => {
            if (queued >= MAX_EVENTS_PER_FLUSH) dropped++
            else {
              queued++
              batch += `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`
            }
            schedule()
          }
          const offs: Array<() => void> = []
          if (topics.has('log')) offs.push(runtime.on('log', (entry: LogEntry) => matches(entry) && send('log', entry)))
          if (topics.has('run')) offs.push(stats.listen(schedule))
          if (topics.has('stream') && runtime.streams) offs.push(runtime.streams.onBroadcast(streamSender(query, send)))
          // A comment now (so the client sees the stream open) and every 15 s (so proxies keep it).
          controller.enqueue(encoder.encode(': open\n\n'))
          const ping = setInterval(() => send('ping', {}), 15_000)
          end = () => {
            if (!open.delete(end)) return
            clearInterval(ping)
            clearTimeout(timer)
            for (const off of offs) off()
            try {
              controller.close()
            } catch {
              // already closed by the client
            }
          }
          open.add(end)
        },
        cancel: () => end(),
      })
      request.signal?.addEventListener('abort', () => end())
      return new Response(body, { headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' } })
    },
    close() {
      for (const end of [...open]) end()
    },
  }
}

// --- internal ---

/** How often a live stream writes what it gathered, and how much it writes at most each time. */
const FLUSH_MS = 100
const MAX_EVENTS_PER_FLUSH = 200

type StreamChange = Parameters<Parameters<NonNullable<MotiaRuntime['streams']>['onBroadcast']>[0]>[0]

/** Sends the changes of `?stream=` (and `?group=`), or all; without the writer's trace id (not every instance knows it). */
function streamSender(query: URLSearchParams, send: (event: string, data: unknown) => void) {
  const stream = query.get('stream')
  const group = query.get('group')
  return ({ traceId: _, ...change }: StreamChange) => {
    if ((!stream || change.streamName === stream) && (!group || change.groupId === group)) send('stream', change)
  }
}
