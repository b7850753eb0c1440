/**
 * The public entry (`motia`): types and helpers for step files, plugins and configuration, and
 * `createRuntime` for embedding a project.
 */
export type { AnyHandler, EnqueueTopics, HandlerInput, HandlerOutput, Handlers, QueueInput, StepConfig } from './step/types.ts'
export type { CronInput, CronTriggerConfig, CustomTriggerConfig, EnqueueMessage, FiredTrigger, FlowContext, HttpMethod, HttpRequest, HttpResponse, HttpTriggerConfig, Middleware, QueueOptions, QueueTriggerConfig, ServerSentEvent, StateChange, StateTriggerConfig, StreamTriggerConfig, Topics, TriggerConfig } from './types/context.ts'
export { defineStep } from './step/types.ts'
// Motia compatibility: its builders and type names (see docs/migrating-from-motia.md).
export { api, cron, http, jsonSchema, queue, state, step, stream, type HttpOptions, type QueueBuilderOptions, type StepDefinition } from './compat/builders.ts'
export type { ApiMiddleware, ApiRequest, ApiResponse, ApiRouteConfig, CronConfig, Enqueue, EventConfig, MotiaHttpArgs, NoopConfig, QueryParam, StateTriggerInput, StreamConfig } from './compat/motia-types.ts'
export type { MatchHandlers, MotiaRequest, ResponseWriter, StreamTriggerInput, TriggerCondition, TriggerGuards } from './types/context.ts'
export { enqueue, logger, stateManager, streams } from './step/module-context.ts'
export type { InferSchema, InferSchemaInput, JsonSchema, Schema, StandardSchemaV1 } from './step/schema.ts'
export { compileSchema, toJsonSchema } from './step/schema.ts'
export { ConfigError, MotiaError, NonRetriableError, ValidationError, type ValidationIssue } from './errors.ts'
export { definePlugin, defineTrigger } from './plugin.ts'
export { type MotiaPlugin, type PluginCommand, type PluginHooks, type PluginRoute, type RunOutcome, type StepRun, type TriggerType, type Unregister } from './types/runtime.ts'
export { type PluginContext } from './types/context.ts'
export { describePlugin, type PluginSummary } from './plugin-host.ts'
export { defineConfig } from './config.ts'
export { type MotiaConfig, type ResolvedConfig } from './types/runtime.ts'
export type { MotiaRuntime, PendingRun, RunOptions, RuntimeEvents } from './types/runtime.ts'
export { createRuntime, type Runtime, type RuntimeOptions } from './runtime.ts'
export type { LoadedStep, StepInvoker, StepLoader } from './discovery/loaded-step.ts'
export type { Logger, LogEntry, LogLevel, LogSink } from './observability/logger.ts'
export type { SharedTraceStore, Span, SpanEvent, Trace, TraceStore, TraceSummary } from './adapters/traces/types.ts'
export { createMemoryTraceStore } from './adapters/traces/memory.ts'
export type { StateAdapter, StateManager, StateWrite, UpdateOp } from './adapters/state/types.ts'
export type { AttemptControl, ConsumeOptions, DeadLetter, MessageHandler, QueueAdapter, QueueMessage, QueueStats } from './adapters/queue/types.ts'
export { createMemoryQueue } from './adapters/queue/memory.ts'
export { createMemoryState } from './adapters/state/memory.ts'
export { createSqliteQueue, type SqliteQueueOptions } from './adapters/queue/sqlite.ts'
export { createSqliteState, type SqliteStateOptions } from './adapters/state/sqlite.ts'
export type { StreamItem, StreamStore, StreamWrite } from './adapters/streams/types.ts'
export type {
  StreamEvent,
  StreamHandle,
  StreamHookContext,
  StreamItemOf,
  StreamJoinResult,
  Streams,
  StreamsContext,
  StreamSetResult,
  StreamSubscription,
} from './streams/types.ts'
export type { StreamAuthRequest } from './streams/socket.ts'
export { createMemoryStreams } from './adapters/streams/memory.ts'
export { createSqliteStreams } from './adapters/streams/sqlite.ts'
// For adapter authors: the update-op semantics, retry timing and defaults the built-in adapters use.
export { applyUpdateOps, normalizePath } from './adapters/state/ops.ts'
export { backoffDelay, checkPublishOptions, queueDefaults } from './adapters/queue/types.ts'
export { errorMessage, isNonRetriable } from './errors.ts'
// Redis (REDIS_URL switches all of them; `adapters` in motia.config.ts picks them one by one).
export { redisCronLock, redisQueue, redisState, redisStreams, redisTraces, type RedisAdapterOptions } from './adapters/redis/index.ts'
export { createRedisQueue, type RedisQueueOptions } from './adapters/redis/queue.ts'
export { createRedisState } from './adapters/redis/state.ts'
export { createRedisStreams, type RedisStreamStore } from './adapters/redis/streams.ts'
export type { StreamChange } from './streams/hub.ts'
export type { BroadcastChange, BroadcastStore } from './adapters/streams/types.ts'
export { createRedisTraceStore } from './adapters/redis/traces.ts'
export { createRedisCronLock } from './adapters/redis/cron-lock.ts'
export type { CronLock } from './adapters/cron-lock/types.ts'
export { createMemoryCronLock } from './adapters/cron-lock/memory.ts'
export type { AdapterContext } from './types/runtime.ts'
