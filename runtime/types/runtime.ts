/**
 * The runtime as triggers, hooks and plugins see it (`MotiaRuntime`), the plugin API's shapes and
 * the project's configuration. They name each other (a plugin's `setup` gets the runtime, the
 * runtime holds the resolved config, the config lists the plugins), so they share one type-only
 * file; runtime/plugin.ts and runtime/config.ts hold the functions that go with them.
 */
import type { QueueAdapter } from '../adapters/queue/types.ts'
import type { StateAdapter } from '../adapters/state/types.ts'
import type { StreamStore } from '../adapters/streams/types.ts'
import type { CronLock } from '../adapters/cron-lock/types.ts'
import type { SpanHandle, TraceStore } from '../adapters/traces/types.ts'
import type { LoadedStep } from '../discovery/loaded-step.ts'
import type { ConfigError } from '../errors.ts'
import type { CorsOptions } from '../http/cors.ts'
import type { HttpRouter } from '../http/server.ts'
import type { LogEntry, Logger, LogLevel, LogSink } from '../observability/logger.ts'
import type { Masker, MaskOptions } from '../observability/mask.ts'
import type { Schema } from '../step/schema.ts'
import type { StreamChange, StreamHub } from '../streams/hub.ts'
import type { StreamLimits, StreamsOptions } from '../streams/limits.ts'
import type { AuthenticateStream } from '../streams/socket.ts'
import type { EnqueueMessage, FiredTrigger, FlowContext, Middleware, StateChange } from './context.ts'

// --- the runtime ---

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
  /**
   * What the last (re)load found wrong, emitted after every load (empty lists once all is well):
   * stream and step files that failed (with their location when known) and the hints about files
   * that look like steps but are not loaded.
   */
  'steps:problems': (problems: { errors: readonly ConfigError[]; warnings: readonly string[] }) => void
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

// --- plugins ---

/** Stops what `register` started. May be async (e.g. waits for in-flight handlers). */
export type Unregister = () => void | Promise<void>

/**
 * A trigger type: how a step's trigger of this `type` is validated and wired to the outside world.
 *
 * @example
 * const webhook: TriggerType = {
 *   type: 'webhook',
 *   schema: z.object({ type: z.literal('webhook'), source: z.string() }),
 *   register(step, trigger, runtime) {
 *     const off = myBus.on(trigger.source, (event) => runtime.run(step, trigger, event, { traceName: `webhook ${trigger.source}` }))
 *     return off
 *   },
 * }
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a registry holds every trigger type
export interface TriggerType<T extends { type: string } = any> {
  type: string
  /** Validates the trigger's config after folder conventions were merged in. */
  schema?: Schema
  /** Deeper checks that need the step (e.g. a cron expression); throw `ConfigError` to refuse. */
  validate?(trigger: T, step: LoadedStep): void
  /** Two triggers with the same key conflict (e.g. the same route); `undefined` never conflicts. */
  key?(trigger: T): string | undefined
  /** Starts delivering events to the step. */
  register(step: LoadedStep, trigger: T & { index: number }, runtime: MotiaRuntime): Unregister | Promise<Unregister>
}

/** A step run, as hooks see it. */
export interface StepRun {
  step: LoadedStep
  trigger: FiredTrigger
  input: unknown
  ctx: FlowContext
  /**
   * The run's span in `runtime.traces`, given to `onStepRun`, which is called before the span
   * ends: a hook may add events to it (the console records input and output this way).
   */
  span?: SpanHandle
}

/** How a run ended, as `onStepRun` sees it: `endedAt` in ms since the epoch. */
export type RunOutcome = { ok: true; output: unknown; durationMs: number; endedAt: number } | { ok: false; error: unknown; durationMs: number; endedAt: number }

/**
 * Hooks in three families: `on*` observe, `transform*` return the same shape, `wrap*` call `next`.
 */
