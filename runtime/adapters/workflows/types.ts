/**
 * WorkflowStore: where durable runs live — each run's facts and status, and its checkpoints in the
 * order the handler reached them. The engine (runtime/workflows/) drives runs over the project's
 * queue; this store is what lets a run resume anywhere, after kill -9, a restart or a reload.
 *
 * Guarantees (every implementation; contract.ts checks them)
 * - `record` is first-writer-wins per (run, checkpoint id): a second record of the same id stores
 *   nothing and returns the first one, so a checkpoint is recorded exactly once even when two
 *   deliveries of one run race. It refuses a run that has ended (`RUN_ENDED`) and a run that holds
 *   `limit` checkpoints already (`CHECKPOINT_LIMIT`), atomically with the write.
 * - `resolve` completes a pending checkpoint (a sleep, a wait) once: the first caller's value wins
 *   and every caller gets the checkpoint as stored.
 * - `transition` moves a run only from the statuses it names (compare-and-set), and clears the
 *   run's pending waits when it ends, so no message wakes an ended run.
 * - `waits(topic)` lists the checkpoints waiting on a topic that are not done, of runs not ended.
 * - Values come back equal, never the same object (they are stored as JSON).
 *
 * Not guaranteed: ordering of `list` beyond newest-first by creation; history of status changes.
 * Lifecycle: one per process, opened with the other adapters (adapters/resolve.ts); `close()` once.
 * Implementations: memory.ts, sqlite.ts (the default, in `.motia/motia.db`), ../redis/workflows.ts.
 */
import { MotiaError } from '../../errors.ts'

/** Where a run is: queued for its first execution, executing, parked, or ended. */
export type RunStatus = 'queued' | 'running' | 'sleeping' | 'waiting' | 'completed' | 'failed' | 'cancelled'

/** Statuses a run never leaves. */
export const endedStatuses: readonly RunStatus[] = ['completed', 'failed', 'cancelled']
/** Statuses of a run that may still execute. */
export const liveStatuses: readonly RunStatus[] = ['queued', 'running', 'sleeping', 'waiting']

export interface WorkflowRun {
  id: string
  /** The step whose handler the run executes. */
  step: string
  /** Index of the trigger that started it, in the step's `triggers`. */
  trigger: number
  /** What the trigger gave the handler (an http request as `{ body, params, query, headers, method, path }`). */
  input: unknown
  traceId: string
  status: RunStatus
  createdAt: number
  updatedAt: number
  /** How many times the handler was started for this run (the first execution and every resume). */
  executions: number
  /** Sleeping: when it wakes. Waiting: when the wait times out (absent: no timeout). */
  wakeAt?: number
  /** The checkpoint a sleeping or waiting run is parked at. */
  pending?: string
  /** What the handler returned, once completed. */
  output?: unknown
  /** Why it failed, or who cancelled it. */
  error?: string
  /** The run this one replays, when it was started by `motia replay`. */
  replayOf?: string
}

export interface Checkpoint {
  /** Chosen by the handler; unique within the run. */
  id: string
  /** 0 for the first checkpoint the handler reached, 1 for the next… */
  seq: number
  kind: 'run' | 'sleep' | 'wait'
  /** A run checkpoint is done when recorded; a sleep once due (or woken); a wait once matched or timed out. */
  done: boolean
  /** Run: the function's result. Wait: the `WaitResult`. Sleep: nothing. */
  value?: unknown
  /** Run: how the function failed (after its retries); a replay throws this again. */
  error?: { name: string; message: string }
  /** Sleep: when it is due. Wait: when it times out (absent: never). */
  until?: number
  /** Wait: the topic, and the fields a message's data must hold. */
  topic?: string
  match?: Record<string, unknown>
  at: number
  doneAt?: number
}

/** A wait as `waits(topic)` lists it. */
export interface PendingWait {
  runId: string
  step: string
  checkpoint: string
  match?: Record<string, unknown>
}

