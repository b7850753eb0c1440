/**
 * One execution of a workflow run: the handler, started from the top, with the checkpoints the
 * store holds replayed in order. A checkpoint the record already holds returns its result; a new
 * one runs and is recorded; a sleep or a wait that is not over parks the run — the engine hears of
 * it through `parked` and ends the execution, leaving the handler's promise to the garbage
 * collector. The code must reach the recorded checkpoints in the same order with the same ids:
 * when it does not (the step changed), the run fails with an error naming the checkpoint.
 */
import { MotiaError, errorMessage } from '../errors.ts'
import type { Checkpoint, WorkflowRun, WorkflowStore } from '../adapters/workflows/types.ts'
import type { SpanEvent, TraceStore } from '../adapters/traces/types.ts'
import type { LoadedStep } from '../discovery/loaded-step.ts'
import type { Logger } from '../observability/logger.ts'
import type { CheckpointOptions, DurableRun, WaitOptions, WaitResult } from '../types/context.ts'
import { deadline } from './duration.ts'
import { checkMatch } from './match.ts'
import type { WorkflowLimits } from './options.ts'

/** Where a parked run waits: the checkpoint, and when the engine should drive it again. */
export interface Parking {
  kind: 'sleep' | 'wait'
  id: string
  /** Absent: a wait without a timeout, woken only by a message (or the console). */
  until?: number
}

export interface ExecutionDeps {
  store: WorkflowStore
  traces: TraceStore
  step: LoadedStep
  run: WorkflowRun
  recorded: readonly Checkpoint[]
  limits: WorkflowLimits
  logger: Logger
}

export class Execution implements DurableRun {
  readonly runId: string
  /** Resolves when the handler reached a sleep or a wait that is not over. */
  readonly parked: Promise<Parking>
  #park!: (parking: Parking) => void
  #parking: Parking | undefined
  #seq = 0
  readonly #used = new Set<string>()
  readonly #deps: ExecutionDeps

