/**
 * Replay in the console: the button on a trace (re-runs its first recorded run with its recorded
 * input, against the code loaded now: `POST /__motia/replay`, motia dev only) and the view that
 * shows the new trace beside the old one (`#/runs/compare/<old>/<new>`).
 */
import { useEffect, useState } from 'react'
import { token } from '../api.ts'
import { duration, ErrorLine, Status } from '../format.tsx'

interface Outline {
  id: string
  name: string
  spans: Array<{ step: string; trigger: string; status: string; durationMs?: number; error?: string }>
}

/** Calls a runtime control route (GET without a body, POST with one), with the console's token. */
export async function control<T>(path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = token() ? { 'x-motia-token': token() } : {}
  const init: RequestInit = body === undefined ? { headers } : { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) }
  const res = await fetch(path, init)
  const answer = (await res.json().catch(() => ({}))) as T & { error?: string }
  if (!res.ok) throw new Error(answer.error ?? `HTTP ${res.status}`)
  return answer
}

export function ReplayButton({ traceId }: { traceId: string }) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  const replay = async () => {
    setBusy(true)
    setError(undefined)
    try {
      const answer = await control<{ traceId: string }>('/__motia/replay', { traceId })
      location.hash = `#/runs/compare/${traceId}/${answer.traceId}`
    } catch (thrown) {
      setError((thrown as Error).message)
    } finally {
      setBusy(false)
    }
  }
  return (
    <>
      <button onClick={replay} disabled={busy} title="Run it again with its recorded input, against the current code">
        {busy ? 'Replaying…' : 'Replay'}
      </button>
      <ErrorLine error={error} />
    </>
  )
}

export function ReplayCompare({ original, replay }: { original: string; replay: string }) {
  const [traces, setTraces] = useState<{ original?: Outline; replay?: Outline; error?: string }>({})
  useEffect(() => {
    Promise.all([control<Outline>(`/__motia/traces/${original}`), control<Outline>(`/__motia/traces/${replay}`)]).then(
      ([a, b]) => setTraces({ original: a, replay: b }),
      (error: Error) => setTraces({ error: error.message }),
    )
  }, [original, replay])
  return (
    <div className="page">
      <p>
        <a href={`#/traces/${original}`}>← the original trace</a>
      </p>
      <h2>Replay</h2>
      <ErrorLine error={traces.error} />
      <div className="compare" style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 16 }}>
        <TraceColumn title="Original" id={original} trace={traces.original} />
        <TraceColumn title="Replay" id={replay} trace={traces.replay} />
      </div>
    </div>
  )
}

// --- internal ---

function TraceColumn({ title, id, trace }: { title: string; id: string; trace?: Outline }) {
  return (
    <section className="card" aria-label={title} data-testid={`compare-${title.toLowerCase()}`}>
      <h3>
        {title} <small className="muted">{id}</small>
      </h3>
      {!trace && <p className="muted">Loading…</p>}
      {trace?.spans.map((span, i) => (
        <p key={i}>
          <Status status={span.status} /> {span.step} <small className="muted">{span.trigger}</small> {duration(span.durationMs)}
          {span.error && <span className="muted"> · {span.error}</span>}
        </p>
      ))}
      {trace && <a href={`#/traces/${id}`}>open the trace</a>}
    </section>
  )
}
