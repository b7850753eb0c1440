/**
 * Stopping a runtime: long-lived responses end, the server stops taking requests, triggers stop,
 * running handlers may finish — all within one deadline (`shutdownTimeoutMs`) — then plugins are
 * disposed, streams and adapters closed and the project lock released. A handler that never ends
 * is named in a warning and does not hold the process.
 */
import type { ProjectLock } from './project-lock.ts'
import type { HttpServer } from './http/server.ts'
import type { Logger } from './observability/logger.ts'
import type { EventBus } from './events.ts'
import type { Registry } from './registry.ts'
import { describeRuns } from './run/active-run.ts'
import type { Runner } from './run/runner.ts'
import type { StreamsFeature } from './streams/index.ts'
import type { MotiaPlugin } from './types/runtime.ts'

export interface ShutdownParts {
  timeoutMs: number
  events: EventBus
  server: HttpServer
  streaming: StreamsFeature
  registry: Registry
  /** The workflow engine's consumers stop with the triggers. */
  workflows?: { stop(): Promise<void> }
  runner: Runner
  plugins: readonly MotiaPlugin[]
  /** Workers of other languages: stopped once the runs drained (a worker's steps may be among them). */
  languages: { close(): Promise<void> }
  adapters: { close(): Promise<void> }
  lock?: ProjectLock
  logger: Logger
}

export async function shutdown(parts: ShutdownParts): Promise<void> {
  const { server, runner } = parts
  // Long-lived responses (event streams) end now, so that closing the server need not wait for them.
  parts.events.emit('stop')
  // Everything below shares one deadline: open requests (an event stream never ends by itself),
  // running handlers and consumers.
  let timedOut = false
  // The timer stays referenced: a handler that never settles holds no handle of its own, so an
  // unreferenced deadline would let the process end here, skipping dispose and the lock.
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(() => resolve(void (timedOut = true)), parts.timeoutMs)))
  parts.streaming.sockets.close()
  const closing = server.stop()
  const stopping = [...parts.registry.unregisterAll(), parts.workflows?.stop()]
  await Promise.race([Promise.all([closing, runner.idle(), ...stopping]), timeout])
  clearTimeout(timer)
  if (timedOut) await server.stop(true)
  if (runner.active.size > 0) {
    parts.logger.warn(`[motia] shutdown: ${describeRuns(runner.active)} still running after shutdownTimeoutMs (${parts.timeoutMs} ms); stopping anyway`)
  }
  for (const plugin of parts.plugins) await plugin.dispose?.()
  await parts.languages.close()
  await parts.streaming.close()
  await parts.adapters.close()
  parts.lock?.release()
}
