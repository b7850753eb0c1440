/**
 * How a bench hands its verdicts to `bench/all.ts` (`npm run bench`): one `##motia-bench {json}`
 * line on stdout per figure checked against a target, beside the bench's own human table. A bench
 * run by hand prints the same lines; they are short and say the same as its table.
 */
import { loadavg } from 'node:os'

/** One figure of a bench, compared with its target. */
export interface BenchVerdict {
  /** The bench file, e.g. `http`. */
  bench: string
  /** What is measured, e.g. `POST step (zod + enqueue) / raw Elysia + zod`. */
  metric: string
  /** The figure, usually a ratio against a baseline measured in the same run. */
  value: number
  /** `min`: the figure must be at least `target`; `max`: at most. Absent: reported, not judged. */
  target?: { min?: number; max?: number }
  /** How to read the figure, e.g. `×` or `ms`. */
  unit?: string
  /** Anything a reader needs beside the figure (the raw numbers, the rounds, the load). */
  detail?: string
}

export const verdictPrefix = '##motia-bench '

/** Prints `verdict` for `bench/all.ts` to collect. */
export function report(verdict: BenchVerdict): void {
  console.log(`${verdictPrefix}${JSON.stringify(verdict)}`)
}

/** Whether `verdict` meets its target (`undefined` when it has none). */
export function passes(verdict: BenchVerdict): boolean | undefined {
  const { target, value } = verdict
  if (!target || (target.min === undefined && target.max === undefined)) return undefined
  return (target.min === undefined || value >= target.min) && (target.max === undefined || value <= target.max)
}

/** The machine's load averages (1, 5, 15 min), for the figures' context. */
export function loadAverage(): string {
  return loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')
}

/** The median of `values` (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}