  constructor(deps: ExecutionDeps) {
    this.#deps = deps
    this.runId = deps.run.id
    this.parked = new Promise((resolve) => (this.#park = resolve))
  }

  /** Where the run parked (the earliest wake-up when several branches parked), once it did. */
  get parking(): Parking | undefined {
    return this.#parking
  }

  async run(span: number, id: string, fn: () => unknown, options: CheckpointOptions = {}): Promise<unknown> {
    const { seq, recorded } = this.#claim(id, 'run')
    if (typeof fn !== 'function') throw invalid(this.#where(id), `takes a function as its second argument, got ${typeof fn}: ctx.run('${id}', async () => …)`)
    const retries = options.retries ?? 0
    if (!Number.isInteger(retries) || retries < 0 || retries > 100) throw invalid(this.#where(id), `retries must be a whole number from 0 to 100, got ${JSON.stringify(retries)}`)
    if (recorded) {
      this.#event(span, { op: 'replay', id })
      return outcomeOf(recorded)
    }
    const { store, traces, step, run, limits } = this.#deps
    const own = traces.startSpan(run.traceId, step.name, `checkpoint ${id}`, Date.now())
    let failure: unknown
    let value: unknown
    for (let attempt = 0; attempt <= retries; attempt++) {
      try {
        value = await fn()
        failure = undefined
        break
      } catch (error) {
        // The run was cancelled or its record refused the write: nothing more is recorded.
        if (isEngineError(error)) {
          traces.endSpan(own, Date.now(), errorMessage(error))
          throw error
        }
        failure = error
        this.#attemptFailed(id, attempt, retries, error)
      }
    }
    const checkpoint: Checkpoint = { id, seq, kind: 'run', done: true, at: Date.now() }
    if (failure !== undefined) checkpoint.error = { name: (failure as Error)?.name ?? 'Error', message: errorMessage(failure) }
    else {
      let json: string | undefined
      try {
        json = jsonOf(value, this.#where(id))
      } catch (error) {
        traces.endSpan(own, Date.now(), errorMessage(error))
        throw error
      }
      if (json !== undefined) {
        const bytes = Buffer.byteLength(json)
        if (bytes > limits.maxResultBytes) {
          checkpoint.error = { name: 'MotiaError', message: `[motia] ${this.#where(id)}: its result is ${bytes} bytes of JSON, more than workflow.maxResultBytes (${limits.maxResultBytes}): store large data in state and return its key` }
        } else checkpoint.value = JSON.parse(json)
      }
    }
    let stored: Checkpoint
    try {
      stored = await store.record(run.id, checkpoint, limits.maxCheckpoints)
    } catch (error) {
      // Refused (the run was cancelled meanwhile) or the store failed: the span ends with why.
      traces.endSpan(own, Date.now(), errorMessage(error))
      throw error
    }
    traces.endSpan(own, Date.now(), stored.error?.message)
    return outcomeOf(stored)
  }

  async sleep(span: number, id: string, duration: unknown): Promise<void> {
    const { seq, recorded } = this.#claim(id, 'sleep')
    const now = Date.now()
    const until = deadline(duration, now, this.#where(id))
    let checkpoint = recorded ?? (await this.#record({ id, seq, kind: 'sleep', done: until <= now, until, at: now }))
    if (!checkpoint.done && Date.now() >= (checkpoint.until ?? 0)) checkpoint = (await this.#deps.store.resolve(this.runId, id, null)) ?? checkpoint
    if (checkpoint.done) return
    this.#event(span, { op: 'sleep', id, until: checkpoint.until })
    return this.#parkAt({ kind: 'sleep', id, until: checkpoint.until })
  }

  async waitFor(span: number, id: string, options: WaitOptions): Promise<WaitResult> {
    const { seq, recorded } = this.#claim(id, 'wait')
    const where = this.#where(id)
    if (options === null || typeof options !== 'object') throw invalid(where, `takes options { topic, match?, timeout? }: ctx.waitFor('${id}', { topic: 'order.shipped', match: { orderId }, timeout: '2d' })`)
    const { topic, match, timeout } = options
    const declared = this.#deps.limits.waitsFor
    if (typeof topic !== 'string' || !declared.includes(topic)) {
      throw new MotiaError(
        `[motia] ${where} waits for topic ${JSON.stringify(topic)}, which the step does not list in workflow.waitsFor: add workflow: { waitsFor: [${JSON.stringify(topic ?? 'order.shipped')}] } to its config (listed now: ${declared.join(', ') || 'none'})`,
        { code: 'WAIT_TOPIC_UNDECLARED', status: 400 },
      )
    }
    checkMatch(match, where)
    const now = Date.now()
    const until = timeout === undefined ? undefined : deadline(timeout, now, where)
    let checkpoint = recorded ?? (await this.#record({ id, seq, kind: 'wait', done: false, topic, ...(match ? { match } : {}), ...(until !== undefined ? { until } : {}), at: now }))
    if (!checkpoint.done && checkpoint.until !== undefined && Date.now() >= checkpoint.until) {
      checkpoint = (await this.#deps.store.resolve(this.runId, id, { ok: false, timedOut: true })) ?? checkpoint
    }
    if (checkpoint.done) return checkpoint.value as WaitResult
    this.#event(span, { op: 'wait', id, topic, until: checkpoint.until })
    return this.#parkAt({ kind: 'wait', id, until: checkpoint.until })
  }

  /** Throws when the handler ended before reaching every recorded checkpoint (its code changed). */
  checkComplete(): void {
    const next = this.#deps.recorded[this.#seq]
    if (next && !this.#parking) throw this.#mismatch(this.#seq, undefined, next)
  }

  // --- internal ---

  /** The log line of a failed try of `ctx.run`: what failed, and whether another try follows. */
  #attemptFailed(id: string, attempt: number, retries: number, error: unknown): void {
    const { run, step, logger } = this.#deps
    const left = retries - attempt
    const next = left > 0 ? `trying again now, ${left} ${left === 1 ? 'try' : 'tries'} left` : retries > 0 ? 'no tries left: the error is recorded and thrown to the handler' : 'the error is recorded and thrown to the handler (retries: 0)'
    logger.warn(`[motia] workflow run ${run.id} of step "${step.name}": checkpoint "${id}" try ${attempt + 1} of ${retries + 1} failed: ${errorMessage(error)}; ${next}`, {
      traceId: run.traceId,
      step: step.name,
      runId: run.id,
      checkpoint: id,
      attempt: attempt + 1,
      attemptsLeft: left,
    })
  }

  #claim(id: string, kind: Checkpoint['kind']): { seq: number; recorded?: Checkpoint } {
    if (typeof id !== 'string' || id.length === 0 || id.length > 256 || /[\u0000-\u001f\u007f]/.test(id) || !id.isWellFormed()) {
      throw invalid(`step "${this.#deps.step.name}"`, `ctx.${kind === 'wait' ? 'waitFor' : kind} needs an id: a string of 1 to 256 characters without control characters, got ${JSON.stringify(id) ?? String(id)}: ctx.${kind === 'wait' ? 'waitFor' : kind}('charge-card', …)`)
    }
    if (this.#used.has(id)) {
      throw new MotiaError(
        `[motia] step "${this.#deps.step.name}" (${this.#deps.step.relativePath}) uses checkpoint id "${id}" twice in run ${this.runId}: checkpoint ids must be unique per run; give the second another id (in a loop: \`${id}-\${i}\`)`,
        { code: 'DUPLICATE_CHECKPOINT', status: 400 },
      )
    }
    this.#used.add(id)
    const seq = this.#seq++
    const recorded = this.#deps.recorded[seq]
    if (recorded && (recorded.id !== id || recorded.kind !== kind)) throw this.#mismatch(seq, { id, kind }, recorded)
    if (!recorded && seq >= this.#deps.limits.maxCheckpoints) {
      throw new MotiaError(
        `[motia] ${this.#where(id)}: run ${this.runId} reached its limit of ${this.#deps.limits.maxCheckpoints} checkpoints: split the work into several runs, or raise workflow.maxCheckpoints`,
        { code: 'CHECKPOINT_LIMIT', status: 400 },
      )
    }
    return { seq, recorded }
  }

  #record(checkpoint: Checkpoint): Promise<Checkpoint> {
    return this.#deps.store.record(this.runId, checkpoint, this.#deps.limits.maxCheckpoints)
  }

  #parkAt(parking: Parking): Promise<never> {
    const current = this.#parking
    if (!current) {
      this.#parking = parking
      this.#park(parking)
    } else if (parking.until !== undefined && (current.until === undefined || parking.until < current.until)) {
      this.#parking = { ...current, until: parking.until }
    }
    // Never settles: the engine ends the execution, and this promise and the handler's frame are
    // collected with it.
    return new Promise<never>(() => {})
  }

  #mismatch(seq: number, reached: { id: string; kind: string } | undefined, recorded: Checkpoint): MotiaError {
    const { step } = this.#deps
    const now = reached ? `is ${reached.kind} "${reached.id}" in the code` : 'is never reached by the code'
    return new MotiaError(
      `[motia] workflow run ${this.runId} of step "${step.name}" (${step.relativePath}) no longer fits its code: checkpoint #${seq + 1} ${now} but ${recorded.kind} "${recorded.id}" in the record. ` +
        `The step changed since the run started; restore the code it started with, or cancel the run (motia runs cancel ${this.runId}) and start a new one`,
      { code: 'WORKFLOW_MISMATCH', status: 409 },
    )
  }

  #where(id: string): string {
    return `step "${this.#deps.step.name}" checkpoint "${id}"`
  }

  #event(span: number, fields: { op: 'replay' | 'sleep' | 'wait'; id: string; until?: number; topic?: string }): void {
    this.#deps.traces.addEvent(span, { type: 'workflow', run: this.runId, at: Date.now(), ...fields } as SpanEvent)
  }
}

/** True for the engine's own refusals, which a checkpoint must not record as the function's failure. */
export function isEngineError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return code === 'RUN_ENDED' || code === 'WORKFLOW_MISMATCH' || code === 'CHECKPOINT_LIMIT' || code === 'DUPLICATE_CHECKPOINT'
}

// --- internal ---

function outcomeOf(checkpoint: Checkpoint): unknown {
  if (checkpoint.error) {
    const error = new Error(checkpoint.error.message)
    error.name = checkpoint.error.name
    throw error
  }
  return checkpoint.value
}

function jsonOf(value: unknown, where: string): string | undefined {
  try {
    return JSON.stringify(value)
  } catch (error) {
    throw invalid(where, `its result is not JSON (${errorMessage(error)}): return plain data (objects, arrays, strings, numbers)`)
  }
}

function invalid(where: string, message: string): MotiaError {
  return new MotiaError(`[motia] ${where}: ${message}`, { code: 'INVALID_CHECKPOINT', status: 400 })
}
