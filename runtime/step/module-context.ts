/**
 * Module-level context (Motia ≥ 1.0.3): `import { logger, enqueue, stateManager, streams } from
 * 'motia'` resolve to the context of the step run that is executing.
 *
 * Cost model: carrying a context across awaits needs AsyncLocalStorage, which costs every run
 * something. It is switched on only when a project uses these imports: at load, when a step file
 * imports them from 'motia', or else at their first use (found through the context of the run
 * that is synchronously executing; from then on every run carries its context). Projects that
 * never use them keep a plain function call per run.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { readFileSync } from 'node:fs'
import { MotiaError } from '../errors.ts'
import type { StateManager } from '../adapters/state/types.ts'
import type { StepInvoker } from '../discovery/loaded-step.ts'
import type { Logger } from '../observability/logger.ts'
import type { AnyHandler } from './types.ts'
import type { FlowContext } from '../types/context.ts'
import type { StreamHandle, StreamsContext } from '../streams/types.ts'

/** The invoker of an in-process handler: binds the module-level context to the run. */
export function invokerOf(handler: AnyHandler): StepInvoker {
  return (input, ctx) => {
    if (enabled) return storage.run(ctx, handler, input, ctx) as Promise<unknown>
    const previous = running
    running = ctx
    try {
      return handler(input, ctx) as Promise<unknown>
    } finally {
      running = previous
    }
  }
}

/** Switches the context carrying on when `file` imports the module-level members from 'motia'. */
export function noteModuleContextUse(file: string): void {
  if (enabled) return
  let source: string
  try {
    source = readFileSync(file, 'utf8')
  } catch {
    return
  }
  if (usesModuleContext.test(source)) enabled = true
}

/** Switches the context carrying on: a module-level handle (Motia's `new Stream(config)`) exists. */
export function enableModuleContext(): void {
  enabled = true
}

/** Whether runs carry their context (for tests and diagnostics). */
export function moduleContextEnabled(): boolean {
  return enabled
}

/** The running step's whole context (`ctx`), for code that is not handed it. */
export function getContext(): FlowContext {
  return current('getContext()')
}

/** The running step's logger. */
export const logger: Logger = {
  debug: (msg, fields) => current('logger').logger.debug(msg, fields),
  info: (msg, fields) => current('logger').logger.info(msg, fields),
  warn: (msg, fields) => current('logger').logger.warn(msg, fields),
  error: (msg, fields) => current('logger').logger.error(msg, fields),
  child: (bindings) => current('logger').logger.child(bindings),
}

/** The running step's `enqueue`. */
export const enqueue: FlowContext['enqueue'] = (message) => current('enqueue').enqueue(message)

/** The running step's state API (`ctx.state`). */
export const stateManager: StateManager = {
  get: (group, key) => current('stateManager').state.get(group, key),
  set: (group, key, value) => current('stateManager').state.set(group, key, value),
  update: (group, key, ops) => current('stateManager').state.update(group, key, ops),
  delete: (group, key) => current('stateManager').state.delete(group, key),
  list: (group) => current('stateManager').state.list(group),
  getGroup: (group) => current('stateManager').state.getGroup(group),
  entries: (group) => current('stateManager').state.entries(group),
  listGroups: () => current('stateManager').state.listGroups(),
  clear: (group) => current('stateManager').state.clear(group),
}

/** The running step's streams (`ctx.streams`): `streams.todo.set(...)` inside a handler. */
export const streams: StreamsContext = new Proxy({} as StreamsContext, {
  get(_, name) {
    if (typeof name !== 'string' || name === 'then' || name === 'toJSON') return undefined
    return (current('streams').streams as Record<string, unknown>)[name]
  },
})

/**
 * The handle of stream `name`: the running step's (`ctx.streams.<name>`, traced in its span), or,
 * outside any run (module top level, a stream hook, a timer), the project's own through
 * `bindIdleStreams`. Motia's `new Stream(config)` objects call through this.
 */
export function streamHandle(name: string): StreamHandle | undefined {
  const ctx = enabled ? storage.getStore() : running
  if (ctx && !enabled) enabled = true
  const streams = (ctx?.streams ?? idleStreams) as Record<string, StreamHandle> | undefined
  if (streams) return name in streams ? streams[name] : undefined
  throw new MotiaError(`[motia] stream "${name}" was used before the project's runtime started: use it inside a handler, a stream hook or after the runtime has loaded`, {
    code: 'NO_STEP_CONTEXT',
  })
}

/** Binds the streams used outside a run (see `streamHandle`); returns the unbind. */
export function bindIdleStreams(streams: StreamsContext): () => void {
  idleStreams = streams
  return () => {
    if (idleStreams === streams) idleStreams = undefined
  }
}

// --- internal ---

let idleStreams: StreamsContext | undefined
const storage = new AsyncLocalStorage<FlowContext>()
let enabled = false
/** The context of the handler call executing synchronously right now, when storage is off. */
let running: FlowContext | undefined

const usesModuleContext = /import\s*\{[^}]*\b(logger|enqueue|stateManager|streams)\b[^}]*\}\s*from\s*['"]motia['"]/

function current(member: string): FlowContext {
  if (enabled) {
    const ctx = storage.getStore()
    if (ctx) return ctx
  } else if (running) {
    // First use: this run is found synchronously; from now on every run carries its context.
    enabled = true
    return running
  }
  throw new MotiaError(`[motia] ${member} from 'motia' was used outside a running step: use it inside a handler (or take it from the handler's context)`, {
    code: 'NO_STEP_CONTEXT',
  })
}
