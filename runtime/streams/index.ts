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
import { createStreamSockets, type AuthenticateStream, type StreamSockets } from './socket.ts'
import type { StreamLimits } from './limits.ts'
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
  const sockets = createStreamSockets({ hub, logger, authenticate: options.authenticate, hookContext, limits: options.limits })

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
