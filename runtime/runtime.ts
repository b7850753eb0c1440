/**
 * Wires a project together and does nothing else: the project as read (project.ts), its adapters,
 * the event bus (events.ts), the run path (run/), the registry of steps and triggers (registry.ts),
 * streams, the HTTP server, and shutdown (shutdown.ts). `createRuntime` returns the runtime that
 * `motia dev`, `motia start`, compiled executables and tests all drive. docs/architecture.md
 * draws the parts and the path of a request and of a message through them.
 */
import { ConfigError } from './errors.ts'
import { openServerAdapters } from './adapters/resolve.ts'
import type { LoadResult } from './discovery/load-steps.ts'
import { forgetProjectModules } from './discovery/module-loader.ts'
import { registerCoreRoutes } from './http/core-routes.ts'
import { createHttpServer, type HttpServer } from './http/server.ts'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { createLogger, jsonSink, prettySink, type Logger, type LogSink } from './observability/logger.ts'
import { mountPluginRoutes, transformLogSink, transformTraces } from './plugin-host.ts'
import { discoverSteps, discoverStreams, loadFailure, readProject, withLanguages, type ProjectOptions } from './project.ts'
import type { LanguageHost } from './languages/index.ts'
import { createEventBus } from './events.ts'
import { createRegistry } from './registry.ts'
import { createFlowContext, type ContextDeps } from './run/context.ts'
import { createRunner } from './run/runner.ts'
import type { WorkflowEngine } from './workflows/engine.ts'
import { createLazyWorkflowEngine } from './workflows/lazy.ts'
import { registerWorkflowRoutes } from './workflows/routes.ts'
import { shutdown } from './shutdown.ts'
import { createStreamsFeature, type StreamsFeature } from './streams/index.ts'
import { createStreamsContext } from './streams/api.ts'
import { bindIdleStreams } from './step/module-context.ts'
import { checkEnqueueMessage, publishTo, unknownTopic } from './topics.ts'
import type { EnqueueMessage } from './types/context.ts'
import type { MotiaConfig, MotiaRuntime, ResolvedConfig } from './types/runtime.ts'

export interface RuntimeOptions extends ProjectOptions {
  mode?: MotiaRuntime['mode']
  /** Replaces the configured log output (tests collect entries). */
  logSink?: LogSink
  /** Adapters that win over the project's config (tests use in-memory ones). */
  adapters?: MotiaConfig['adapters']
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
  /** Steps in other languages (Python): their loaders and workers. */
  languages: LanguageHost
  /** Durable workflow runs: the engine and its store (docs/workflows.md). */
  workflows: WorkflowEngine
}

