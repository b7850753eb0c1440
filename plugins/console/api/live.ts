/**
 * `GET /__motia/api/live`: one server-sent event stream with `log` events (filtered like
 * `/__motia/api/logs`), `run` events (a step run ended) and, when asked for, `stream` events (a
 * stream item changed; `stream` and `group` narrow them). Nothing is listened to while no stream
 * is open; streams end when the runtime stops, so shutdown does not wait for them.
 *
 * What an event costs does not grow with the number of clients: clients that ask for the same
 * thing (the same events and filters) share a channel, and a channel gathers its events and writes
 * them every FLUSH_MS as one chunk, encoded once and handed to each of its clients. A log line is
 * clipped and serialized once (log-buffer.ts), and tested once per channel, not per client. Each
 * client is written only as fast as it reads, within a byte budget (live-client.ts).
 */
import { boundedCopy, type MotiaRuntime } from 'motia'
import { createLiveClient, type LiveClient } from './live-client.ts'
import { logFilterOf, logMatcher, type LogFilter, type StoredLog } from './log-buffer.ts'
import type { RunStats } from './run-stats.ts'
import { json } from './respond.ts'

export interface LiveFeed {
  handle(request: Request): Response
  /** Offers a kept log line to the channels that follow the log. */
  log(line: StoredLog): void
  /** Ends every open stream. */
  close(): void
  /** Open streams and channels, for tests and the curious. */
  size(): { clients: number; channels: number }
}

export interface LiveFeedOptions {
  /** Bytes a client may leave unread before it is dropped. Default 4 MiB. */
  clientBytes?: number
}

