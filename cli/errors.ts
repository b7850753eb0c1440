/**
 * The one error a command throws for a mistake in how it was called: a flag's value, a missing
 * argument, a project folder that does not exist, a server that is not running. cli/index.ts
 * prints its message on one line and exits 1, as it does for the runtime's `MotiaError`s.
 */
import { MotiaError } from '../runtime/errors.ts'

export class UsageError extends MotiaError {
  /** `code` names the kind of mistake for scripts that match on it; `USAGE_ERROR` by default. */
  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(message.startsWith('[motia]') ? message : `[motia] ${message}`, { code: options.code ?? 'USAGE_ERROR', cause: options.cause })
    this.name = 'UsageError'
  }
}
