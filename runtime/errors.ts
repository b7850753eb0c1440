/**
 * The few named errors the runtime throws. Each has a stable `code` that tools can match on;
 * messages say what is wrong, where, and how to fix it.
 */

/** Base class of every error the runtime throws on purpose. */
export class MotiaError extends Error {
  readonly code: string
  /** HTTP status to answer with when this error escapes an HTTP handler. */
  readonly status: number

  constructor(message: string, options: { code?: string; status?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'MotiaError'
    this.code = options.code ?? 'MOTIA_ERROR'
    this.status = options.status ?? 500
  }
}

/** A step file or `motia.config.ts` is wrong. Raised at load time, with the file path. */
export class ConfigError extends MotiaError {
  readonly file?: string
  /** The spot the problem was found at (a syntax error), relative to the project; the message shows it with a code frame. */
  readonly location?: { file: string; line: number; column: number }

  constructor(message: string, options: { file?: string; location?: ConfigError['location']; cause?: unknown } = {}) {
    super(message, { code: 'CONFIG_ERROR', cause: options.cause })
    this.name = 'ConfigError'
    this.file = options.file
    this.location = options.location
  }
}

/** One problem found by a schema, with the path to the offending value. */
export interface ValidationIssue {
  path: Array<string | number>
  message: string
}

/** Data does not match a schema (an HTTP body, a queue message, a response). */
export class ValidationError extends MotiaError {
  readonly issues: ValidationIssue[]

  constructor(message: string, issues: ValidationIssue[], options: { status?: number; cause?: unknown } = {}) {
    super(message, { code: 'VALIDATION_ERROR', status: options.status ?? 400, cause: options.cause })
    this.name = 'ValidationError'
    this.issues = issues
  }
}

/**
 * Thrown by a queue handler to say "retrying will not help": the message goes straight to the
 * step's dead-letter queue with this error.
 *
 * @example
 * if (!user) throw new NonRetriableError(`user ${id} does not exist`)
 */
export class NonRetriableError extends MotiaError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { code: 'NON_RETRIABLE', cause: options.cause })
    this.name = 'NonRetriableError'
  }
}

/**
 * A handler ran longer than it may: the run counts as failed and whatever the handler does later is
 * ignored. A queue message is retried, then dead-lettered with this message.
 */
export class TimeoutError extends MotiaError {
  readonly timeoutMs: number

  constructor(timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`, { code: 'TIMEOUT' })
    this.name = 'TimeoutError'
    this.timeoutMs = timeoutMs
  }
}

/** True for errors that must skip retries, including ones thrown by other copies of this package. */
export function isNonRetriable(error: unknown): boolean {
  return error instanceof NonRetriableError || (error instanceof Error && error.name === 'NonRetriableError')
}

/**
 * Turns anything thrown into a one-line message, for logs, traces and dead letters. Never throws:
 * handlers may throw `null`, strings, plain or circular objects, bigints.
 */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name
  if (typeof error === 'string') return error
  const message = (error as { message?: unknown } | null)?.message
  if (typeof message === 'string' && message) return message
  return `${describeThrown(error)} was thrown (throw an Error to give a message and a stack)`
}

/** `thrown` itself when it is an Error, else an Error whose message says what was thrown. */
export function toError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown
  return new MotiaError(errorMessage(thrown), { code: 'NON_ERROR_THROWN', cause: thrown })
}

// --- internal ---

function describeThrown(value: unknown): string {
  if (value === null || value === undefined) return String(value)
  if (typeof value === 'bigint') return `${value}n`
  if (typeof value === 'symbol' || typeof value === 'function') return typeof value
  if (typeof value !== 'object') return String(value)
  try {
    const json = JSON.stringify(value)
    return json.length > 200 ? `${json.slice(0, 200)}…` : json
  } catch {
    return 'an object that is not JSON'
  }
}
