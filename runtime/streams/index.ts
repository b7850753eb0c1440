/**
 * Streams in a runtime: the hub over the store, the definitions (loaded with the steps by
 * project.ts and swapped in here), the WebSocket endpoint and the contexts of stream hooks. `runtime.ts`
 * creates one and calls it at load, at listen and at stop; nothing here runs per HTTP request.
 */
import { relative } from 'node:path'
import type { StreamStore } from '../adapters/streams/types.ts'
import type { LoadedStep } from '../discovery/loaded-step.ts'
import type { Logger } from '../observability/logger.ts'
import type { SpanHandle, TraceStore } from '../adapters/traces/types.ts'
import type { FlowContext } from '../types/context.ts'
import { errorMessage } from '../errors.ts'
import type { LoadedStream } from './definitions.ts'
import { createStreamHub, type StreamHub } from './hub.ts'
import type { ServerWebSocket } from 'bun'
import type { AuthenticateStream, Connection, StreamSockets } from './socket.ts'
import { socketBounds, type StreamLimits } from './limits.ts'
import type { StreamHookContext } from './types.ts'

export interface StreamsFeatureOptions {
  root: string
  store: StreamStore
  logger: Logger
  traces: TraceStore
  startTrace(name: string, entry: string): string
  /** A step context for a stream hook (the runtime's `createFlowContext`). */
  context(step: LoadedStep, traceId: string, span: SpanHandle): FlowContext
  authenticate?: AuthenticateStream
  /** `streams` from motia.config.ts, resolved (limits.ts). */
  limits: StreamLimits
}

export interface StreamsFeature {
  hub: StreamHub
  sockets: StreamSockets
  /** Swaps in the definitions (project.ts `discoverStreams` loads them); resolves once clients may be served. */
  swap(streams: readonly LoadedStream[]): Promise<void>
  streams(): readonly LoadedStream[]
  close(): Promise<void>
}

export function createStreamsFeature(options: StreamsFeatureOptions): StreamsFeature {
  const { root, logger, traces } = options
  const hub = createStreamHub(options.store, (error) => logger.error(`[motia] stream change listener failed: ${errorMessage(error)}`, { error: error as Error }))
  let loaded: LoadedStream[] = []

  const hookContext = (name: string) => {
    const traceId = options.startTrace(`stream ${name}`, 'stream')
    const span = traces.startSpan(traceId, name, 'stream', Date.now())
    const step = hookStep(root, name)
    const ctx = options.context(step, traceId, span) as unknown as StreamHookContext
    return { ctx, end: (error?: unknown) => traces.endSpan(span, Date.now(), error === undefined ? undefined : errorMessage(error)) }
  }
  const sockets = lazySockets(socketBounds(options.limits), async () => (await import('./socket.ts')).createStreamSockets({ hub, logger, authenticate: options.authenticate, hookContext, limits: options.limits }))

  return {
    hub,
    sockets,
    async swap(streams) {
      loaded = [...streams]
      hub.swap(loaded)
      // Before the server listens: a client on this instance must hear every change made after it joins.
      await hub.ready()
    },
    streams: () => loaded,
    async close() {
      sockets.close()
      await hub.close()
    },
  }
}

// --- internal ---

/**
 * The WebSocket endpoint, loaded at the first upgrade request: a project whose pages never open a
 * stream does not load the endpoint's modules (socket.ts and its parts) at start. Bun's socket
 * callbacks only run on a connection that an upgrade made, so by then the endpoint is there.
 */
function lazySockets(bounds: ReturnType<typeof socketBounds>, load: () => Promise<StreamSockets>): StreamSockets {
  let loaded: StreamSockets | undefined
  let loading: Promise<StreamSockets> | undefined
  let closed = false
  const endpoint = () =>
    (loading ??= load().then((sockets) => {
      loaded = sockets
      if (closed) sockets.close()
      return sockets
    }))
  const on = () => loaded!.websocket
  return {
    upgrade: (request, server) => (loaded ? loaded.upgrade(request, server) : endpoint().then((sockets) => sockets.upgrade(request, server))),
    websocket: {
      ...bounds,
      open: (ws) => on().open?.(ws),
      message: (ws, message) => on().message?.(ws, message),
      drain: (ws) => on().drain?.(ws),
      close: (ws: ServerWebSocket<Connection>, code: number, reason: string) => on().close?.(ws, code, reason),
    },
    size: () => loaded?.size() ?? 0,
    close() {
      closed = true
      loaded?.close()
    },
  }
}

/** The pseudo step a hook's context belongs to, so its logs and span name the stream. */
function hookStep(root: string, name: string): LoadedStep {
  return {
    name,
    file: root,
    relativePath: relative(root, root),
    language: 'typescript',
    config: {},
    triggers: [{ type: 'stream', streamName: name.split(' ')[1], index: 0 }],
    flows: [],
    enqueues: [],
    invoke: async () => undefined,
  } as LoadedStep
}
