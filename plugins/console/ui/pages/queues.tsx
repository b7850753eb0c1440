/**
 * Queues: per topic and step the copies waiting, in flight, delayed and dead-lettered; the dead
 * letters a page at a time (newest first, data clipped), replayed or purged. The page looks again
 * after runs and every few seconds, one request at a time (useApi): a slow answer is never piled on.
 */
import { useEffect, useState } from 'react'
import { api, send, type DeadLetterPage, type DeadLetterSummary, type QueueRow } from '../api.ts'
import { clock, Empty, ErrorLine, Json } from '../format.tsx'
import { useApi, useLive, useThrottled } from '../hooks.ts'

const firstPage = '/queues/dead-letters?limit=50'

export function QueuesPage() {
  const queues = useApi<{ queues: QueueRow[] }>('/queues')
  const letters = useApi<DeadLetterPage>(firstPage)
  // Pages after the first, asked for with "Show more"; they are not looked at again by themselves.
  const [more, setMore] = useState<{ letters: DeadLetterSummary[]; next?: string; loading?: boolean }>({ letters: [] })
  const [error, setError] = useState<string>()
  const [note, setNote] = useState<string>()
  const [confirm, setConfirm] = useState(false)
  const reload = () => {
    setMore({ letters: [] })
    queues.reload()
    letters.reload()
  }
  const refresh = useThrottled(() => {
    queues.reload()
    letters.reload()
  }, 500)
  useLive('run', refresh)
  useEffect(() => {
    // Delays and backoffs end without a run event: look again now and then.
    const timer = setInterval(refresh, 3000)
    return () => clearInterval(timer)
  }, [refresh])
  const act = async (path: string, body: unknown, done: (r: Record<string, number>) => string) => {
    setError(undefined)
    try {
      setNote(done(await send<Record<string, number>>(path, 'POST', body)))
      setConfirm(false)
      reload()
    } catch (e) {
      setError((e as Error).message)
    }
  }
  const first = letters.data
  const next = more.letters.length ? more.next : first?.next
  const showMore = async () => {
    if (!next || more.loading) return
    setMore((m) => ({ ...m, loading: true }))
    try {
      const page = await api<DeadLetterPage>(`${firstPage}&cursor=${encodeURIComponent(next)}`)
      setMore((m) => ({ letters: [...m.letters, ...page.deadLetters], next: page.next }))
    } catch (e) {
      setError((e as Error).message)
      setMore((m) => ({ ...m, loading: false }))
    }
  }
  if (queues.error && !queues.data) return <ErrorLine error={queues.error} />
  const rows = queues.data?.queues ?? []
  const shownIds = new Set(first?.deadLetters.map((l) => l.id))
  const dead = [...(first?.deadLetters ?? []), ...more.letters.filter((l) => !shownIds.has(l.id))]
  const total = first?.total ?? 0
  return (
    <div className="page">
      {rows.length === 0 ? (
        <Empty title="No queues">
          A step with a <code>queue</code> trigger gets a queue per topic; <code>ctx.enqueue({'{'} topic, data {'}'})</code> fills it.
        </Empty>
      ) : (
        <table className="table" aria-label="Queues">
          <thead>
            <tr>
              <th>Topic</th>
              <th>Step</th>
              <th className="num">Waiting</th>
              <th className="num">In flight</th>
              <th className="num">Delayed</th>
              <th className="num">Dead</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((q) => (
              <tr key={`${q.topic}/${q.step}`} data-testid="queue-row">
                <td>{q.topic}</td>
                <td>{q.step}</td>
                <td className="num">{q.waiting ?? q.depth}</td>
                <td className="num">{q.inFlight ?? '–'}</td>
                <td className="num">{q.delayed ?? '–'}</td>
                <td className={`num ${q.deadLettered ? 'err' : ''}`}>{q.deadLettered}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="toolbar">
        <h2>Dead letters ({total})</h2>
        {total > 0 && (
          <>
            <button onClick={() => void act('/queues/replay', { all: true }, (r) => `replayed ${r.replayed}`)}>Replay all</button>
            {confirm ? (
              <>
                <button className="danger" onClick={() => void act('/queues/purge', {}, (r) => `purged ${r.purged}`)}>
                  Delete {total} for good
                </button>
                <button className="ghost" onClick={() => setConfirm(false)}>
                  Keep them
                </button>
              </>
            ) : (
              <button className="ghost" onClick={() => setConfirm(true)}>
                Purge…
              </button>
            )}
          </>
        )}
        {note && <span className="ok-text" role="status">{note}</span>}
      </div>
      <ErrorLine error={error ?? letters.error} />
      {dead.length === 0 ? (
        <p className="muted">None. A message lands here when its step failed on every attempt (or threw a NonRetriableError).</p>
      ) : (
        <>
          <ul className="letters" aria-label="Dead letters">
            {dead.map((l) => (
              <li key={l.id} className="card" data-testid="dead-letter">
                <div className="row">
                  <strong>{l.step}</strong> <span className="muted">on {l.topic}</span> <span className="muted">· {l.attempts} attempt(s) · {clock(l.failedAt)}</span>
                  <a href={`#/traces/${l.traceId}`}>trace</a>
                  <button onClick={() => void act('/queues/replay', { ids: [l.id] }, (r) => `replayed ${r.replayed}`)} data-testid="replay">
                    Replay
                  </button>
                </div>
                <p className="err">{l.error}</p>
                <details>
                  <summary>data ({size(l.size)})</summary>
                  {l.preview === undefined ? (
                    <Json value={l.data} />
                  ) : (
                    <>
                      <p className="muted">The first {size(l.preview.length)} of its JSON:</p>
                      <pre className="json" data-testid="data-preview">
                        {l.preview}…
                      </pre>
                    </>
                  )}
                </details>
              </li>
            ))}
          </ul>
          {next && (
            <button className="ghost" onClick={() => void showMore()} disabled={more.loading} data-testid="more-letters">
              {more.loading ? 'Loading…' : `Show more (${dead.length} of ${total})`}
            </button>
          )}
        </>
      )}
    </div>
  )
}

function size(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`
}
