/**
 * Type tests of the public entries, checked by `tsc --noEmit` (never run): what `motia`,
 * `motia/adapters` and `motia/testing` export, and the shapes plugin and adapter authors build on.
 */
import type { AdapterContext, CronLock, MotiaRuntime, PluginContext, RuntimeEvents, StateAdapter, StreamChange, TraceStore, TriggerType } from 'motia'
import { defineConfig, definePlugin, defineTrigger, errorMessage } from 'motia'
import {
  applyUpdateOps,
  backoffDelay,
  checkPublishOptions,
  createMemoryCronLock,
  createMemoryQueue,
  createMemoryState,
  createMemoryStreams,
  createMemoryTraceStore,
  createRedisCronLock,
  createRedisQueue,
  createRedisState,
  createRedisStreams,
  createRedisTraceStore,
  createSqliteQueue,
  createSqliteState,
  createSqliteStreams,
  queueDefaults,
  type BroadcastStore,
  type QueueAdapter,
  type SharedTraceStore,
  type StreamStore,
} from 'motia/adapters'
import { testCronLock, testQueueAdapter, testStateAdapter, testStreamStore, testTraceStore } from 'motia/testing'
// @ts-expect-error adapter factories live in motia/adapters, not in the main entry
import { createMemoryQueue as fromMain } from 'motia'
// @ts-expect-error one factory name per adapter: the Redis config helpers are gone
import { redisQueue } from 'motia/adapters'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
function assertType<T extends true>(): T | undefined {
  return undefined
}

// One StreamChange: the one `runtime.on('stream:change')` delivers (Motia's wire message).
type Delivered = Parameters<RuntimeEvents['stream:change']>[0]
assertType<Equal<StreamChange, Delivered>>()
export function onChange(change: StreamChange): string {
  if (change.event.type === 'event') return change.event.event.type
  return `${change.streamName}/${change.groupId}/${change.id ?? ''}: ${change.event.type}`
}

// An adapter entry is an adapter or a factory; the create* functions are factories as they are.
export const memory = defineConfig({
  adapters: { queue: createMemoryQueue, state: createMemoryState, streams: createMemoryStreams, traces: () => createMemoryTraceStore({ capacity: 10 }), cronLock: createMemoryCronLock() },
})
export const redis = defineConfig({
  adapters: { queue: createRedisQueue, state: createRedisState, streams: createRedisStreams, traces: createRedisTraceStore, cronLock: createRedisCronLock },
})
export const elsewhere = defineConfig({ adapters: { queue: (context: AdapterContext) => createRedisQueue({ ...context, url: 'redis://queue:6379' }) } })
export const sqlite = defineConfig({ adapters: { queue: () => createSqliteQueue({ path: 'q.db' }), state: () => createSqliteState({ path: 'q.db' }), streams: () => createSqliteStreams({ path: 'q.db' }) } })

// The factories return the interfaces; optional capabilities are separate interfaces.
export async function shapes(): Promise<void> {
  const queue: QueueAdapter = createMemoryQueue()
  const state: StateAdapter = createMemoryState()
  const traces: TraceStore = createMemoryTraceStore()
  const lock: CronLock = createMemoryCronLock()
  const shared: SharedTraceStore = await createRedisTraceStore({ url: 'redis://x:6379' })
  const broadcasting: StreamStore & BroadcastStore = await createRedisStreams({ url: 'redis://x:6379' })
  void [queue, state, traces, lock, shared, broadcasting]
  // The semantics the built-in adapters share.
  const next: unknown = applyUpdateOps({ n: 1 }, [{ type: 'increment', path: 'n' }])
  const wait: number = backoffDelay(queueDefaults.backoff, 2)
  checkPublishOptions('topic', { delayMs: 10 })
  void [next, wait, errorMessage(null)]
}

// Contract suites for every interface.
export const suites = [testQueueAdapter, testStateAdapter, testStreamStore, testTraceStore, testCronLock]

// A plugin adds a trigger type and context members; MotiaRuntime is what both see.
declare module 'motia' {
  interface PluginContext {
    audit: { note(text: string): void }
  }
}
const webhook: TriggerType<{ type: 'webhook'; source: string }> = defineTrigger<{ type: 'webhook'; source: string }>({
  type: 'webhook',
  register(step, trigger, runtime: MotiaRuntime) {
    assertType<Equal<typeof trigger.source, string>>()
    return runtime.on('log', () => void runtime.run(step, trigger, {}))
  },
})
export const audit = definePlugin({ name: 'audit', triggers: [webhook], context: { audit: () => ({ note: (_text: string) => {} }) } })
export function useAudit(ctx: PluginContext): void {
  ctx.audit.note('seen')
}
void fromMain
void redisQueue
