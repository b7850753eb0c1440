/**
 * Counts of step runs for the Flows page (runs, failures, last status, recent runs per step), kept
 * from the `onStepRun` hook, and the newest runs of all steps for the live feed.
 *
 * Under a load test the hook runs for every request, so a run costs little: counts are exact, but
 * only `keptPerSecond` runs a second (and every failed one) are kept as records, written into
 * preallocated columns; the records are built only when somebody reads them (a page asking for a
 * step's runs, a live feed writing its batch). Nobody reads thousands of runs a second.
 */
import type { PluginHooks } from 'motia'

export interface RunRecord {
  step: string
  traceId: string
  ok: boolean
  durationMs: number
  /** When the run ended (ms since the epoch). */
  at: number
  error?: string
}

export interface StepStats {
  runs: number
  errors: number
  last?: RunRecord
  /** Newest first. */
  recent: RunRecord[]
}

export interface RunStats {
  record: NonNullable<PluginHooks['onStepRun']>
  of(step: string): StepStats
  /** Every run recorded so far, kept or not. */
  total(): number
  /** The number the next kept run will get: a reader's starting point for `since`. */
  cursor(): number
  /** The kept runs numbered from `cursor` on, oldest first, at most the newest `max` of them (and those the ring of `liveCapacity` still holds). */
  since(cursor: number, max: number): { runs: RunRecord[]; cursor: number }
  /**
   * Calls `wake` at the first run after each `since` call (or after listening began), so that a
   * reader is woken once per batch instead of once per run; returns the function that stops it.
   */
  listen(wake: () => void): () => void
}

export interface RunStatsOptions {
  /** Recent runs kept per step. Default 20. */
  recentPerStep?: number
  /** The newest runs of all steps kept for the live feed. Default 1024. */
  liveCapacity?: number
  /** Successful runs kept as records per second, across steps; failed ones are always kept. Default 2000. */
  keptPerSecond?: number
}

export function createRunStats(options: RunStatsOptions = {}): RunStats {
  const { recentPerStep = 20, liveCapacity = 1024, keptPerSecond = 2000 } = options
  const steps = new Map<string, StepRing>()
  const live = createRing(liveCapacity)
  const wakers = new Set<() => void>()
  let total = 0
  let second = 0
  let keptThisSecond = 0
  // Whether the next run wakes the readers: true again after each read.
  let armed = true
  return {
    record(run, outcome) {
      const name = run.step.name
      let entry = steps.get(name)
      if (!entry) steps.set(name, (entry = { ...createRing(recentPerStep), runs: 0, errors: 0 }))
      total++
      entry.runs++
      const at = outcome.endedAt
      if (outcome.ok) {
        const now = Math.floor(at / 1000)
        if (now !== second) (second = now), (keptThisSecond = 0)
        if (++keptThisSecond > keptPerSecond) return
      } else entry.errors++
      const error = outcome.ok ? undefined : outcome.error instanceof Error ? outcome.error.message : String(outcome.error)
      write(entry, name, run.ctx.traceId, outcome.durationMs, at, error)
      write(live, name, run.ctx.traceId, outcome.durationMs, at, error)
      if (armed && wakers.size) {
        armed = false
        for (const wake of wakers) wake()
      }
    },
    of(step) {
      const entry = steps.get(step)
      if (!entry) return { runs: 0, errors: 0, recent: [] }
      const recent = read(entry, Math.max(0, entry.count - recentPerStep), entry.count).reverse()
      return { runs: entry.runs, errors: entry.errors, last: recent[0], recent }
    },
    total: () => total,
    cursor: () => live.count,
    since(cursor, max) {
      armed = true
      const from = Math.max(cursor, live.count - Math.min(max, liveCapacity))
      return { runs: read(live, from, live.count), cursor: live.count }
    },
    listen(wake) {
      // A reader that joins is woken by the next run, even while the others' reads are pending.
      armed = true
      wakers.add(wake)
      return () => wakers.delete(wake)
    },
  }
}

// --- internal ---

/** Runs in columns: slot `n % size` holds run number `n`; `count` runs were ever written. */
interface Ring {
  size: number
  count: number
  step: string[]
  traceId: string[]
  durationMs: Float64Array
  at: Float64Array
  error: Array<string | undefined>
}

type StepRing = Ring & { runs: number; errors: number }

function createRing(size: number): Ring {
  return {
    size,
    count: 0,
    step: new Array(size).fill(''),
    traceId: new Array(size).fill(''),
    durationMs: new Float64Array(size),
    at: new Float64Array(size),
    error: new Array(size).fill(undefined),
  }
}

function write(ring: Ring, step: string, traceId: string, durationMs: number, at: number, error: string | undefined): void {
  const slot = ring.count++ % ring.size
  ring.step[slot] = step
  ring.traceId[slot] = traceId
  ring.durationMs[slot] = durationMs
  ring.at[slot] = at
  ring.error[slot] = error
}

/** Runs `from` (inclusive) to `to` (exclusive), oldest first; the caller keeps them within the ring. */
function read(ring: Ring, from: number, to: number): RunRecord[] {
  const out: RunRecord[] = []
  for (let n = from; n < to; n++) {
    const slot = n % ring.size
    const record: RunRecord = { step: ring.step[slot]!, traceId: ring.traceId[slot]!, ok: ring.error[slot] === undefined, durationMs: ring.durationMs[slot]!, at: ring.at[slot]! }
    if (ring.error[slot] !== undefined) record.error = ring.error[slot]
    out.push(record)
  }
  return out
}