export interface PluginHooks {
  /** After (re)loading steps, with every loaded step. */
  onStepsLoaded?(steps: readonly LoadedStep[], runtime: MotiaRuntime): void | Promise<void>
  /** After each step run, with its outcome, just before its span ends. */
  onStepRun?(run: StepRun, outcome: RunOutcome): void
  /** Around each handler call: call `next()` to run the handler (or the next wrapper). */
  wrapHandler?(run: StepRun, next: () => Promise<unknown>): Promise<unknown>
  /**
   * Once at start: returns the trace store the runtime records into, usually one that forwards to
   * `store` (an exporter). Plugins are applied in order, the last one outermost.
   */
  transformTraces?(store: TraceStore): TraceStore
  /** Once at start: returns the sink every log entry goes to, usually one that forwards to `sink`. */
  transformLogSink?(sink: LogSink): LogSink
}

/** A route a plugin serves on the project's HTTP server. */
export interface PluginRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  path: string
  handler(request: Request, params: Record<string, string>, runtime: MotiaRuntime): Response | Promise<Response>
}

/**
 * A `motia <name>` command. It runs in the project folder with the loaded config; it does not
 * start the runtime (a command that needs it calls `createRuntime` itself).
 */
export interface PluginCommand {
  name: string
  description: string
  /** Shown in `--help`, e.g. `<topic> <json>`. */
  usage?: string
  run(args: string[], env: { root: string; config: ResolvedConfig; log(line: string): void }): void | Promise<void>
}

export interface MotiaPlugin {
  name: string
  /**
   * The options the plugin was made with, checked against `optionsSchema` when the config loads
   * (`motia plugin add` checks them too). A factory plugin stores what it was called with here.
   */
  options?: unknown
  /** A synchronous zod / Standard Schema or JSON Schema for `options`. */
  optionsSchema?: Schema
  triggers?: TriggerType<any>[]
  hooks?: PluginHooks
  /**
   * Members added to every handler's context, built on first use in a run:
   * `context: { mqtt: (ctx) => client }` gives handlers `ctx.mqtt`. Declare their types by
   * augmenting `PluginContext`.
   */
  context?: Record<string, (ctx: FlowContext) => unknown>
  /** Routes served on the project's HTTP server from the first load on (not reloaded). */
  routes?: PluginRoute[]
  /** Commands added to the `motia` CLI. */
  commands?: PluginCommand[]
  /** Called once when the runtime starts, before steps are registered. */
  setup?(runtime: MotiaRuntime): void | Promise<void>
  /** Called once at shutdown, after triggers were unregistered. */
  dispose?(): void | Promise<void>
}

// --- configuration ---

/** What an adapter factory is told: the project's Redis (when `REDIS_URL` is set) and key prefix. */
export interface AdapterContext {
  root: string
  /** `REDIS_URL`, if set. */
  redisUrl?: string
  /** The project's key prefix in a shared store: `motia:<package name or folder>:`. */
  prefix: string
}

/** An adapter, or a function that opens one with the project's context. */
export type AdapterFactory<T> = T | ((context: AdapterContext) => T | Promise<T>)

