/**
 * Wires a project together: config, adapters, plugins, steps and the HTTP server. `createRuntime`
 * returns a runtime that `motia dev`, `motia start`, compiled executables and tests all drive.
 */
import { relative, resolve } from 'node:path'
import { ConfigError, MotiaError, errorMessage, toError } from './errors.ts'
import { redisErrorLogger, resolveAdapters, usesEmbeddedStore, type ResolvedAdapters } from './adapters/resolve.ts'
import { createFlowContext, type ContextDeps } from './context.ts'
import { findStepFiles, loadSteps, unsupportedStepFiles, type LoadResult } from './discovery/load-steps.ts'
import type { LoadedStep, StepLoader } from './discovery/loaded-step.ts'
import { forgetProjectModules, moduleLoader, staticLoader, type StepModule } from './discovery/module-loader.ts'
import { warnOrphanedQueues } from './discovery/orphaned-queues.ts'
import { createHttpServer, type HttpServer } from './http/server.ts'
import { registerCoreRoutes } from './http/core-routes.ts'
import { createLogger, jsonSink, prettySink, type LogSink } from './observability/logger.ts'
import { newTraceId } from './observability/ids.ts'
import type { SpanHandle, TraceStore } from './adapters/traces/types.ts'
import { loadConfig } from './config.ts'
import { type MotiaConfig } from './types/runtime.ts'
import { acquireProjectLock } from './project-lock.ts'
import type { MotiaPlugin, PluginHooks, StepRun, TriggerType, Unregister } from './types/runtime.ts'
import { contextExtender, mountPluginRoutes, transformLogSink, transformTraces } from './plugin-host.ts'
import type { MotiaRuntime, PendingRun, RunOptions, RuntimeEvents } from './types/runtime.ts'
import type { EnqueueMessage, FiredTrigger, FlowContext } from './types/context.ts'
import { checkEnqueueMessage, checkMessage, indexTopics, type TopicIndex } from './topics.ts'
import { builtinTriggers } from './triggers/index.ts'
import { conditionOf, recordSkip } from './triggers/conditions.ts'
import { createStreamsFeature, isStreamFile, type StreamsFeature } from './streams/index.ts'

export interface RuntimeOptions {
  root: string
  mode?: MotiaRuntime['mode']
  /** CLI flags that win over config and environment. */
  flags?: { port?: number; host?: string; logFormat?: 'json' | 'pretty' }
  /** Replaces the configured log output (tests collect entries). */
  logSink?: LogSink
  /** Extra loaders (e.g. Python) tried before the TypeScript/JavaScript one. */
  loaders?: StepLoader[]
  env?: Record<string, string | undefined>
  /** Adapters that win over the project's config (tests use in-memory ones). */
  adapters?: MotiaConfig['adapters']
  /**
   * Step modules imported ahead of time, by path relative to `root`, and the project's config:
   * compiled executables pass them so that no file is scanned or imported at run time.
   */
  bundle?: { modules: Record<string, StepModule>; config?: MotiaConfig }
  /** Plugins added unless the project's config lists one of the same name (`motia dev` adds the console). */
  defaultPlugins?: MotiaPlugin[]
}

export interface Runtime extends MotiaRuntime {
  /** Loads steps and registers their triggers. Does not listen: see `listen`. */
  load(): Promise<LoadResult>
  /** Loads the step files again (after an edit) and swaps the registrations. */
  reload(): Promise<LoadResult>
  listen(): Promise<string>
  /** Stops accepting work, lets running handlers finish (bounded), closes adapters. */
  stop(): Promise<void>
  server: HttpServer
  /** Stream definitions, the WebSocket endpoint and the change feed. */
  streaming: StreamsFeature
}

