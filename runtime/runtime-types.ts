/**
 * What trigger plugins and hooks see of a running project. Kept in its own file so plugins can
 * depend on the shape without importing the runtime's wiring.
 */
import type { QueueAdapter } from './adapters/queue/types.ts'
import type { StateAdapter } from './adapters/state/types.ts'
import type { LoadedStep } from './discovery/loaded-step.ts'
import type { LogEntry, Logger, LogSink } from './observability/logger.ts'
import type { TraceStore } from './adapters/traces/types.ts'
import type { CronLock } from './adapters/cron-lock/types.ts'
import type { EnqueueMessage, FiredTrigger, FlowContext, StateChange } from './types/context.ts'
import type { HttpRouter } from './http/server.ts'
import type { ResolvedConfig } from './config.ts'
import type { StreamChange, StreamHub } from './streams/hub.ts'

export interface RunOptions {
  /** Continue this trace; a new one starts when absent. */
  traceId?: string
  /** Name of the new trace, e.g. `POST /users`. */
  traceName?: string
  /** The delivery attempt of a queue message (`ctx.attempt`); 1 when absent. */
  attempt?: number
  /** Runs around the handler with its context (HTTP middleware uses this). */
  around?: (ctx: FlowContext, next: () => Promise<unknown>) => Promise<unknown>
  /**
   * Decides, before the run, whether it happens at all (a state trigger's `condition` uses this).
   * It gets a context of its own; when it answers false, no span is recorded and `run` resolves
   * undefined.
   */
  when?: (ctx: FlowContext) => boolean | Promise<boolean>
}

/**
 * A step run in progress, as `begin` returns it. `result` is what the handler returned, a value or
 * a promise; the caller settles the run exactly once, with `succeed` or `fail`.
 */
export interface PendingRun {
  readonly result: unknown
  readonly ctx: FlowContext
  succeed(output: unknown): void
  fail(error: unknown): void
}

export interface RuntimeEvents {
  /** A state write made through a step's context or the runtime. */
  'state:change': (change: StateChange, origin: { traceId: string }) => void
  /** A stream item was created, updated or deleted, or an event was sent (`origin.traceId`: the writer's trace, if any). */
  'stream:change': (change: StreamChange, origin: { traceId?: string }) => void
  /** Steps were (re)loaded. */
  'steps:loaded': (steps: readonly LoadedStep[]) => void
  /** A log line, a step's or the framework's, as written to the log sink. */
  log: (entry: LogEntry) => void
  /** The runtime begins to stop: end long-lived responses (event streams) now. */
  stop: () => void
}

export interface MotiaRuntime {
  root: string
  mode: 'dev' | 'start' | 'test'
  config: ResolvedConfig
  /** The framework's own logger (not a step's). */
  logger: Logger
  /** Where every log entry goes, steps' included. */
  logSink: LogSink
  queue: QueueAdapter
  state: StateAdapter
  traces: TraceStore
  /** The project's streams (definitions, store, change feed). */
  streams?: StreamHub
  /** With several instances (Redis): claims each cron tick for exactly one of them. */
  cronLock?: CronLock
  http: HttpRouter
  /** The steps currently registered. */
  steps(): readonly LoadedStep[]
  /** Steps subscribed to a topic, with their queue trigger. */
  subscribers(topic: string): ReadonlyArray<{ step: LoadedStep; trigger: FiredTrigger }>
  /** Runs a step's handler as one span of a trace, with its context and the plugins' hooks. */
  run(step: LoadedStep, trigger: FiredTrigger, input: unknown, options?: RunOptions): Promise<unknown>
  /**
   * `run` in two halves, for triggers on a hot path that continue the handler's result themselves
   * (the http trigger turns it into a response) and so save a promise per run: starts the span
   * and calls the handler. A handler that throws before returning has failed the run already; the
   * error is thrown on.
   */
  begin(step: LoadedStep, trigger: FiredTrigger, input: unknown, options?: RunOptions): PendingRun
  /**
   * Checks `options.when`, else the trigger's own `condition`, before a run that goes through
   * `begin` (`run` does this itself). Resolves the options to run with (the trace fixed), or
   * undefined when the run is skipped: a skip by the trigger's condition is recorded in the trace.
   */
  admit(step: LoadedStep, trigger: FiredTrigger, input: unknown, options?: RunOptions): Promise<RunOptions | undefined>
  /** Enqueues from outside a step (CLI, tests, plugins); starts a trace unless one is given. */
  enqueue(message: EnqueueMessage, options?: { traceId?: string }): Promise<void>
  /** Listens to a runtime event; returns the function that stops listening. */
  on<E extends keyof RuntimeEvents>(event: E, listener: RuntimeEvents[E]): () => void
  /** Starts a trace and returns its id. */
  startTrace(name: string, entry: string): string
}
