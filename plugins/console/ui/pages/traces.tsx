/**
 * Traces: the list (filters, newest first, live) and one trace as a waterfall of its spans, queue
 * waits drawn before the spans that waited; a span opens to its input and output, logs, state
 * operations, enqueues and error.
 */
import { Fragment, useEffect, useMemo, useState } from 'react'
import type { Span, Trace, TraceSummary } from '../api.ts'
import { clock, duration, Empty, ErrorLine, Json, Status, TraceStatus } from '../format.tsx'
import { useApi, useLive, useThrottled } from '../hooks.ts'
import { ReplayButton } from './replay.tsx'

export function TracesPage({ selected }: { selected?: string }) {
  const [step, setStep] = useState('')
  const [status, setStatus] = useState('')
  const [minMs, setMinMs] = useState('')
  const [text, setText] = useState('')
  const [paused, setPaused] = useState(false)
  const query = new URLSearchParams({ limit: '200', ...(step && { step }), ...(status && { status }), ...(minMs && { minMs }), ...(text && { q: text }) })
  const { data, error, reload } = useApi<{ traces: TraceSummary[] }>(`/traces?${query}`)
  const steps = useApi<{ nodes: Array<{ kind: string; name: string }> }>('/flows').data
  const refresh = useThrottled(reload, 300)
  useLive('run', () => !paused && refresh())

  if (selected) return <TraceView id={selected} />
  return (
    <div className="page">
      <div className="toolbar" role="search">
        <select aria-label="Step" value={step} onChange={(e) => setStep(e.target.value)}>
          <option value="">every step</option>
          {steps?.nodes.filter((n) => n.kind === 'step').map((n) => <option key={n.name}>{n.name}</option>)}
        </select>
        <select aria-label="Status" value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="">any status</option>
          <option value="ok">ok</option>
          <option value="4xx">4xx (refused)</option>
          <option value="5xx">5xx</option>
          <option value="error">a step failed</option>
          <option value="running">running</option>
        </select>
        <input aria-label="Minimum duration (ms)" type="number" min="0" placeholder="≥ ms" value={minMs} onChange={(e) => setMinMs(e.target.value)} className="narrow" />
        <input aria-label="Search traces" placeholder="search id, name, step  ( / )" value={text} onChange={(e) => setText(e.target.value)} data-filter />
        <button className="ghost" onClick={() => setPaused(!paused)} aria-pressed={paused}>
          {paused ? 'Resume live' : 'Pause'}
        </button>
      </div>
      <ErrorLine error={error} />
      {data && data.traces.length === 0 ? (
        <Empty title={step || status || minMs || text ? 'No trace matches these filters' : 'No traces yet'}>
          Every HTTP request, cron tick and enqueue starts a trace. Send a request from <a href="#/endpoints">Endpoints</a>, or with curl.
        </Empty>
      ) : (
        <table className="table" aria-label="Traces">
          <thead>
            <tr>
              <th>Started</th>
              <th>Name</th>
              <th>Steps</th>
              <th>Duration</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {data?.traces.map((t) => (
              <tr key={t.id} data-testid="trace-row">
                <td>{clock(t.startedAt)}</td>
                <td>
                  <a href={`#/traces/${t.id}`}>{t.name}</a>
                </td>
                <td className="muted">{t.steps.length ? t.steps.join(' → ') : t.status === 'running' ? '' : <em>no step ran</em>}</td>
                <td>{duration(t.durationMs)}</td>
                <td>
                  <TraceStatus status={t.status} httpStatus={t.httpStatus} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}

function TraceView({ id }: { id: string }) {
  const { data, error, reload } = useApi<Trace>(`/traces/${id}`)
  const refresh = useThrottled(reload, 300)
  useLive('run', (e) => e.event === 'run' && e.data.traceId === id && refresh())
  const [open, setOpen] = useState<string>()
  useEffect(() => setOpen(undefined), [id])
  const bounds = useMemo(() => {
    if (!data) return { start: 0, total: 1 }
    const start = Math.min(data.startedAt, ...data.spans.map((s) => s.queuedAt ?? s.startedAt))
    const end = Math.max(start + 1, ...data.spans.map((s) => s.endedAt ?? Date.now()))
    return { start, total: end - start }
  }, [data])
  if (error && !data) return <ErrorLine error={error} />
  if (!data) return <p className="muted pad">Loading…</p>
  const pct = (ms: number) => `${((ms - bounds.start) / bounds.total) * 100}%`
  const width = (from: number, to: number) => `max(2px, ${((to - from) / bounds.total) * 100}%)`
  return (
    <div className="page">
      <p>
        <a href="#/traces">← all traces</a>
      </p>
      <h2>
        {data.name} <small className="muted">{data.id}</small>
      </h2>
      <p className="muted">
        <TraceStatus status={summaryStatus(data)} httpStatus={data.httpStatus} /> started {clock(data.startedAt)} · {duration(bounds.total)} · {data.spans.length} span(s) · <a href={`#/logs`} onClick={() => sessionStorage.setItem('motia-console-log-trace', data.id)}>its logs</a>
      </p>
      <ReplayButton traceId={data.id} />
      {data.spans.length === 0 &&
        (data.httpStatus !== undefined && data.httpStatus >= 400 ? (
          <Empty title={`Answered ${data.httpStatus} before any step ran`}>The request was refused (its body, query or content type did not pass the route's checks): the response body lists why.</Empty>
        ) : (
          <Empty title="No spans">The trace started, but no step ran in it (a condition may have skipped it).</Empty>
        ))}
      <div className="waterfall" role="list" aria-label="Spans">
        {data.spans.map((span) => (
          <Fragment key={span.id}>
            <button className="span-row" role="listitem" aria-expanded={open === span.id} onClick={() => setOpen(open === span.id ? undefined : span.id)} data-testid="span" data-step={span.step}>
              <span className="span-label">
                <Status status={span.status} /> {span.step}{' '}
                <small className="muted">
                  {span.trigger}
                  {span.trigger === 'http' && data.httpStatus !== undefined ? ` · ${data.httpStatus}` : ''}
                  {(span.attempt ?? 1) > 1 ? ` · attempt ${span.attempt}` : ''}
                </small>
              </span>
              <span className="span-track">
                {span.queuedAt !== undefined && span.queuedAt < span.startedAt && (
                  <span className="bar wait" style={{ left: pct(span.queuedAt), width: width(span.queuedAt, span.startedAt) }} title={`waited ${duration(span.startedAt - span.queuedAt)} in the queue`} />
                )}
                <span className={`bar ${span.status}`} style={{ left: pct(span.startedAt), width: width(span.startedAt, span.endedAt ?? Date.now()) }} />
              </span>
              <span className="span-time">{duration(span.durationMs)}</span>
            </button>
            {open === span.id && <SpanDetail span={span} />}
          </Fragment>
        ))}
      </div>
    </div>
  )
}

function SpanDetail({ span }: { span: Span }) {
  const input = span.events.find((e): e is IoEvent => e.type === 'input')
  const output = span.events.find((e): e is IoEvent => e.type === 'output')
  const events = span.events.filter((e) => e.type !== 'input' && e.type !== 'output')
  return (
    <div className="span-detail" data-testid="span-detail">
      {span.queuedAt !== undefined && <p className="muted">waited {duration(span.startedAt - span.queuedAt)} in the queue before it ran</p>}
      {span.error && <p className="err">Error: {span.error}</p>}
      {(input || output) && (
        <div className="span-io">
          {input && (
            <section data-testid="span-input">
              <h4>Input</h4>
              <Json value={input.value} />
            </section>
          )}
          {output && (
            <section data-testid="span-output">
              <h4>Output</h4>
              <Json value={output.value} />
            </section>
          )}
        </div>
      )}
      {events.length === 0 ? (
        <p className="muted">No logs, state operations or enqueues in this span.</p>
      ) : (
        <table className="table compact">
          <tbody>
            {events.map((e, i) => (
              <tr key={i}>
                <td className="muted">+{duration(e.at - span.startedAt)}</td>
                <td>{e.type === 'log' ? <span className={`lvl ${e.level}`}>{e.level}</span> : e.type}</td>
                <td>{e.type === 'exception' ? <pre style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{e.stack}</pre> : describe(e)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {span.eventsDropped ? <p className="muted">{span.eventsDropped} event(s) not kept (the store's limits)</p> : null}
    </div>
  )
}

/** The trace's own run outcome (the list's summary), from its spans: a failed attempt that a retry recovered is not a failure. */
function summaryStatus(trace: Trace): string {
  if (trace.spans.some((s) => s.status === 'running')) return 'running'
  const failures = trace.spans.filter((s) => s.status === 'error').length - trace.spans.filter((s) => (s.attempt ?? 1) > 1).length
  return failures > 0 ? 'error' : 'ok'
}

type IoEvent = Extract<Span['events'][number], { type: 'input' | 'output' }>

function describe(e: Span['events'][number]): string {
  switch (e.type) {
    case 'log':
      return e.msg
    case 'state':
      return `${e.op} ${e.group}${e.key ? ` / ${e.key}` : ''}`
    case 'stream':
      return `${e.op} ${e.stream} / ${e.groupId}${e.id ? ` / ${e.id}` : ''}`
    case 'enqueue':
      return `→ ${e.topic} (${e.subscribers} subscriber(s))`
    case 'workflow':
      return `${e.op}${e.id ? ` ${e.id}` : ''}${e.topic ? ` on ${e.topic}` : ''}${e.until ? ` until ${clock(e.until)}` : ''} · run ${e.run}`
    case 'exception':
      return `${e.name}: ${e.message}`
    default:
      return ''
  }
}
