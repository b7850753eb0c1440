/**
 * `motia/adapters`: for people who configure or write adapters. One `create*` factory per
 * adapter — passed as it is in motia.config.ts (`adapters: { queue: createMemoryQueue }`), or
 * called — the interfaces they implement, and the semantics the built-in ones share (update ops,
 * retry timing, publish checks), so a new adapter behaves as they do. Each interface has a contract
 * suite in `motia/testing` (`testQueueAdapter`, `testStateAdapter`, `testStreamStore`,
 * `testTraceStore`, `testCronLock`).
 *
 * @example
 * import { createMemoryQueue, createMemoryState } from 'motia/adapters'
 * export default defineConfig({ adapters: { queue: createMemoryQueue, state: createMemoryState } })
 */
// Queue
export type { AttemptControl, ConsumeOptions, DeadLetter, DeadLetterCount, DeadLetterPage, DeadLetterPageOptions, DeadLetterSummary, MessageHandler, PublishOptions, QueueAdapter, QueueMessage, QueueStats } from './queue/types.ts'
export { countDeadLetters, readDeadLetterPage } from './queue/dead-letter-page.ts'
export { backoffDelay, checkPublishOptions, queueDefaults } from './queue/types.ts'
export { createMemoryQueue } from './queue/memory.ts'
export { createSqliteQueue, type SqliteQueueOptions } from './queue/sqlite.ts'
// State
export type { StateAdapter, StatePath, StateWrite, UpdateOp } from './state/types.ts'
export { applyUpdateOps, normalizePath } from './state/ops.ts'
export { createMemoryState } from './state/memory.ts'
export { createSqliteState, type SqliteStateOptions } from './state/sqlite.ts'
// Streams
export type { BroadcastChange, BroadcastStore, StreamItem, StreamStore, StreamWrite } from './streams/types.ts'
export { createMemoryStreams } from './streams/memory.ts'
export { createSqliteStreams } from './streams/sqlite.ts'
// Traces
export type { SharedTraceStore, Span, SpanEvent, SpanHandle, Trace, TraceStore, TraceSummary } from './traces/types.ts'
export { summarize } from './traces/types.ts'
export { createMemoryTraceStore, type MemoryTraceStoreOptions } from './traces/memory.ts'
// Workflows
export type { Checkpoint, PendingWait, RunFilter, RunPatch, RunStatus, WorkflowRun, WorkflowStore } from './workflows/types.ts'
export { createMemoryWorkflowStore } from './workflows/memory.ts'
export { createSqliteWorkflowStore, type SqliteWorkflowStoreOptions } from './workflows/sqlite.ts'
// Cron lock
export type { CronLock } from './cron-lock/types.ts'
export { createMemoryCronLock, type MemoryCronLockOptions } from './cron-lock/memory.ts'
// Redis: REDIS_URL switches every adapter; `adapters` in motia.config.ts picks them one by one.
export {
  createRedisCronLock,
  createRedisQueue,
  createRedisState,
  createRedisStreams,
  createRedisTraceStore,
  createRedisWorkflowStore,
  type RedisConnectionOptions,
  type RedisCronLockOptions,
  type RedisQueueOptions,
  type RedisStateOptions,
  type RedisStreamStore,
  type RedisStreamsOptions,
  type RedisTraceStoreOptions,
  type RedisWorkflowStoreOptions,
} from './redis/index.ts'
// What an adapter factory is given, and the errors adapters report with.
export type { AdapterContext, AdapterFactory } from '../types/runtime.ts'
export { errorMessage, isNonRetriable, MotiaError, NonRetriableError } from '../errors.ts'