/** What `motia.config.ts` exports by default. */
export interface MotiaConfig {
  /** Plugins (`definePlugin`). Motia's Workbench plugins are accepted and reported at start (docs/migrating-from-motia.md). */
  plugins?: Array<MotiaPlugin | MotiaWorkbenchPlugin>
  /** Storage and messaging; the embedded SQLite store in `.motia/` when left out. */
  adapters?: {
    queue?: AdapterFactory<QueueAdapter>
    state?: AdapterFactory<StateAdapter>
    traces?: AdapterFactory<TraceStore>
    streams?: AdapterFactory<StreamStore>
    /** Decides which instance runs a cron tick; only needed with several instances. */
    cronLock?: AdapterFactory<CronLock>
    /** Motia's event adapter: accepted and reported, not used (queues are `queue`). */
    events?: unknown
    /** Motia's cron adapter: accepted and reported, not used (see `cronLock`). */
    cron?: unknown
  }
  http?: {
    port?: number
    /** Interface to listen on. Default `127.0.0.1` under `motia dev`, `0.0.0.0` under `motia start`. */
    host?: string
    /** Largest accepted request body in bytes; larger ones get 413. Default 1 MiB. */
    bodyLimit?: number
    /** Cross-origin requests from browsers; refused by browsers when left out. See docs/triggers/http.md. */
    cors?: CorsOptions
    /**
     * More names the `/__motia/` control routes answer to (a tunnel, a container name), beside this
     * machine's own; `.example.com` also allows its subdomains. Under `motia start`, setting it
     * turns the Host check on. See docs/console.md.
     */
    allowedHosts?: string[]
    /** Middleware run around every http step, before the step's own `middleware`. */
    middleware?: Middleware[]
    /**
     * Static files served for GET/HEAD requests no step takes: the project's `public/` folder by
     * default; another folder (relative to the project), `false` to serve none, and `maxAge` (seconds
     * browsers may keep a file under `motia start`, default 0). See docs/triggers/http.md.
     */
    public?: false | string | { dir?: string; maxAge?: number }
  }
  logLevel?: LogLevel
  /**
   * Turns a stream WebSocket's upgrade request (headers, query, subprotocols) into the auth context
   * that `canAccess`/`onJoin` get. Throwing (or returning false) refuses it with 401 before the
   * upgrade; null or undefined admits it without an auth context. See docs/streams.md.
   */
  authenticateStream?: AuthenticateStream
  /** Stream WebSocket limits and allowed origins (see docs/streams.md). */
  streams?: StreamsOptions
  /** How long shutdown waits for running handlers. Default 10 000 ms. */
  shutdownTimeoutMs?: number
  /**
   * Headers and query parameters whose values are kept as `[masked]` in traces, the console and a
   * logged `req`, beside the built-in credential names (token, secret, key, password, session,
   * auth, cookie…). See docs/observability.md.
   */
  mask?: MaskOptions
  /**
   * Out-of-process step languages, by name: the interpreter to run (default `python3` for
   * `python`, `ruby` for `ruby`). `MOTIA_PYTHON` / `MOTIA_RUBY` (the command line, e.g.
   * `python3.12 -X dev`) wins over this.
   */
  languages?: Record<string, { command?: string[] }>
  /** Motia 0.x: `{ useMemoryServer: true }` is the embedded store; host and port become the Redis URL (`REDIS_URL` wins). */
  redis?: { useMemoryServer?: boolean; host?: string; port?: number; password?: string; username?: string; db?: number }
  /** Motia 0.x: `authenticate({ headers, url })` becomes `authenticateStream`; `contextSchema` is for Motia's type generation. */
  streamAuth?: { contextSchema?: unknown; authenticate: (request: { headers: Record<string, string | string[] | undefined>; url?: string }) => unknown }
  /** Motia 0.x's Express customisation: accepted and reported at start, never called (use `http.cors`, `http.middleware`). */
  app?: (app: any) => void
}

/** A Motia (0.x) Workbench plugin builder, as Motia's plugin packages export it. */
export type MotiaWorkbenchPlugin = (motia: any) => { workbench: unknown[]; dirname?: string; steps?: string[] }

export interface ResolvedConfig {
  plugins: MotiaPlugin[]
  adapters: NonNullable<MotiaConfig['adapters']>
  http: { port: number; host: string; bodyLimit: number; cors?: CorsOptions; middleware: Middleware[]; allowedHosts: string[]; public?: { dir: string; maxAge: number } }
  logLevel: LogLevel
  logFormat: 'json' | 'pretty'
  shutdownTimeoutMs: number
  authenticateStream?: AuthenticateStream
  streams: StreamLimits
  /** `REDIS_URL`: when set, every adapter not named in `adapters` is the Redis one. */
  redisUrl?: string
  /** `MOTIA_TOKEN`: the control token of servers that hold no project lock (Redis mode). */
  controlToken?: string
  /** Masks credential-like headers and query parameters in recordings (`mask` in motia.config.ts). */
  mask: Masker
  /** The interpreter command of each out-of-process language that has one configured. */
  languages: Record<string, string[] | undefined>
  /** Lines to log once at start: what Motia-only parts of the config map to, or why they are not used. */
  notices: Array<{ level: 'info' | 'warn'; msg: string }>
  /** The file it came from, if any. */
  file?: string
}
