/** Shared bits of the pages: times, durations, JSON, empty states. */
import type { ReactNode } from 'react'

export const clock = (ms: number) => new Date(ms).toLocaleTimeString(undefined, { hour12: false }) + '.' + String(ms % 1000).padStart(3, '0')

export const duration = (ms: number | undefined) => (ms === undefined ? '…' : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`)

export const pretty = (value: unknown) => JSON.stringify(value, null, 2)

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty" role="status">
      <strong>{title}</strong>
      {children && <p>{children}</p>}
    </div>
  )
}

export function Status({ status }: { status: string }) {
  return <span className={`status ${status}`}>{status}</span>
}

/**
 * A trace's outcome: the HTTP status when the request was answered with a 4xx or 5xx (a request
 * refused by validation runs no step, so its spans alone would read `ok`), else how its steps ran.
 */
export function TraceStatus({ status, httpStatus }: { status: string; httpStatus?: number }) {
  if (httpStatus !== undefined && httpStatus >= 400) {
    return (
      <span className={`status ${httpStatus >= 500 ? 'error' : 'refused'}`} data-testid="trace-status" title={`answered ${httpStatus}${status === 'error' ? ', a step failed' : ''}`}>
        {httpStatus}
      </span>
    )
  }
  return (
    <span className={`status ${status}`} data-testid="trace-status" title={httpStatus ? `answered ${httpStatus}` : undefined}>
      {status}
      {httpStatus ? ` · ${httpStatus}` : ''}
    </span>
  )
}

export function ErrorLine({ error }: { error?: string }) {
  return error ? (
    <p className="error-line" role="alert">
      {error}
    </p>
  ) : null
}

export function Json({ value }: { value: unknown }) {
  return <pre className="json">{pretty(value)}</pre>
}