// ~80 lines of wiring and nothing else: each line builds one part from the parts before it.
/** Creates a runtime for the project at `options.root`. Adapters default to the embedded store in `.motia/`. */
export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const mode = options.mode ?? 'dev'
  const read = await readProject({ ...options, mode })
  const { root, config, plugins } = read
  const events = createEventBus(() => logger)
  const output = transformLogSink(plugins, options.logSink ?? configuredSink(config))
  // Log lines reach `on('log')` listeners only while there are some: a lookup per line otherwise.
  const logSink: LogSink = (entry) => {
    output(entry)
    if (events.heard('log')) events.emit('log', entry)
  }
  const logger = createLogger(logSink, { level: config.logLevel })
  for (const notice of config.notices) logger[notice.level](notice.msg)
  const project = withLanguages(read, logger)
  const { languages } = project
  const { adapters, lock } = await openServerAdapters(root, config, { ...config.adapters, ...options.adapters }, mode, logger)
  const { queue, state, cronLock } = adapters
  const traces = transformTraces(plugins, adapters.traces)
  const server = createHttpServer({ bodyLimit: config.http.bodyLimit, cors: config.http.cors, logger, statics: await publicFilesOf(root, config, mode, options.bundle, logger) })
  const registry = createRegistry({ triggerTypes: project.triggerTypes, queue, logger, plugins, events })
  const publish = (message: EnqueueMessage, traceId: string) => publishTo(registry.topics(), queue, message, traceId, logger)
  const contextDeps: ContextDeps = { state, traces, logSink, logLevel: config.logLevel, publish, topics: () => registry.topics().keys(), onStateChange: (change, traceId) => events.emit('state:change', change, { traceId }) }
  // Durable workflows: the engine drives runs over the queue; the runner hands it a workflow step's triggers. Loaded at first use.
  let workflows: WorkflowEngine | undefined
  const runner = createRunner({
    traces,
    logger,
    plugins,
    extendContext: project.extendContext,
    context: (run) => createFlowContext(contextDeps, run),
    startWorkflow: (run) => workflows!.start(run),
  })
  workflows = createLazyWorkflowEngine({ store: adapters.workflows, queue, traces, logger, begin: runner.begin, startTrace: runner.startTrace })
  // Streams: the hub feeds stream triggers through 'stream:change'; the socket endpoint is mounted on the server.
  const streaming = createStreamsFeature({
    root,
    store: adapters.streams,
    logger,
    traces,
    startTrace: runner.startTrace,
    context: (step, traceId, span) => createFlowContext(contextDeps, { step, trigger: step.triggers[0]!, input: undefined, traceId, span, attempt: 1 }),
    authenticate: config.authenticateStream,
    limits: config.streams,
  })
  contextDeps.streams = streaming.hub
  // Motia's `new Stream(config)` objects, called outside a run, use the project's streams.
  const unbindStreams = bindIdleStreams(createStreamsContext(streaming.hub, () => {}))
  // Heard only when a step or plugin listens: a write then costs no emit (and its origin object).
  streaming.hub.onChange((change, traceId) => events.heard('stream:change') && events.emit('stream:change', change, { traceId }))
  server.websocket(streaming.sockets)
  let setupDone = false

  const runtime: Runtime = {
    // The parts, as MotiaRuntime shows them to triggers and plugins.
    root, mode, config, logger, logSink, queue, state, traces, cronLock, server, http: server, streaming, streams: streaming.hub, languages, workflows,
    steps: registry.steps, subscribers: registry.subscribers, on: events.on,
    run: runner.run, begin: runner.begin, admit: runner.admit, startTrace: runner.startTrace,
    async enqueue(message, opts = {}) {
      checkEnqueueMessage(message)
      if (!registry.topics().has(message.topic)) throw unknownTopic(registry.topics(), message.topic)
      await publish(message, opts.traceId ?? runner.startTrace(`enqueue ${message.topic}`, 'enqueue'))
    },
    async load() {
      if (!setupDone) {
        setupDone = true
        registerCoreRoutes(runtime, { controlToken: lock?.token ?? config.controlToken })
        registerWorkflowRoutes(runtime, adapters.workflows)
        mountPluginRoutes(plugins, runtime)
        for (const plugin of plugins) await plugin.setup?.(runtime)
      }
      const streams = await discoverStreams(project)
      await streaming.swap(streams.streams)
      for (const warning of streams.warnings) logger.warn(warning)
      refuseOrLog(logger, mode, streams.errors)
      const steps = await discoverSteps(project, registry.known())
      for (const warning of steps.warnings) logger.warn(warning)
      events.emit('steps:problems', { errors: [...streams.errors, ...steps.errors], warnings: steps.warnings })
      refuseOrLog(logger, mode, steps.errors, true)
      await registry.swap(steps.steps, steps.kept, runtime)
      await workflows.swap(steps.steps)
      return steps
    },
    async reload() {
      forgetProjectModules(root)
      await languages.reset()
      return runtime.load()
    },
    async listen() {
      try {
        server.listen({ port: config.http.port, host: config.http.host })
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error
        throw new ConfigError(`[motia] port ${config.http.port} is in use: stop the process that holds it, or pass --port <n> (or set PORT)`, { cause: error })
      }
      lock?.update({ url: server.url()! })
      return server.url()!
    },
    stop: () => {
      unbindStreams()
      return shutdown({ timeoutMs: config.shutdownTimeoutMs, events, server, streaming, registry, workflows, runner, plugins, languages, adapters, lock, logger })
    },
  }
  return runtime
}

// --- internal ---

/**
 * The `public/` folder's server (from the executable's embedded copy when bundled), or undefined
 * when there is none; its modules load only then.
 */
async function publicFilesOf(root: string, config: ResolvedConfig, mode: MotiaRuntime['mode'], bundle: RuntimeOptions['bundle'], logger: Logger) {
  const options = config.http.public
  if (!options) return undefined
  const dir = bundle ? `/$bunfs/root/${options.dir.replace(/^\.\//, '').replace(/\/$/, '')}` : resolve(root, options.dir)
  if (bundle ? !bundle.files?.some((file) => file.startsWith(`${dir}/`)) && !Object.keys(bundle.scripts ?? {}).length : !existsSync(dir)) return undefined
  const { createPublicFiles } = await import('./http/public-files.ts')
  return createPublicFiles({ dir, dev: mode === 'dev', maxAge: options.maxAge, scripts: bundle?.scripts, onError: (message) => logger.error(message) })
}

/** The sink `config.logFormat` names, chosen at the first entry: reading the format may build process.stdout (see config.ts). */
function configuredSink(config: ResolvedConfig): LogSink {
  let sink: LogSink | undefined
  return (entry) => (sink ??= config.logFormat === 'json' ? jsonSink() : prettySink())(entry)
}

/**
 * What a load found wrong: `motia start` refuses to run with it (the first error, or all of them
 * in one when `together`); `motia dev` logs each and goes on.
 */
function refuseOrLog(logger: Logger, mode: MotiaRuntime['mode'], errors: readonly ConfigError[], together = false): void {
  if (mode === 'start' && errors.length) throw together ? loadFailure(errors) : errors[0]!
  for (const error of errors) logger.error(error.message)
}
