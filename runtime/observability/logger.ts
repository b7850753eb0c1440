/**
 * Structured logging. Every line carries time, level, message and, inside a step, the trace id,
 * step name and flows. Lines go to a `LogSink`: JSON lines in production, coloured text in a TTY,
 * and the trace store, which keeps each step run's logs with its span.
 */

import { errorMessage } from '../errors.ts'

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

export interface LogEntry {
  time: number
  level: LogLevel
  msg: string
  traceId?: string
  step?: string
  flows?: readonly string[]
  [field: string]: unknown
}

export type LogSink = (entry: LogEntry) => void

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void
  info(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  error(msg: string, fields?: Record<string, unknown>): void
  /** A logger whose lines also carry `bindings`. */
  child(bindings: Record<string, unknown>): Logger
}

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }

/** A logger that writes entries at or above `level` to `sink`. */
export function createLogger(sink: LogSink, options: { level?: LogLevel; bindings?: Record<string, unknown> } = {}): Logger {
  const min = rank[options.level ?? 'info']
  const bindings = options.bindings ?? {}
  const write = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (rank[level] < min) return
    sink({ ...bindings, ...(fields && serializeErrors(fields)), time: Date.now(), level, msg })
  }
  return {
    debug: (msg, fields) => write('debug', msg, fields),
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
    child: (extra) => createLogger(sink, { level: options.level, bindings: { ...bindings, ...extra } }),
  }
}

/** Writes one JSON object per line: for production and log shippers. */
export function jsonSink(write: (line: string) => void = (line) => process.stdout.write(line)): LogSink {
  return (entry) => write(`${JSON.stringify({ ...entry, time: new Date(entry.time).toISOString() })}\n`)
}

/** Writes readable, coloured lines: for a developer's terminal. */
export function prettySink(write: (line: string) => void = (line) => process.stdout.write(line)): LogSink {
  return (entry) => {
    const { time, level, msg, traceId, step, flows: _flows, ...fields } = entry
    const clock = new Date(time).toISOString().slice(11, 23)
    const where = [step && `\x1b[36m${step}\x1b[0m`, traceId && `\x1b[2m${traceId.slice(-8)}\x1b[0m`].filter(Boolean).join(' ')
    const extra = Object.keys(fields).length ? ` \x1b[2m${JSON.stringify(fields)}\x1b[0m` : ''
    write(`\x1b[2m${clock}\x1b[0m ${colour[level]}${level.toUpperCase().padEnd(5)}\x1b[0m ${where ? `${where} ` : ''}${msg}${extra}\n`)
  }
}

/** Sends each entry to every sink. */
export function teeSink(...sinks: LogSink[]): LogSink {
  return (entry) => {
    for (const sink of sinks) sink(entry)
  }
}

// --- internal ---

const colour: Record<LogLevel, string> = { debug: '\x1b[90m', info: '\x1b[32m', warn: '\x1b[33m', error: '\x1b[31m' }

function serializeErrors(fields: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined
  for (const [key, value] of Object.entries(fields)) {
    if (value instanceof Error) {
      out ??= { ...fields }
      out[key] = { name: value.name, message: value.message, stack: value.stack }
    } else if (key === 'error' && value !== undefined && typeof value !== 'string') {
      // Whatever a handler threw (null, a bigint, a circular object) must not break the sink.
      out ??= { ...fields }
      out[key] = { message: errorMessage(value) }
    }
  }
  return out ?? fields
}
