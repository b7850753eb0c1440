/**
 * Progress for long commands: a spinner in a terminal, one plain line per phase otherwise (CI
 * logs and pipes stay readable).
 */
import { spinner } from '@clack/prompts'

export interface Progress {
  phase(message: string): void
  done(message: string): void
  failed(message: string): void
}

export function createProgress(): Progress {
  if (!process.stdout.isTTY) {
    return {
      phase: (message) => void process.stdout.write(`› ${message}\n`),
      done: (message) => void process.stdout.write(`✓ ${message}\n`),
      failed: () => {},
    }
  }
  const spin = spinner()
  let started = false
  return {
    phase(message) {
      if (started) spin.message(message)
      else spin.start(message)
      started = true
    },
    done: (message) => spin.stop(message),
    failed: (message) => (started ? spin.error(message) : undefined),
  }
}
