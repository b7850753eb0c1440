/**
 * `GET /__motia/api/live`: one server-sent event stream with `log` events (filtered like
 * `/__motia/api/logs`), `run` events (a step run ended) and, when asked for, `stream` events (a
 * stream item changed; `stream` and `group` narrow them). Nothing is listened to while no
 * stream is open; streams end when the runtime stops, so shutdown does not wait for them.
 */
import type { LogEntry, MotiaRuntime } from 'motia'
import { logFilterOf, logMatcher } from './log-buffer.ts'
import type { RunRecord, RunStats } from './run-stats.ts'
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
          const send = (event: string, data: unknown) => {
            try {
              controller.enqueue(encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`))
            } catch {
              end()
            }
          }
          const offs: Array<() => void> = []
          if (topics.has('log')) offs.push(runtime.on('log', (entry: LogEntry) => matches(entry) && send('log', entry)))
          if (topics.has('run')) offs.push(stats.listen((run: RunRecord) => send('run', run)))
          if (topics.has('stream') && runtime.streams) offs.push(runtime.streams.onBroadcast(streamSender(query, send)))
          // A comment now (so the client sees the stream open) and every 15 s (so proxies keep it).
          controller.enqueue(encoder.encode(': open\n\n'))
          const ping = setInterval(() => send('ping', {}), 15_000)
          end = () => {
            if (!open.delete(end)) return
            clearInterval(ping)
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

type StreamChange = Parameters<Parameters<NonNullable<MotiaRuntime['streams']>['onBroadcast']>[0]>[0]

/** Sends the changes of `?stream=` (and `?group=`), or all; without the writer's trace id (not every instance knows it). */
function streamSender(query: URLSearchParams, send: (event: string, data: unknown) => void) {
  const stream = query.get('stream')
  const group = query.get('group')
  return ({ traceId: _, ...change }: StreamChange) => {
    if ((!stream || change.streamName === stream) && (!group || change.groupId === group)) send('stream', change)
  }
}
