/**
 * Runs: durable workflow runs (docs/workflows.md) by status, one run with its checkpoints, and the
 * operator's actions — cancel, wake, replay from a checkpoint. It reads the runtime's control
 * routes under `/__motia/runs` (runtime/workflows/routes.ts), looking again every 2 s.
 * `#/runs/compare/<old>/<new>` shows a replayed trace beside its original (replay.tsx).
 */
import { useCallback, useEffect, useState } from 'react'
import { clock, Empty, ErrorLine, Json, Status } from '../format.tsx'
import { control, ReplayCompare } from './replay.tsx'

interface Run {
  id: string
  step: string
  status: string
  traceId: string
  createdAt: number
  executions: number
  wakeAt?: number
  pending?: string
  input?: unknown
  output?: unknown
  error?: string
  replayOf?: string
}

interface Checkpoint {
  id: string
  seq: number
  kind: string
  done: boolean
  value?: unknown
  error?: { message: string }
  until?: number
  topic?: string
  at: number
}

const statuses = ['', 'running', 'sleeping', 'waiting', 'queued', 'completed', 'failed', 'cancelled']
const live = new Set(['queued', 'running', 'sleeping', 'waiting'])

export function RunsPage({ rest }: { rest: string[] }) {
  if (rest[0] === 'compare' && rest[1] && rest[2]) return <ReplayCompare original={rest[1]} replay={rest[2]} />
  return rest[0] ? <RunDetail id={rest[0]} /> : <RunList />
}

function RunList() {
  const [status, setStatus] = useState('')
  const { data, error } = usePolled<{ runs: Run[] }>(`/__motia/runs?limit=200${status ? `&status=${status}` : ''}`)
  return (
    <div className="page">
      <div className="toolbar" role="search">
        <h2>Runs</h2>
        <label>
          status{' '}
          <select value={status} onChange={(event) => setStatus(event.target.value)} aria-label="Status" data-filter>
            {statuses.map((s) => (
              <option key={s} value={s}>
                {s || 'all'}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorLine error={error} />
      {data && data.runs.length === 0 && <Empty title="No workflow runs">A step with workflow in its config starts one each time it is triggered (docs/workflows.md).</Empty>}
      {data && data.runs.length > 0 && (
        <table className="table" aria-label="Runs">
          <thead>
            <tr>
              <th>run</th>
              <th>step</th>
              <th>status</th>
              <th className="num">executions</th>
              <th>created</th>
              <th>wakes / error</th>
            </tr>
          </thead>
          <tbody>
            {data.runs.map((run) => (
              <tr key={run.id} data-testid="run" data-run={run.id} data-status={run.status}>
                <td>
                  <a href={`#/runs/${encodeURIComponent(run.id)}`}>{run.id}</a>
                </td>
                <td>{run.step}</td>
                <td>
                  <Status status={run.status} />
                </td>
                <td className="num">{run.executions}</td>
                <td>{clock(run.createdAt)}</td>
                <td className="muted">{run.error ?? (run.wakeAt ? `${run.pending} at ${clock(run.wakeAt)}` : (run.pending ?? ''))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}

function RunDetail({ id }: { id: string }) {
  const { data, error, reload } = usePolled<{ run: Run; checkpoints: Checkpoint[] }>(`/__motia/runs/${encodeURIComponent(id)}`)
  const [note, setNote] = useState<string>()
  const [failure, setFailure] = useState<string>()
  const act = async (path: string, body: unknown, done: (answer: { run: Run }) => string) => {
    setFailure(undefined)
    try {
      setNote(done(await control<{ run: Run }>(path, body)))
      reload()
    } catch (thrown) {
      setFailure((thrown as Error).message)
    }
  }
  if (error && !data) return <ErrorLine error={error} />
  if (!data) return <p className="muted pad">Loading…</p>
  const { run, checkpoints } = data
  const base = `/__motia/runs/${encodeURIComponent(run.id)}`
  const replayFrom = (from?: string) => act(`${base}/replay`, from ? { from } : {}, (a) => `started run ${a.run.id}`)
  return (
    <div className="page">
      <p>
        <a href="#/runs">← all runs</a>
      </p>
      <h2>
        {run.step} <small className="muted">{run.id}</small> <Status status={run.status} />
      </h2>
      <p className="muted">
        created {clock(run.createdAt)} · {run.executions} execution(s) · <a href={`#/traces/${run.traceId}`}>its trace</a>
        {run.replayOf && (
          <>
            {' '}
            · replays <a href={`#/runs/${encodeURIComponent(run.replayOf)}`}>{run.replayOf}</a>
          </>
        )}
        {run.pending && ` · parked at "${run.pending}"${run.wakeAt ? ` until ${clock(run.wakeAt)}` : ''}`}
      </p>
      <div className="toolbar">
        {live.has(run.status) && (
          <button className="danger" onClick={() => act(`${base}/cancel`, {}, () => `cancelled ${run.id}`)}>
            Cancel
          </button>
        )}
        {(run.status === 'sleeping' || run.status === 'waiting') && <button onClick={() => act(`${base}/wake`, {}, () => `woke ${run.id}`)}>{run.status === 'sleeping' ? 'Wake now' : 'Time out now'}</button>}
        <button onClick={() => replayFrom()}>Replay from the start</button>
      </div>
      {note && (
        <p className="muted" role="status">
          {note}
        </p>
      )}
      <ErrorLine error={failure} />
      {run.error && <ErrorLine error={run.error} />}
      <h3>Checkpoints</h3>
      {checkpoints.length === 0 ? (
        <Empty title="No checkpoints yet" />
      ) : (
        <table className="table compact" aria-label="Checkpoints">
          <thead>
            <tr>
              <th>#</th>
              <th>checkpoint</th>
              <th>kind</th>
              <th>done</th>
              <th>result</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {checkpoints.map((point) => (
              <tr key={point.id} data-testid="checkpoint" data-checkpoint={point.id}>
                <td className="num">{point.seq + 1}</td>
                <td>{point.id}</td>
                <td>{point.kind}</td>
                <td>{point.done ? 'yes' : 'no'}</td>
                <td>{point.error ? <span className="status error">{point.error.message}</span> : point.done ? <Json value={point.value ?? null} /> : point.until ? `until ${clock(point.until)}` : `on ${point.topic}`}</td>
                <td>
                  <button className="ghost" onClick={() => replayFrom(point.id)} title={`A new run that replays the checkpoints before "${point.id}" and executes from it`}>
                    Replay from here
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Input</h3>
      <Json value={run.input ?? null} />
      {run.output !== undefined && (
        <>
          <h3>Output</h3>
          <Json value={run.output} />
        </>
      )}
    </div>
  )
}

// --- internal ---

/** GETs `path` now and every 2 s, one request at a time. */
function usePolled<T>(path: string): { data?: T; error?: string; reload: () => void } {
  const [state, setState] = useState<{ data?: T; error?: string }>({})
  const [tick, setTick] = useState(0)
  const reload = useCallback(() => setTick((t) => t + 1), [])
  useEffect(() => {
    let stopped = false
    control<T>(path).then(
      (data) => !stopped && setState({ data }),
      (error: Error) => !stopped && setState((s) => ({ ...s, error: error.message })),
    )
    const timer = setTimeout(reload, 2000)
    return () => {
      stopped = true
      clearTimeout(timer)
    }
  }, [path, tick, reload])
  return { ...state, reload }
}
