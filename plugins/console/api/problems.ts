/**
 * What the last load of the project found wrong, for the console's banner: each failing file with
 * its message (a syntax error's carries the code frame) and location, and the hints about files
 * that look like steps but are not loaded. Replaced by every reload, so a fix clears it.
 */
import type { MotiaRuntime } from 'motia'

export interface Problems {
  errors: Array<{ file?: string; message: string; location?: { file: string; line: number; column: number } }>
  warnings: string[]
}

/** Follows the runtime's loads; `current()` is the newest report. Returns it with the function that stops following. */
export function trackProblems(runtime: MotiaRuntime): { current: () => Problems; stop: () => void } {
  let current: Problems = { errors: [], warnings: [] }
  const stop = runtime.on('steps:problems', ({ errors, warnings }) => {
    current = {
      errors: errors.map((error) => ({ file: error.file, message: error.message, location: error.location })),
      warnings: [...warnings],
    }
  })
  return { current: () => current, stop }
}
