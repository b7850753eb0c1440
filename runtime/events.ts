/**
 * The runtime's event bus (`runtime.on`): state and stream changes, reloads, log lines, the start
 * of shutdown. A listener that throws is logged and never stops the others, nor the emitter.
 */
import type { Logger } from './observability/logger.ts'
import type { RuntimeEvents } from './types/runtime.ts'

export interface EventBus {
  /** Listens to an event; returns the function that stops listening. */
  on<E extends keyof RuntimeEvents>(event: E, listener: RuntimeEvents[E]): () => void
  emit<E extends keyof RuntimeEvents>(event: E, ...args: Parameters<RuntimeEvents[E]>): void
  /** Whether `event` has listeners: hot paths (a log line) skip `emit` when it has none. */
  heard(event: keyof RuntimeEvents): boolean
}

/** `logger` is read when a listener throws: it may be set after the bus is made (the logger logs through it). */
export function createEventBus(logger: () => Logger): EventBus {
  const listeners = new Map<string, Set<(...args: never[]) => void>>()
  return {
    on(event, listener) {
      const set = listeners.get(event) ?? new Set()
      listeners.set(event, set)
      set.add(listener as never)
      return () => set.delete(listener as never)
    },
    emit(event, ...args) {
      for (const listener of listeners.get(event) ?? []) {
        try {
          ;(listener as unknown as (...a: typeof args) => void)(...args)
        } catch (error) {
          logger().error(`listener of ${event} failed`, { error: error as Error })
        }
      }
    },
    heard: (event) => (listeners.get(event)?.size ?? 0) > 0,
  }
}
