/**
 * One long-lived worker per language per project: started on first use, restarted when it dies
 * (with every file it had loaded loaded again), and stopped with the runtime.
 *
 * Guarantees
 * - A run in flight when the worker dies fails with `WorkerExitedError`; its trigger's rules apply
 *   (a queue message is retried, then dead-lettered). The next run finds a restarted worker.
 * - A run that passes its timeout fails with `TimeoutError` at once and the worker is told to
 *   cancel it; a worker that does not acknowledge within `cancelGraceMs` (its event loop is stuck)
 *   is killed and restarted, so one hung handler never stops the other steps for good.
 * - Context calls of a run that has ended are refused; late results are ignored.
 *
 * Not guaranteed: a sync handler's thread cannot be stopped; it runs on, its calls refused.
 */
import { MotiaError, TimeoutError, errorMessage } from '../errors.ts'
import type { Logger, LogLevel } from '../observability/logger.ts'
import type { FlowContext } from '../types/context.ts'
import { maxTimerMs } from '../timeout.ts'
import { serveContextCall } from './context-calls.ts'
import { errorFromWorker, WorkerExitedError } from './errors.ts'
import type { InvokeContext, RuntimeFrame, WorkerError, WorkerFrame, WorkerFunction } from './protocol.ts'
import { spawnWorker, type WorkerProcess, type WorkerProcessOptions } from './worker-process.ts'

export interface LanguageWorkerOptions extends Omit<WorkerProcessOptions, 'onFrame' | 'onExit'> {
  /** How long a worker may take to acknowledge a cancel before it is killed. Default 5000 ms. */
  cancelGraceMs?: number
  /** The path the worker imports for a file the runtime names (a built executable's extracted copy). */
  pathFor?(file: string): string
}

export interface LanguageWorker {
  /** Loads a step or stream file in the worker; answers its config as JSON. Rejects with the worker's error. */
  load(file: string, kind: 'step' | 'stream'): Promise<{ config?: unknown }>
  /** Runs a function of a loaded file; context calls are served against `ctx`. */
  invoke(file: string, fn: WorkerFunction, input: unknown, ctx: FlowContext | undefined, context: InvokeContext | undefined, timeoutMs?: number): Promise<unknown>
  /** Makes the worker forget the project's modules (before a reload). */
  reset(): Promise<void>
  close(): Promise<void>
  /** The running worker's pid, if one runs. */
  pid(): number | undefined
}