/** What `transition` may change besides the status. */
export interface RunPatch {
  status: RunStatus
  wakeAt?: number | null
  pending?: string | null
  output?: unknown
  error?: string
  /** Counts one more execution. */
  executed?: boolean
  /** The trace the run records into from now on (a process that cannot continue the old one starts another). */
  traceId?: string
}

export interface RunFilter {
  status?: RunStatus
  step?: string
  /** At most this many runs (1–1000). */
  limit: number
  /** Runs created before this time (ms), for the next page. */
  before?: number
}

export interface WorkflowStore {
  /** Stores a new run; a second create with the same id is refused (`RUN_EXISTS`). */
  create(run: WorkflowRun): Promise<void>
  get(id: string): Promise<WorkflowRun | undefined>
  /** The run's checkpoints in the order they were recorded (by `seq`). */
  checkpoints(id: string): Promise<Checkpoint[]>
  /** Records a checkpoint, first writer wins: resolves the checkpoint as stored. See the guarantees. */
  record(runId: string, checkpoint: Checkpoint, limit: number): Promise<Checkpoint>
  /** Completes a pending checkpoint with `value` (first caller wins); undefined when it does not exist. */
  resolve(runId: string, checkpointId: string, value: unknown): Promise<Checkpoint | undefined>
  /**
   * Moves the run to `patch.status` when its status is one of `from` (and, with `executions`, when it
   * has had exactly that many). Resolves the run as it is after the move, or undefined when it did
   * not move (another status, or no such run).
   */
  transition(id: string, from: readonly RunStatus[], patch: RunPatch, executions?: number): Promise<WorkflowRun | undefined>
  /** The pending waits on `topic`. */
  waits(topic: string): Promise<PendingWait[]>
  /** Runs, newest first. */
  list(filter: RunFilter): Promise<WorkflowRun[]>
  close(): Promise<void>
}

/** The refusal of a checkpoint recorded for a run that has ended (cancelled while it ran). */
export function runEnded(runId: string, status: string): MotiaError {
  return new MotiaError(`[motia] workflow run ${runId} is ${status}: it records no more checkpoints`, { code: 'RUN_ENDED', status: 409 })
}

/** The refusal of a checkpoint past the run's limit. */
export function checkpointLimit(runId: string, limit: number, id: string): MotiaError {
  return new MotiaError(
    `[motia] workflow run ${runId} reached its limit of ${limit} checkpoints at "${id}": split the work into several runs (enqueue one per batch), or raise workflow.maxCheckpoints in the step's config`,
    { code: 'CHECKPOINT_LIMIT', status: 400 },
  )
}

/** The refusal of a second run with an id that exists. */
export function runExists(id: string): MotiaError {
  return new MotiaError(`[motia] a workflow run with id ${id} exists already`, { code: 'RUN_EXISTS', status: 409 })
}

/** Applies a patch to a run (the memory and SQLite stores share it; the Redis script mirrors it). */
export function patched(run: WorkflowRun, patch: RunPatch, now: number): WorkflowRun {
  const next: WorkflowRun = { ...run, status: patch.status, updatedAt: now }
  if (patch.executed) next.executions = run.executions + 1
  if (patch.wakeAt === null) delete next.wakeAt
  else if (patch.wakeAt !== undefined) next.wakeAt = patch.wakeAt
  if (patch.pending === null) delete next.pending
  else if (patch.pending !== undefined) next.pending = patch.pending
  if (patch.output !== undefined) next.output = patch.output
  if (patch.error !== undefined) next.error = patch.error
  if (patch.traceId !== undefined) next.traceId = patch.traceId
  if (endedStatuses.includes(patch.status)) {
    delete next.wakeAt
    delete next.pending
  }
  return next
}

/** True when `run` passes `filter`'s status, step and cursor. */
export function matchesRunFilter(run: WorkflowRun, filter: RunFilter): boolean {
  return (filter.status === undefined || run.status === filter.status) && (filter.step === undefined || run.step === filter.step) && (filter.before === undefined || run.createdAt < filter.before)
}
