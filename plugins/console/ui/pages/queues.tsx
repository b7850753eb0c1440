/** Queues: per topic and step the copies waiting, in flight, delayed and dead-lettered; the dead letters, replayed or purged. */
import { useEffect, useState } from 'react'
import { send, type DeadLetter, type QueueRow } from '../api.ts'
import { clock, Empty, ErrorLine, Json } from '../format.tsx'
import { useApi, useLive, useThrottled } from '../hooks.ts'

export function QueuesPage() {
  const queues = useApi<{ queues: QueueRow[] }>('/queues')
  const letters = useApi<{ deadLetters: DeadLetter[] }>('/queues/dead-letters')
  const [error, setError] = useState<string>()
  const [note, setNote] = useState<string>()
  const [confirm, setConfirm] = useState(false)
  const reload = () => {
    queues.reload()
    letters.reload()
  }
  const refresh = useThrottled(reload, 500)
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
  if (queues.error && !queues.data) return <ErrorLine error={queues.error} />
  const rows = queues.data?.queues ?? []
  const dead = letters.data?.deadLetters ?? []
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
        <h2>Dead letters ({dead.length})</h2>
        {dead.length > 0 && (
          <>
            <button onClick={() => void act('/queues/replay', { all: true }, (r) => `replayed ${r.replayed}`)}>Replay all</button>
            {confirm ? (
              <>
                <button className="danger" onClick={() => void act('/queues/purge', {}, (r) => `purged ${r.purged}`)}>
                  Delete {dead.length} for good
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
      <ErrorLine error={error} />
      {dead.length === 0 ? (
        <p className="muted">None. A message lands here when its step failed on every attempt (or threw a NonRetriableError).</p>
      ) : (
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
                <summary>data</summary>
                <Json value={l.data} />
              </details>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}