/** Creates a runtime for the project at `root`. Adapters default to the embedded store in `.motia/`. */
export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const root = resolve(options.root)
  const mode = options.mode ?? 'dev'
  const config = await loadConfig(root, { ...options.flags, mode }, options.env, options.bundle?.config ?? (options.bundle ? {} : undefined))
  const configured = new Set(config.plugins.map((p) => p.name))
  const defaults = (options.defaultPlugins ?? []).filter((p) => !configured.has(p.name))
  const plugins: MotiaPlugin[] = [{ name: 'motia:core', triggers: builtinTriggers }, ...config.plugins, ...defaults]
  const listeners = new Map<string, Set<(...args: never[]) => void>>()
  const output = transformLogSink(plugins, options.logSink ?? (config.logFormat === 'json' ? jsonSink() : prettySink()))
  // Log lines reach `on('log')` listeners only while there are some: a lookup per line otherwise.
  const logSink: LogSink = (entry) => {
    output(entry)
    if (listeners.get('log')?.size) emit('log', entry)
  }
  const logger = createLogger(logSink, { level: config.logLevel })
  const adapters = { ...config.adapters, ...options.adapters }
  // The embedded store is the default; one server per project may use it (see project-lock.ts).
  // Redis mode takes no lock: any number of instances share one Redis.
  const embedded = usesEmbeddedStore(config, adapters)
  const lock = embedded && mode !== 'test' ? acquireProjectLock(root, mode) : undefined
  let opened: ResolvedAdapters
  try {
    opened = await resolveAdapters(root, config, adapters, { reclaimLeases: lock !== undefined, onWarning: (message) => logger.warn(message), onError: redisErrorLogger(logger) })
  } catch (error) {
    lock?.release()
    throw error
  }
  const { queue, state, traces: baseTraces, cronLock, streams: streamStore } = opened
  const traces = transformTraces(plugins, baseTraces)
  const server = createHttpServer({ bodyLimit: config.http.bodyLimit, cors: config.http.cors, logger })
  const extendContext = contextExtender(plugins)
  const triggerTypes = collectTriggerTypes(plugins)
  const bundled = options.bundle && new Map(Object.entries(options.bundle.modules).map(([path, mod]) => [resolve(root, path), mod]))
  const loaders = bundled ? [staticLoader(bundled)] : [...(options.loaders ?? []), moduleLoader]
  const wrappers = plugins.flatMap((p) => (p.hooks?.wrapHandler ? [p.hooks.wrapHandler] : []))
  const observers = plugins.flatMap((p) => (p.hooks?.onStepRun ? [p.hooks.onStepRun] : []))

  let steps: LoadedStep[] = []
  // Steps whose file failed at the last load, kept for their queue subscriptions (see load-steps.ts).
  let kept: LoadedStep[] = []
  let topics: TopicIndex = new Map()
  let registrations: Unregister[] = []
  // Runs in progress, so that shutdown can wait for them and name the ones that never end.
  const running = new Set<ActiveRun>()
  let idle: (() => void) | undefined
  let setupDone = false

  const emit = <E extends keyof RuntimeEvents>(event: E, ...args: Parameters<RuntimeEvents[E]>) => {
    for (const listener of listeners.get(event) ?? []) {
      try {
        ;(listener as unknown as (...a: Parameters<RuntimeEvents[E]>) => void)(...args)
      } catch (error) {
        logger.error(`listener of ${event} failed`, { error: error as Error })
      }
    }
  }

  const startTrace = (name: string, entry: string): string => {
    const id = newTraceId()
    traces.begin(id, name, entry, Date.now())
    return id
  }

  /** Callers check the message first (`checkEnqueueMessage`): ctx.enqueue and runtime.enqueue do. */
  const publish = async (message: EnqueueMessage, traceId: string): Promise<number> => {
    const subscribers = topics.get(message.topic) ?? []
    if (subscribers.length === 0) {
      logger.warn(`enqueue to "${message.topic}" reached no subscriber: add a queue step for "${message.topic}"`, { traceId, topic: message.topic })
      return 0
    }
    await checkMessage(message.topic, subscribers, message.data)
    const names = subscribers.map((s) => s.step.name)
    await queue.publish(message.topic, names, message.data, { traceId, messageGroupId: message.messageGroupId, delayMs: message.delayMs })
    return names.length
  }

  const contextDeps: ContextDeps = {
    state,
    traces,
    logSink,
    logLevel: config.logLevel,
    publish,
    onStateChange: (change, traceId) => emit('state:change', change, { traceId }),
  }

  // Streams: the hub feeds stream triggers through 'stream:change'; the socket endpoint is mounted on the server.
  const streaming = createStreamsFeature({
    root,
    store: streamStore,
    logger,
    traces,
    startTrace: (name, entry) => startTrace(name, entry),
    context: (step, traceId, span) => createFlowContext(contextDeps, step, step.triggers[0]!, traceId, span),
    authenticate: config.authenticateStream,
    maxBufferedBytes: config.streams.maxBufferedBytes,
  })
  contextDeps.streams = streaming.hub
  streaming.hub.onChange((change) => emit('stream:change', change, { traceId: change.traceId }))
  server.websocket(streaming.sockets)

  const settled = (run: ActiveRun) => {
    running.delete(run)
    if (running.size === 0) idle?.()
  }

  /** The trace a run belongs to: the one given, else a new one. */
  const traceFor = (step: LoadedStep, trigger: FiredTrigger, runOptions: RunOptions): string =>
    runOptions.traceId ?? startTrace(runOptions.traceName ?? `${trigger.type} ${step.name}`, trigger.type)

  const begin = (step: LoadedStep, trigger: FiredTrigger, input: unknown, runOptions: RunOptions = {}): PendingRun => {
    const traceId = traceFor(step, trigger, runOptions)
    const startedAt = Date.now()
    const span = traces.startSpan(traceId, step.name, trigger.type, startedAt, runOptions.attempt)
    const ctx = createFlowContext(contextDeps, step, trigger, traceId, span, input, runOptions.attempt)
    extendContext?.(ctx)
    const current = new ActiveRun(runBook, step, trigger, input, ctx, span, startedAt)
    running.add(current)
    try {
      // The common case (no middleware, no wrapping plugin) calls the handler with no closures.
      current.result = runOptions.around || wrappers.length ? wrapped(step, trigger, input, ctx, runOptions) : step.invoke(input, ctx)
    } catch (error) {
      current.fail(error)
      throw error
    }
    return current
  }

  const admit = async (step: LoadedStep, trigger: FiredTrigger, input: unknown, runOptions: RunOptions = {}): Promise<RunOptions | undefined> => {
    // A trigger's own `condition` is checked here for every trigger type.
    const when = runOptions.when ?? conditionOf(trigger, input)
    if (!when) return runOptions
    const traceId = traceFor(step, trigger, runOptions)
    // Span 0 records nothing: what the check reads is not a run of the step.
    if (await when(createFlowContext(contextDeps, step, trigger, traceId, 0, input))) return { ...runOptions, traceId, when: undefined }
    if (!runOptions.when) recordSkip(traces, step, trigger, traceId)
    return undefined
  }

  const run = async (step: LoadedStep, trigger: FiredTrigger, input: unknown, runOptions?: RunOptions): Promise<unknown> => {
    if (runOptions?.when || (trigger as { condition?: unknown }).condition) {
      runOptions = await admit(step, trigger, input, runOptions)
      if (!runOptions) return undefined
    }
    const current = begin(step, trigger, input, runOptions)
    try {
      const output = await current.result
      current.succeed(output)
      return output
    } catch (thrown) {
      // Handlers may throw null, strings or plain objects: triggers get an Error either way.
      const error = toError(thrown)
      current.fail(error)
      throw error
    }
  }

  /** Observers only watch: one that throws is logged and never changes the run's outcome. */
  const observe: NonNullable<PluginHooks['onStepRun']> = (run, outcome) => {
    for (const observer of observers) {
      try {
        const result = observer(run, outcome) as unknown
        if (result instanceof Promise) result.catch((error: unknown) => logger.error(`[motia] onStepRun hook failed: ${errorMessage(error)}`, { error: error as Error }))
      } catch (error) {
        logger.error(`[motia] onStepRun hook failed: ${errorMessage(error)}`, { error: error as Error })
      }
    }
  }

  const runBook: RunBook = { traces, observe: observers.length ? observe : undefined, settled }

  const wrapped = (step: LoadedStep, trigger: FiredTrigger, input: unknown, ctx: FlowContext, runOptions: RunOptions): Promise<unknown> => {
    const call = () => step.invoke(input, ctx)
    let next = runOptions.around ? () => runOptions.around!(ctx, call) : call
    for (let i = wrappers.length - 1; i >= 0; i--) {
      const wrap = wrappers[i]!
      const inner = next
      next = () => wrap({ step, trigger, input, ctx }, inner)
    }
    return next()
  }

  const runtime: Runtime = {
    root,
    mode,
    config,
    logger,
    logSink,
    queue,
    state,
    traces,
    streams: streaming.hub,
    streaming,
    cronLock,
    http: server,
    server,
    steps: () => steps,
    subscribers: (topic) => topics.get(topic) ?? [],
    run,
    begin,
    admit,
    startTrace,
    async enqueue(message, opts = {}) {
      checkEnqueueMessage(message)
      if (!topics.has(message.topic)) {
        throw new MotiaError(`[motia] no step subscribes to topic "${message.topic}"; known topics: ${[...topics.keys()].join(', ') || 'none'}`, {
          code: 'UNKNOWN_TOPIC',
          status: 404,
        })
      }
      await publish(message, opts.traceId ?? startTrace(`enqueue ${message.topic}`, 'enqueue'))
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set()
      listeners.set(event, set)
      set.add(listener as never)
      return () => set.delete(listener as never)
    },
    async load() {
      if (!setupDone) {
        setupDone = true
        registerCoreRoutes(runtime, { controlToken: lock?.token ?? config.controlToken })
        mountPluginRoutes(plugins, runtime)
        for (const plugin of plugins) await plugin.setup?.(runtime)
      }
      const streamResult = await streaming.load(bundled)
      for (const error of streamResult.errors) {
        if (mode === 'start') throw error
        logger.error(error.message)
      }
      const files = bundled ? [...bundled.keys()].filter((file) => !isStreamFile(file)).sort() : findStepFiles(root, loaders)
      if (!bundled) {
        for (const file of unsupportedStepFiles(root, loaders)) {
          logger.warn(`[motia] ${relative(root, file)} is not loaded: no loader handles this kind of step file (Python steps need the Python runner, not part of this version)`)
        }
      }
      const result = await loadSteps({ root, files, loaders, triggerTypes, previous: [...steps, ...kept] })
      for (const warning of result.warnings) logger.warn(warning)
      if (mode === 'start' && result.errors.length) {
        throw new ConfigError(result.errors.map((e) => e.message).join('\n'))
      }
      for (const error of result.errors) logger.error(error.message)
      await swap(result.steps, result.kept)
      return result
    },
    async reload() {
      forgetProjectModules(root)
      return runtime.load()
    },
    async listen() {
      try {
        runtime.server.listen({ port: config.http.port, host: config.http.host })
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error
        throw new ConfigError(`[motia] port ${config.http.port} is in use: stop the process that holds it, or pass --port <n> (or set PORT)`, { cause: error })
      }
      const url = runtime.server.url()!
      lock?.update({ url })
      return url
    },
    async stop() {
      // Long-lived responses (event streams) end now, so that closing the server need not wait for them.
      emit('stop')
      // Everything below shares one deadline: open requests (an event stream never ends by
      // itself), running handlers and consumers.
      let timedOut = false
      // The timer stays referenced: a handler that never settles holds no handle of its own, so
      // an unreferenced deadline would let the process end here, skipping dispose and the lock.
      let timer: ReturnType<typeof setTimeout> | undefined
      const timeout = new Promise<void>((r) => (timer = setTimeout(() => r(void (timedOut = true)), config.shutdownTimeoutMs)))
      streaming.sockets.close()
      const closing = server.stop()
      const stopping = registrations.map((unregister) => unregister())
      registrations = []
      const drained = running.size === 0 ? Promise.resolve() : new Promise<void>((r) => (idle = r))
      await Promise.race([Promise.all([closing, drained, ...stopping]), timeout])
      clearTimeout(timer)
      if (timedOut) await server.stop(true)
      if (running.size > 0) logger.warn(`[motia] shutdown: ${describeRuns(running)} still running after shutdownTimeoutMs (${config.shutdownTimeoutMs} ms); stopping anyway`)
      for (const plugin of plugins) await plugin.dispose?.()
      await streaming.close()
      await opened.close()
      lock?.release()
    },
  }

  async function swap(next: LoadedStep[], keep: LoadedStep[]): Promise<void> {
    const previous = registrations
    const subscribed = topics
    registrations = []
    // Old consumers finish their running handlers in the background; queued copies stay queued.
    for (const unregister of previous) void Promise.resolve(unregister()).catch((error) => logger.error('unregister failed', { error }))
    steps = next
    kept = keep
    // Publishes still copy into the queues of kept steps; nothing consumes them until they load.
    topics = indexTopics([...next, ...keep])
    if (subscribed.size > 0) await warnOrphanedQueues(subscribed, topics, queue, logger)
    for (const step of next) {
      for (const trigger of step.triggers) {
        const type = triggerTypes.get(trigger.type)!
        try {
          registrations.push(await type.register(step, trigger as never, runtime))
        } catch (error) {
          logger.error(`[motia] step "${step.name}" (${step.relativePath}): ${trigger.type} trigger failed to start: ${(error as Error).message}`)
        }
      }
    }
    for (const plugin of plugins) await plugin.hooks?.onStepsLoaded?.(next, runtime)
    emit('steps:loaded', next)
  }

  return runtime
}

