/** Errors of the language layer; each names the language, the file or step, and the fix. */
import { MotiaError, ValidationError } from '../errors.ts'
import type { WorkerError } from './protocol.ts'

/**
 * A language's steps cannot run here: its interpreter is missing, too old, or its SDK speaks
 * another protocol. Reported once per load, not once per file; other languages keep running.
 */
export class LanguageUnavailableError extends MotiaError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { code: 'LANGUAGE_UNAVAILABLE', cause: options.cause })
    this.name = 'LanguageUnavailableError'
  }
}

/** The worker process ended while a call was in flight; the run fails and follows its trigger's rules. */
export class WorkerExitedError extends MotiaError {
  constructor(message: string) {
    super(message, { code: 'WORKER_EXITED' })
    this.name = 'WorkerExitedError'
  }
}

/**
 * The error a failed run throws in the runtime: the worker's message, the language's traceback
 * as the stack, and the name (`NonRetriableError` skips retries as in TypeScript). An error the
 * runtime raised inside a context call and the step did not catch comes back as the same class
 * with the same status (an enqueue refused by a schema still answers 400).
 */
export function errorFromWorker(error: WorkerError, language: string): Error {
  const message = error.message || `${language} step failed`
  let out: Error
  if (error.code === 'VALIDATION_ERROR') {
    out = new ValidationError(message, Array.isArray(error.issues) ? error.issues : [], { status: error.status })
  } else if (error.code && typeof error.status === 'number') {
    out = new MotiaError(message, { code: error.code, status: error.status })
  } else {
    out = new Error(message)
    out.name = error.name || 'Error'
  }
  if (error.nonRetriable) out.name = 'NonRetriableError'
  if (error.traceback) out.stack = `${out.name}: ${message}\n${error.traceback.trimEnd()}`
  return out
}
