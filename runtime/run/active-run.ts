/**
 * One run in progress: what it runs on (its facts, from which its context is built), its span,
 * and the one way it ends. Observers (`onStepRun`) get the run itself as their `StepRun`, so a run
 * costs no copy; the runner keeps the active runs in a `RunList` for shutdown.
 */
import { errorMessage } from '../errors.ts'
import type { SpanHandle, TraceStore } from '../adapters/traces/types.ts'
import type { LoadedStep } from '../discovery/loaded-step.ts'
import type { DurableRun, FiredTrigger, FlowContext } from '../types/context.ts'
import type { PendingRun, PluginHooks, StepRun } from '../types/runtime.ts'
import type { RunFacts } from './context.ts'

/** What a run needs from its runner when it ends. */
export interface RunBook {
  traces: TraceStore
  /** Tells the plugins' observers, when there are any. */
  observe: PluginHooks['onStepRun'] | undefined
  settled(run: ActiveRun): void
}

/** How a run starts: its facts, and when (ms since the epoch). */
export interface RunStart extends RunFacts {
  readonly startedAt: number
}

export class ActiveRun implements PendingRun, StepRun, RunFacts {
  readonly step: LoadedStep
  readonly trigger: FiredTrigger
  readonly input: unknown
  readonly traceId: string
  readonly span: SpanHandle
  readonly attempt: number
  readonly workflow: DurableRun | undefined
  /** Set by the runner right after construction: the context is built from the run's facts. */
  ctx!: FlowContext
  /** What the handler returned, a value or a promise. */
  result: unknown
  /** Its neighbours in the runner's `RunList` while it runs. */
  previousRun: ActiveRun | undefined = undefined
  nextRun: ActiveRun | undefined = undefined
  readonly #book: RunBook
  readonly #startedAt: number
  #ended = false

  constructor(book: RunBook, start: RunStart) {
    this.#book = book
    this.step = start.step
    this.trigger = start.trigger
    this.input = start.input
    this.traceId = start.traceId
    this.span = start.span
    this.attempt = start.attempt
    this.workflow = start.workflow
    this.#startedAt = start.startedAt
  }

  succeed(output: unknown): void {
    if (this.#ended) return
    this.#ended = true
    const endedAt = Date.now()
    // Observers see the run before its span ends, so that they may still add to it.
    this.#book.observe?.(this, { ok: true, output, durationMs: endedAt - this.#startedAt, endedAt })
    this.#end(endedAt)
  }

  fail(error: unknown): void {
    if (this.#ended) return
    this.#ended = true
    const endedAt = Date.now()
    this.#book.observe?.(this, { ok: false, error, durationMs: endedAt - this.#startedAt, endedAt })
    if (error instanceof Error && error.stack) this.#book.traces.addEvent(this.span, { type: 'exception', name: error.name, message: error.message, stack: error.stack, at: endedAt })
    this.#end(endedAt, errorMessage(error))
  }

  #end(endedAt: number, error?: string): void {
    this.#book.traces.endSpan(this.span, endedAt, error)
    this.#book.settled(this)
  }
}

/**
 * The runs in progress, in the order they started, linked through the runs themselves: adding or
 * removing one writes a few fields. A `Set` did the same with a hash on every add and delete, and
 * with one run starting and one ending per message it cost a quarter of a queue chain's CPU.
 */
export class RunList implements Iterable<ActiveRun> {
  size = 0
  #first: ActiveRun | undefined
  #last: ActiveRun | undefined

  add(run: ActiveRun): void {
    run.previousRun = this.#last
    run.nextRun = undefined
    if (this.#last) this.#last.nextRun = run
    else this.#first = run
    this.#last = run
    this.size++
  }

  /** Removes `run`, which must be in this list (each run is removed once: when it ends). */
  delete(run: ActiveRun): void {
    const { previousRun, nextRun } = run
    if (previousRun) previousRun.nextRun = nextRun
    else this.#first = nextRun
    if (nextRun) nextRun.previousRun = previousRun
    else this.#last = previousRun
    run.previousRun = run.nextRun = undefined
    this.size--
  }

  *[Symbol.iterator](): Iterator<ActiveRun> {
    for (let run = this.#first; run; run = run.nextRun) yield run
  }
}

/** `2 handler(s): SendEmail (queue), Nightly (cron)` */
export function describeRuns(runs: Iterable<ActiveRun> & { readonly size: number }): string {
  const names = [...runs].map((run) => `${run.step.name} (${run.trigger.type})`)
  return `${runs.size} handler(s): ${names.join(', ')}`
}