// One closure of ~190 lines, on purpose: the worker's lifecycle (start, restart after a crash,
// reset, close), its in-flight runs and their deadlines share the current process and the run
// table; each inner function is short, and splitting them would pass that state around by hand.
export function createLanguageWorker(options: LanguageWorkerOptions): LanguageWorker {
  const { language, logger } = options
  const graceMs = options.cancelGraceMs ?? 5000
  const pathFor = options.pathFor ?? ((file: string) => file)
  const runs = new Map<number, FlowContext | undefined>()
  const known = new Map<string, 'step' | 'stream'>()
  const graces = new Map<number, ReturnType<typeof setTimeout>>()
  let seq = 0
  let current: WorkerProcess | undefined
  let starting: Promise<WorkerProcess> | undefined
  let closed = false
  let crashes = 0
  let readyAt = 0

  const handle = (proc: WorkerProcess, frame: WorkerFrame) => {
    if (frame.type === 'call') serveCall(proc, frame)
    else if (frame.type === 'log') log(frame)
    else if (frame.type === 'cancelled') {
      clearTimeout(graces.get(frame.run))
      graces.delete(frame.run)
    } else logger.warn(`[motia] ${language.name} worker sent a frame of unknown type ${JSON.stringify((frame as { type: unknown }).type)}; ignored`)
  }

  const serveCall = (proc: WorkerProcess, frame: Extract<WorkerFrame, { type: 'call' }>) => {
    const reply = (result: RuntimeFrame) => {
      try {
        proc.send(result)
      } catch (error) {
        proc.send({ type: 'result', id: frame.id, ok: false, error: { name: 'TypeError', message: `[motia] the answer to ${frame.method} cannot be sent as JSON: ${errorMessage(error)}` } })
      }
    }
    if (typeof frame.id !== 'number') return logger.warn(`[motia] ${language.name} worker sent a call without a numeric id; ignored`)
    const ctx = runs.get(frame.run)
    if (!ctx) {
      return reply({ type: 'result', id: frame.id, ok: false, error: { name: 'MotiaError', code: 'RUN_ENDED', message: `[motia] run ${frame.run} has ended (it finished, timed out or was cancelled): ${frame.method} was refused` } })
    }
    let result: Promise<unknown>
    try {
      result = serveContextCall(ctx, frame.method, frame.args)
    } catch (error) {
      return reply({ type: 'result', id: frame.id, ok: false, error: describe(error) })
    }
    result.then(
      (value) => reply({ type: 'result', id: frame.id, ok: true, value }),
      (error: unknown) => reply({ type: 'result', id: frame.id, ok: false, error: describe(error) }),
    )
  }

  const log = (frame: Extract<WorkerFrame, { type: 'log' }>) => {
    const level: LogLevel = levels.has(frame.level) ? (frame.level as LogLevel) : 'info'
    const msg = typeof frame.msg === 'string' ? frame.msg : JSON.stringify(frame.msg)
    const fields = frame.fields === undefined || frame.fields === null ? undefined : isObject(frame.fields) ? frame.fields : { data: frame.fields }
    const ctx = typeof frame.run === 'number' ? runs.get(frame.run) : undefined
    if (ctx) ctx.logger[level](msg, fields)
    else logger[level](`[${language.name}] ${msg}`, { language: language.name, ...fields })
  }

  const start = async (): Promise<WorkerProcess> => {
    // A worker that keeps dying right after it starts is restarted ever more slowly.
    if (crashes > 0) await Bun.sleep(Math.min(10_000, 100 * 2 ** crashes))
    let dead = false
    const proc: WorkerProcess = spawnWorker({
      ...options,
      onFrame: (frame) => handle(proc, frame),
      onExit: (how) => {
        dead = true
        if (proc === current) exited(proc, how)
      },
    })
    await proc.ready
    // Every file the previous worker had is loaded again: a restart is invisible to the steps.
    for (const [file, kind] of known) {
      try {
        await proc.request({ type: 'load', id: ++seq, file: pathFor(file), kind })
      } catch (error) {
        logger.error(`[motia] ${file} failed to load in the restarted ${language.name} worker: ${errorMessage(error)}`)
      }
    }
    if (dead) throw new WorkerExitedError(`[motia] the ${language.name} worker exited while it was starting`)
    current = proc
    readyAt = Date.now()
    return proc
  }

  const ensure = (): Promise<WorkerProcess> => {
    if (current) return Promise.resolve(current)
    if (closed) return Promise.reject(new MotiaError(`[motia] the ${language.name} worker is stopped`, { code: 'WORKER_STOPPED' }))
    return (starting ??= start().finally(() => (starting = undefined)))
  }

  const exited = (proc: WorkerProcess, how: string) => {
    current = undefined
    for (const timer of graces.values()) clearTimeout(timer)
    graces.clear()
    if (closed) return
    crashes = Date.now() - readyAt < 10_000 ? crashes + 1 : 0
    logger.error(`[motia] the ${language.name} worker (pid ${proc.pid}) ${how}; its runs in flight failed (queue messages are retried); restarting it`, { language: language.name })
    ensure().catch((error) => logger.error(errorMessage(error), { language: language.name }))
  }

  const failed = (error: unknown) => (error instanceof Error ? error : errorFromWorker(error as WorkerError, language.name))

  const run = (proc: WorkerProcess, file: string, fn: WorkerFunction, input: unknown, ctx: FlowContext | undefined, context: InvokeContext | undefined, timeoutMs?: number): Promise<unknown> => {
    const id = ++seq
    runs.set(id, ctx)
    const result = proc.request({ type: 'invoke', id, file: pathFor(file), function: fn, input, context })
    if (timeoutMs === undefined || timeoutMs > maxTimerMs) {
      return result.then(
        (value) => (runs.delete(id), value),
        (error) => {
          runs.delete(id)
          throw failed(error)
        },
      )
    }
    return new Promise((resolve, reject) => {
      deadlines.set(id, { at: Date.now() + timeoutMs, timeoutMs, proc, reject })
      sweeper ??= setInterval(sweep, sweepMs)
      result.then(
        (value) => {
          deadlines.delete(id)
          runs.delete(id)
          resolve(value)
        },
        (error) => {
          deadlines.delete(id)
          runs.delete(id)
          reject(failed(error))
        },
      )
    })
  }

  // One timer checks every run's deadline: a run costs a map entry, not a timer of its own. The
  // trigger that started the run enforces the exact timeout itself; this only tells the worker.
  const deadlines = new Map<number, { at: number; timeoutMs: number; proc: WorkerProcess; reject(error: unknown): void }>()
  let sweeper: ReturnType<typeof setInterval> | undefined
  const sweep = () => {
    const now = Date.now()
    for (const [id, deadline] of deadlines) if (deadline.at <= now) cutOff(id, deadline)
    if (deadlines.size === 0) {
      clearInterval(sweeper)
      sweeper = undefined
    }
  }
  const cutOff = (id: number, { timeoutMs, proc, reject }: { timeoutMs: number; proc: WorkerProcess; reject(error: unknown): void }) => {
    deadlines.delete(id)
    runs.delete(id)
    proc.forget(id)
    proc.send({ type: 'cancel', run: id, reason: `timed out after ${timeoutMs} ms` })
    graces.set(
      id,
      setTimeout(() => {
        logger.error(`[motia] the ${language.name} worker (pid ${proc.pid}) did not cancel a run within ${graceMs} ms (a handler blocks its event loop?): killing it`, { language: language.name })
        proc.kill()
      }, graceMs),
    )
    reject(new TimeoutError(timeoutMs))
  }

  return {
    async load(file, kind) {
      const proc = await ensure()
      try {
        const value = (await proc.request({ type: 'load', id: ++seq, file: pathFor(file), kind })) as { config?: unknown }
        known.set(file, kind)
        return value
      } catch (error) {
        known.delete(file)
        throw error
      }
    },
    invoke(file, fn, input, ctx, context, timeoutMs) {
      if (current) return run(current, file, fn, input, ctx, context, timeoutMs)
      return ensure().then((proc) => run(proc, file, fn, input, ctx, context, timeoutMs))
    },
    async reset() {
      known.clear()
      // A worker that died meanwhile is replaced by one that has no stale modules anyway.
      if (current) await current.request({ type: 'reset', id: ++seq }).catch(() => undefined)
    },
    async close() {
      closed = true
      await starting?.catch(() => undefined)
      clearInterval(sweeper)
      sweeper = undefined
      for (const timer of graces.values()) clearTimeout(timer)
      await current?.stop(2000)
      current = undefined
    },
    pid: () => current?.pid,
  }
}

// --- internal ---

/** How often deadlines are checked: a timed-out run is cancelled in the worker at most this late. */
const sweepMs = 50

const levels = new Set(['debug', 'info', 'warn', 'error'])

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** An error thrown while serving a call, as the worker gets it (its code and issues kept). */
function describe(error: unknown): WorkerError {
  const e = error as { name?: unknown; code?: unknown; status?: unknown; issues?: unknown }
  return {
    name: typeof e?.name === 'string' ? e.name : 'Error',
    message: errorMessage(error),
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
    ...(typeof e?.status === 'number' ? { status: e.status } : {}),
    ...(Array.isArray(e?.issues) ? { issues: e.issues } : {}),
  }
}
