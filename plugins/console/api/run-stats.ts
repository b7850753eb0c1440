/**
 * Counts of step runs for the Flows page (runs, failures, last status, recent runs per step), kept
 * from the `onStepRun` hook: a few additions per run, and a message to live listeners only while
 * somebody listens.
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
  /** Calls `listener` with every run that ends from now on; returns the function that stops it. */
  listen(listener: (run: RunRecord) => void): () => void
}

/** Keeps `recentPerStep` recent runs per step (default 20). */
export function createRunStats(recentPerStep = 20): RunStats {
  const steps = new Map<string, { runs: number; errors: number; recent: RunRecord[]; next: number }>()
  const listeners = new Set<(run: RunRecord) => void>()
  return {
    record(run, outcome) {
      const name = run.step.name
      let entry = steps.get(name)
      if (!entry) steps.set(name, (entry = { runs: 0, errors: 0, recent: [], next: 0 }))
      const record: RunRecord = { step: name, traceId: run.ctx.traceId, ok: outcome.ok, durationMs: outcome.durationMs, at: Date.now() }
      if (!outcome.ok) record.error = outcome.error instanceof Error ? outcome.error.message : String(outcome.error)
      entry.runs++
      if (!outcome.ok) entry.errors++
      // A ring: the slot after the newest holds the oldest.
      entry.recent[entry.next] = record
      entry.next = (entry.next + 1) % recentPerStep
      if (listeners.size) for (const listener of listeners) listener(record)
    },
    of(step) {
      const entry = steps.get(step)
      if (!entry) return { runs: 0, errors: 0, recent: [] }
      const ordered = [...entry.recent.slice(entry.next), ...entry.recent.slice(0, entry.next)].reverse()
      return { runs: entry.runs, errors: entry.errors, last: ordered[0], recent: ordered }
    },
    listen(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}