export function createLiveFeed(runtime: MotiaRuntime, stats: RunStats, options: LiveFeedOptions = {}): LiveFeed {
  const clientBytes = options.clientBytes ?? 4 * 1024 * 1024
  const channels = new Map<string, Channel>()
  const logChannels = new Set<Channel>()
  const streamChannels = new Set<Channel>()
  let clients = 0
  let stopStreams: (() => void) | undefined

  /** One subscription to stream changes while some channel wants them; each change clipped and serialized once. */
  const followStreams = () => {
    if (stopStreams || !runtime.streams) return
    stopStreams = runtime.streams.onBroadcast((change) => {
      let event: string | undefined
      for (const channel of streamChannels) {
        if (!channel.wantsChange(change.streamName, change.groupId)) continue
        event ??= `event: stream\ndata: ${JSON.stringify(boundedCopy(change, STREAM_EVENT_CHARS))}\n\n`
        channel.add(event)
      }
    })
  }

  const channelFor = (key: string, query: URLSearchParams, topics: Set<string>, filter: LogFilter): Channel => {
    let channel = channels.get(key)
    if (channel) return channel
    channel = createChannel({ topics, filter, query, stats })
    channels.set(key, channel)
    if (topics.has('log')) logChannels.add(channel)
    if (topics.has('stream')) streamChannels.add(channel), followStreams()
    const created = channel
    created.onEmpty = () => {
      channels.delete(key)
      logChannels.delete(created)
      streamChannels.delete(created)
      created.dispose()
      if (streamChannels.size === 0) stopStreams?.(), (stopStreams = undefined)
    }
    return channel
  }

  return {
    handle(request) {
      const query = new URL(request.url).searchParams
      const filter = logFilterOf(query)
      if (typeof filter === 'string') return json({ error: filter }, 400)
      const topics = new Set((query.get('events') ?? 'log,run').split(',').filter((t) => t === 'log' || t === 'run' || t === 'stream'))
      const key = JSON.stringify([[...topics].sort(), filter.level, filter.step, filter.traceId, filter.text, topics.has('stream') ? [query.get('stream'), query.get('group')] : null])
      const channel = channelFor(key, query, topics, filter)
      const client: LiveClient = createLiveClient({
        maxBytes: clientBytes,
        onGone: (reason) => {
          clients--
          channel.remove(client)
          if (reason) runtime.logger.warn(`[motia] console: dropped a live client: ${reason}`)
        },
      })
      clients++
      channel.join(client)
      request.signal?.addEventListener('abort', () => client.end())
      return new Response(client.body, { headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' } })
    },
    log(line) {
      let event: string | undefined
      for (const channel of logChannels) {
        if (!channel.wantsLog(line)) continue
        event ??= `event: log\ndata: ${line.json}\n\n`
        channel.add(event)
      }
    },
    close() {
      for (const channel of [...channels.values()]) channel.endAll()
    },
    size: () => ({ clients, channels: channels.size }),
  }
}

// --- internal ---

/** How often a channel writes what it gathered, and how much it writes at most each time. */
const FLUSH_MS = 100
const MAX_EVENTS_PER_FLUSH = 200
const MAX_CHARS_PER_FLUSH = 256 * 1024
/** About how much of a stream change an event carries (its item clipped like a log line's fields). */
const STREAM_EVENT_CHARS = 16 * 1024
const encoder = new TextEncoder()
const OPEN = encoder.encode(': open\n\n')

interface Channel {
  join(client: LiveClient): void
  remove(client: LiveClient): void
  wantsLog(line: StoredLog): boolean
  wantsChange(stream: string, group: string): boolean
  /** Gathers an event for the next write; past the bounds it is counted as dropped. */
  add(event: string): void
  endAll(): void
  dispose(): void
  onEmpty?: () => void
}

function createChannel(spec: { topics: Set<string>; filter: LogFilter; query: URLSearchParams; stats: RunStats }): Channel {
  const { topics, stats } = spec
  const matches = logMatcher(spec.filter)
  const stream = spec.query.get('stream')
  const group = spec.query.get('group')
  const members = new Set<LiveClient>()
  // Events are gathered and written every FLUSH_MS, at most MAX_EVENTS_PER_FLUSH of them and about
  // MAX_CHARS_PER_FLUSH characters: under load the feed costs a bounded amount per second, not a
  // write per event. Runs are not pushed one by one: a run wakes the channel, which reads the
  // newest of them when it writes. What did not fit is counted and told as one `dropped` event.
  let batch: string[] = []
  let chars = 0
  let dropped = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  let runCursor = topics.has('run') ? stats.cursor() : -1
  let runsSeen = stats.total()

  const flush = () => {
    clearTimeout(timer)
    timer = undefined
    if (runCursor >= 0) {
      const { runs, cursor } = stats.since(runCursor, MAX_EVENTS_PER_FLUSH - batch.length)
      const total = stats.total()
      runCursor = cursor
      // Runs not sent: past this write's budget, or not kept by the stats at all.
      dropped += total - runsSeen - runs.length
      runsSeen = total
      for (const run of runs) batch.push(`event: run\ndata: ${JSON.stringify(run)}\n\n`)
    }
    if (dropped) batch.push(`event: dropped\ndata: {"count":${dropped}}\n\n`)
    if (batch.length === 0) return
    const chunk = encoder.encode(batch.join(''))
    batch = []
    chars = dropped = 0
    for (const client of members) client.push(chunk)
  }
  const schedule = () => {
    timer ??= setTimeout(flush, FLUSH_MS)
  }
  const stopRuns = topics.has('run') ? stats.listen(schedule) : undefined
  // A comment every 15 s, so that proxies keep an idle stream open.
  const ping = setInterval(() => channel.add('event: ping\ndata: {}\n\n'), 15_000)

  const channel: Channel = {
    join(client) {
      // What was gathered before this client came is written first, to those already there.
      if (timer) flush()
      client.push(OPEN)
      members.add(client)
    },
    remove(client) {
      if (members.delete(client) && members.size === 0) channel.onEmpty?.()
    },
    wantsLog: (line) => matches(line),
    wantsChange: (s, g) => (!stream || s === stream) && (!group || g === group),
    add(event) {
      if (batch.length >= MAX_EVENTS_PER_FLUSH || (chars > 0 && chars + event.length > MAX_CHARS_PER_FLUSH)) dropped++
      else batch.push(event), (chars += event.length)
      schedule()
    },
    endAll() {
      for (const client of [...members]) client.end()
    },
    dispose() {
      clearTimeout(timer)
      clearInterval(ping)
      stopRuns?.()
      batch = []
    },
  }
  return channel
}
