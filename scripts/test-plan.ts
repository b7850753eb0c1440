// How `npm test` splits the suite across `bun test` processes (scripts/test.ts runs the plan).
// Most of the suite waits on servers, brokers, compilers and npm installs rather than on the CPU,
// so a few processes at once finish it in a fraction of one process's time. Files are packed into
// batches (one process each, so small files share their start-up) and the longest go first, so no
// worker is left with a long file at the end.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

/** One `bun test` process: its files and the seconds they took last time they were recorded. */
export interface Batch {
  files: string[]
  seconds: number
}

/** The file names `bun test` itself runs: `*.test.*`, `*_test.*`, `*.spec.*`, `*_spec.*`. */
export const testFilePattern = '**/*{.test,_test,.spec,_spec}.{ts,tsx,js,jsx,mjs,cjs}'

/** Folders never searched: installs, and the temporary projects tests make (they hold test files). */
const skippedFolders = ['node_modules', '.tmp', '.git', 'dist']

/**
 * The suite's test files under `root`, relative and sorted. `filters` keep the files whose path
 * contains one of them, as `bun test <filter>` does.
 */
export function findTestFiles(root: string, filters: readonly string[] = []): string[] {
  const files = [...new Bun.Glob(testFilePattern).scanSync({ cwd: root, dot: false })]
    .filter((file) => !file.split('/').some((part) => skippedFolders.includes(part)))
    .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(normalizeFilter(filter))))
  return files.sort()
}

/** Seconds per file from the last recorded run (`test/timings.json`); none when it is missing. */
export function readTimings(file: string): Record<string, number> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, number>
  } catch {
    return {}
  }
}

export const timingsFile = (root: string) => join(root, 'test', 'timings.json')

/**
 * Batches of at most `batchSeconds` (a file that takes longer runs alone), longest first. A file
 * with no recorded time counts as the median of the recorded ones.
 */
export function planBatches(files: readonly string[], timings: Record<string, number>, batchSeconds: number): Batch[] {
  const guess = median(Object.values(timings)) ?? 5
  const timed = files.map((file) => ({ file, seconds: timings[file] ?? guess })).sort((a, b) => b.seconds - a.seconds || a.file.localeCompare(b.file))
  const batches: Batch[] = []
  for (const { file, seconds } of timed) {
    const fits = batches.find((batch) => batch.seconds + seconds <= batchSeconds)
    if (fits) {
      fits.files.push(file)
      fits.seconds += seconds
    } else {
      batches.push({ files: [file], seconds })
    }
  }
  return batches.sort((a, b) => b.seconds - a.seconds)
}

/** What one `bun test` run reported: its tests, failures, the names of the failed tests, and per-file seconds. */
export interface BatchReport {
  passed: number
  failed: number
  failures: string[]
  seconds: Record<string, number>
}

/**
 * Reads a batch's result from bun's console output and its JUnit report (`--reporter=junit`). A
 * process that ended without its summary (a crash, a kill) counts as one failure named after its files.
 */
export function readBatchReport(batch: Batch, output: string, junit: string | undefined, exitCode: number | null): BatchReport {
  const passed = lastCount(output, 'pass')
  const failed = lastCount(output, 'fail')
  // bun lists a failed test where it ran and again above its summary.
  const failures = [...new Set(output.split('\n').filter((line) => line.startsWith('(fail) ')))]
  const seconds: Record<string, number> = {}
  for (const match of (junit ?? '').matchAll(/^ {2}<testsuite name="[^"]*" file="([^"]+)"[^>]* time="([0-9.]+)"/gm)) {
    seconds[match[1]!] = Number(match[2])
  }
  if (passed === undefined || failed === undefined) {
    return { passed: passed ?? 0, failed: Math.max(1, failed ?? 0), failures: [...failures, `(fail) ${batch.files.join(', ')}: bun test ended (exit ${exitCode}) without reporting its results`], seconds }
  }
  if (exitCode !== 0 && failed === 0) {
    return { passed, failed: 1, failures: [`(fail) ${batch.files.join(', ')}: bun test exited with ${exitCode} after reporting no failure`], seconds }
  }
  return { passed, failed, failures, seconds }
}

// --- internal ---

function lastCount(output: string, word: 'pass' | 'fail'): number | undefined {
  const counts = [...output.matchAll(new RegExp(`^ *(\\d+) ${word}$`, 'gm'))]
  const last = counts.at(-1)
  return last ? Number(last[1]) : undefined
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

function normalizeFilter(filter: string): string {
  return filter.replace(/^\.\//, '')
}
