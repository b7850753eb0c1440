/**
 * The `StepLoader` of an out-of-process language: a step file is loaded by the language's worker,
 * which answers its config as JSON; the loader turns that into a step whose `invoke` (and whose
 * triggers' `condition`s) send the call to the worker and serve its context calls against the
 * run's own context. Everything after loading (validation, triggers, traces, adapters) is the
 * runtime's, exactly as for TypeScript.
 */
import { relative } from 'node:path'
import { ConfigError, MotiaError, errorMessage } from '../errors.ts'
import type { StepInvoker } from '../discovery/loaded-step.ts'
import type { FiredTrigger, FlowContext } from '../types/context.ts'
import type { StepConfig } from '../step/types.ts'
import type { StreamHookContext, StreamSubscription } from '../streams/types.ts'
import { LanguageUnavailableError } from './errors.ts'
import type { WorkerError } from './protocol.ts'
import type { LanguageLoader, LanguageLoaderOptions } from './types.ts'
import { createLanguageWorker, type LanguageWorker } from './worker-manager.ts'
import { runTimeoutMs, wireContext, wireInput } from './wire.ts'

export function createLanguageLoader(options: LanguageLoaderOptions): LanguageLoader {
  const { language, root } = options
  const worker: LanguageWorker = createLanguageWorker({
    language,
    logger: options.logger,
    command: options.command,
    sdkDir: options.sdkDir,
    root: options.workerRoot ?? root,
    cwd: options.cwd ?? root,
    logLevel: options.logLevel,
    env: options.env,
    cancelGraceMs: options.cancelGraceMs,
    pathFor: options.pathFor,
  })

  const load = async (file: string, kind: 'step' | 'stream') => {
    try {
      return (await worker.load(file, kind)).config
    } catch (error) {
      throw loadError(error, relative(root, file))
    }
  }

  const invoke: (file: string) => StepInvoker = (file) => (input, ctx) =>
    worker.invoke(file, 'handler', wireInput(ctx.trigger, input), ctx, wireContext(ctx, ctx.trigger), runTimeoutMs(ctx.trigger))

  return {
    language,
    accepts: (file) => language.stepFile.test(file),
    async load(file) {
      const config = (await load(file, 'step')) as StepConfig | undefined
      for (const trigger of config?.triggers ?? []) {
        const t = trigger as { condition?: unknown }
        if (isMarker(t.condition)) t.condition = (input: unknown, ctx: FlowContext) => worker.invoke(file, 'condition', wireInput(ctx.trigger, input), ctx, wireContext(ctx, ctx.trigger))
      }
      return { config, invoke: invoke(file), language: language.name }
    },
    async loadStream(file) {
      const config = (await load(file, 'stream')) as Record<string, unknown>
      if (isMarker(config.canAccess)) {
        config.canAccess = (subscription: StreamSubscription, authContext: unknown) => worker.invoke(file, 'canAccess', { subscription, authContext }, undefined, undefined)
      }
      for (const hook of ['onJoin', 'onLeave'] as const) {
        if (!isMarker(config[hook])) continue
        config[hook] = (subscription: StreamSubscription, ctx: StreamHookContext, authContext: unknown) => {
          const flow = ctx as unknown as FlowContext
          return worker.invoke(file, hook, { subscription, authContext }, flow, wireContext(flow, flow.trigger as FiredTrigger))
        }
      }
      return { config }
    },
    reset: () => worker.reset(),
    close: () => worker.close(),
    workerPid: () => worker.pid(),
  }
}

// --- internal ---

function isMarker(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { $function?: unknown }).$function === 'string'
}

/**
 * A file that did not load, as a one-line `ConfigError`: the language's message and the line of
 * the project it points at. An unavailable language stays what it is (reported once, not per file).
 */
function loadError(error: unknown, relativePath: string): Error {
  if (error instanceof LanguageUnavailableError) return error
  if (error instanceof MotiaError) return new ConfigError(`[motia] ${relativePath} failed to load: ${error.message}`, { file: relativePath, cause: error })
  const e = error as WorkerError
  const at = e.location ? ` (${e.location.file}:${e.location.line})` : ''
  const message = e.code === 'CONFIG_ERROR' ? `[motia] ${e.message}` : `[motia] ${relativePath} failed to load: ${e.message ?? errorMessage(error)}${at}`
  const out = new ConfigError(message, { file: relativePath })
  if (e.traceback) out.stack = `${message}\n${e.traceback}`
  return out
}
