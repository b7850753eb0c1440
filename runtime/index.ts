/**
 * The public entry (`motia`): what step files, stream files, `motia.config.ts` and plugins use,
 * and `createRuntime` for embedding a project. Adapter factories and the helpers for writing
 * adapters are in `motia/adapters`; test helpers and contract suites in `motia/testing`.
 */
/// <reference path="./compat/motiadev-modules.d.ts" />
// Steps: config, handler inference and the context.
export type { AnyHandler, EnqueueTopics, HandlerInput, HandlerOutput, Handlers, QueueInput, StepConfig } from './step/types.ts'
export { defineStep } from './step/types.ts'
export type {
  CronInput,
  CronTriggerConfig,
  CustomTriggerConfig,
  EnqueueMessage,
  FiredTrigger,
  FlowContext,
  HttpMethod,
  HttpRequest,
  HttpResponse,
  HttpTriggerConfig,
  MatchHandlers,
  Middleware,
  MotiaRequest,
  PluginContext,
  PluginTriggerConfig,
  QueueInfrastructure,
  QueueOptions,
  QueueTriggerConfig,
  ResponseWriter,
  ServerSentEvent,
  StateChange,
  StateTriggerConfig,
  StreamTriggerConfig,
  StreamTriggerInput,
  Topics,
  Enqueues,
  TriggerCondition,
  TriggerConfig,
  TriggerGuards,
  TriggerTypes,
  CheckpointOptions,
  Duration,
  WaitOptions,
  WaitResult,
} from './types/context.ts'
export type { WorkflowOptions } from './step/types.ts'
export type { Checkpoint, RunStatus, WorkflowRun, WorkflowStore } from './adapters/workflows/types.ts'
export { enqueue, getContext, logger, stateManager, streams } from './step/module-context.ts'
export type { InferSchema, InferSchemaInput, JsonSchema, Schema, StandardSchemaV1 } from './step/schema.ts'
export { compileSchema, toJsonSchema } from './step/schema.ts'
export { triggerSummary } from './step/trigger-summary.ts'
export { ConfigError, MotiaError, NonRetriableError, ValidationError, errorMessage, isNonRetriable, type ValidationIssue } from './errors.ts'
// Motia compatibility: its builders and type names (see docs/migrating-from-motia.md).
export {
  api,
  cron,
  http,
  jsonSchema,
  multiTriggerStep,
  queue,
  state,
  step,
  stream,
  type HttpOptions,
  type MultiTriggerStepBuilder,
  type QueueBuilderOptions,
  type StepDefinition,
  type TriggerHandlers,
} from './compat/builders.ts'
export { Stream } from './compat/stream.ts'
export type { ApiMiddleware, ApiRequest, ApiResponse, ApiRouteConfig, CronConfig, Enqueue, Enqueuer, EventConfig, MotiaHttpArgs, NoopConfig, QueryParam, StateTriggerInput, StreamConfig } from './compat/motia-types.ts'
// Configuration, plugins and the runtime they see.
// `config` is Motia's name for it (`export default config({ ... })`).
export { defineConfig, defineConfig as config } from './config.ts'
export { definePlugin, defineTrigger } from './plugin.ts'
export { describePlugin, type PluginSummary } from './plugin-host.ts'
export type {
  MotiaConfig,
  MotiaWorkbenchPlugin,
  MotiaPlugin,
  MotiaRuntime,
  PendingRun,
  PluginCommand,
  PluginHooks,
  PluginRoute,
  ResolvedConfig,
  RunOptions,
  RunOutcome,
  RuntimeEvents,
  StepRun,
  TriggerType,
  Unregister,
} from './types/runtime.ts'
export { createRuntime, type Runtime, type RuntimeOptions } from './runtime.ts'
export type { LoadedStep, StepInvoker, StepLoader } from './discovery/loaded-step.ts'
export type { Logger, LogEntry, LogLevel, LogSink } from './observability/logger.ts'
export { createMasker, type Masker, type MaskOptions } from './observability/mask.ts'
// For plugins that keep what runs produce (the console): bounded copies, as the trace store makes them.
export { boundedCopy, clipText } from './observability/clip.ts'
// The adapters' interfaces, as the runtime and plugins see them; factories and helpers are in `motia/adapters`.
export type { SharedTraceStore, Span, SpanEvent, Trace, TraceStore, TraceSummary } from './adapters/traces/types.ts'
export type { StateAdapter, StateManager, StateWrite, UpdateOp } from './adapters/state/types.ts'
export type { DeadLetter, DeadLetterCount, DeadLetterPage, DeadLetterPageOptions, DeadLetterSummary, QueueAdapter, QueueMessage, QueueStats } from './adapters/queue/types.ts'
// Dead letters a page at a time over any queue adapter (the console's Queues page reads them so).
export { countDeadLetters, readDeadLetterPage } from './adapters/queue/dead-letter-page.ts'
export type { StreamItem, StreamStore, StreamWrite } from './adapters/streams/types.ts'
export type { CronLock } from './adapters/cron-lock/types.ts'
export type { AdapterContext } from './types/runtime.ts'
// Streams as step code and stream files see them.
export type {
  StreamEvent,
  StreamHandle,
  StreamData,
  StreamHookContext,
  StreamItemOf,
  StreamJoinResult,
  Streams,
  StreamsContext,
  StreamSetResult,
  StreamSubscription,
} from './streams/types.ts'
export type { StreamAuthRequest } from './streams/socket.ts'
export type { StreamChange } from './streams/hub.ts'