// --- internal ---

function collectTriggerTypes(plugins: readonly MotiaPlugin[]): Map<string, TriggerType> {
  const types = new Map<string, TriggerType>()
  for (const plugin of plugins) {
    for (const type of plugin.triggers ?? []) {
      if (types.has(type.type)) throw new ConfigError(`[motia] plugin "${plugin.name}" adds trigger type "${type.type}", which another plugin already adds`)
      types.set(type.type, type)
    }
  }
  return types
}

/** What a run needs from its runtime when it ends. */
interface RunBook {
  traces: TraceStore
  /** Tells the plugins' observers, when there are any. */
  observe: PluginHooks['onStepRun'] | undefined
  settled(run: ActiveRun): void
}

/** `2 handler(s): SendEmail (queue), Nightly (cron)` */
function describeRuns(runs: ReadonlySet<ActiveRun>): string {
  const names = [...runs].map((run) => `${run.step.name} (${run.trigger.type})`)
  return `${runs.size} handler(s): ${names.join(', ')}`
}

/** A run in progress; observers get it as their `StepRun` (no copy per run). */
class ActiveRun implements PendingRun, StepRun {
  result: unknown
  #ended = false

  constructor(
    private readonly book: RunBook,
    readonly step: LoadedStep,
    readonly trigger: FiredTrigger,
    readonly input: unknown,
    readonly ctx: FlowContext,
    readonly span: SpanHandle,
    private readonly startedAt: number,
  ) {}

  succeed(output: unknown): void {
    if (this.#ended) return
    this.#ended = true
    const endedAt = Date.now()
    // Observers see the run before its span ends, so that they may still add to it.
    this.book.observe?.(this, { ok: true, output, durationMs: endedAt - this.startedAt, endedAt })
    this.#end(endedAt)
  }

  fail(error: unknown): void {
    if (this.#ended) return
    this.#ended = true
    const endedAt = Date.now()
    this.book.observe?.(this, { ok: false, error, durationMs: endedAt - this.startedAt, endedAt })
    this.#end(endedAt, errorMessage(error))
  }

  #end(endedAt: number, error?: string): void {
    this.book.traces.endSpan(this.span, endedAt, error)
    this.book.settled(this)
  }
}
