/**
 * Logs: the recent lines, then a live tail; filters, pause/resume, grouped by trace on demand; at
 * most 1000 lines kept. A line that carries an error's stack shows it, frame by frame, collapsible.
 */
import { useEffect, useMemo, useRef, useState } from 'react'
import { api, type LogEntry } from '../api.ts'
import { clock, Empty } from '../format.tsx'
import { useLive } from '../hooks.ts'

const keep = 1000
const rank = { debug: 10, info: 20, warn: 30, error: 40 }

export function LogsPage() {
  const [lines, setLines] = useState<LogEntry[]>([])
  const [level, setLevel] = useState<keyof typeof rank>('debug')
  const [step, setStep] = useState('')
  const [traceId, setTraceId] = useState(() => sessionStorage.getItem('motia-console-log-trace') ?? '')
  const [text, setText] = useState('')
  const [paused, setPaused] = useState(false)
  const [grouped, setGrouped] = useState(false)
  const held = useRef<LogEntry[]>([])
  const [waiting, setWaiting] = useState(0)

  useEffect(() => {
    sessionStorage.removeItem('motia-console-log-trace')
    api<{ logs: LogEntry[] }>(`/logs?limit=${keep}`).then((r) => setLines((now) => [...r.logs, ...now].slice(-keep)), () => {})
  }, [])

  const connected = useLive('log', (e) => {
    if (e.event !== 'log') return
    if (paused) {
      held.current.push(e.data)
      if (held.current.length > keep) held.current.shift()
      setWaiting(held.current.length)
    } else setLines((now) => [...now.slice(-(keep - 1)), e.data])
  })

  const resume = () => {
    setLines((now) => [...now, ...held.current].slice(-keep))
    held.current = []
    setWaiting(0)
    setPaused(false)
  }

  const shown = useMemo(() => {
    const needle = text.toLowerCase()
    return lines.filter(
      (l) => rank[l.level] >= rank[level] && (!step || l.step === step) && (!traceId || l.traceId === traceId) && (!needle || JSON.stringify(l).toLowerCase().includes(needle)),
    )
  }, [lines, level, step, traceId, text])
  const steps = useMemo(() => [...new Set(lines.flatMap((l) => (l.step ? [l.step] : [])))].sort(), [lines])
  const groups = useMemo(() => {
    if (!grouped) return [{ id: '', lines: shown }]
    const by = new Map<string, LogEntry[]>()
    for (const line of shown) by.set(line.traceId ?? '', [...(by.get(line.traceId ?? '') ?? []), line])
    return [...by].map(([id, lines]) => ({ id, lines }))
  }, [shown, grouped])

  return (
    <div className="page">
      <div className="toolbar" role="search">
        <select aria-label="Level" value={level} onChange={(e) => setLevel(e.target.value as keyof typeof rank)}>
          {Object.keys(rank).map((l) => (
            <option key={l} value={l}>
              {l}+
            </option>
          ))}
        </select>
        <select aria-label="Step" value={step} onChange={(e) => setStep(e.target.value)}>
          <option value="">every step</option>
          {steps.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
        <input aria-label="Trace id" placeholder="trace id" value={traceId} onChange={(e) => setTraceId(e.target.value.trim())} />
        <input aria-label="Search logs" placeholder="search  ( / )" value={text} onChange={(e) => setText(e.target.value)} data-filter />
        <label className="check">
          <input type="checkbox" checked={grouped} onChange={(e) => setGrouped(e.target.checked)} /> by trace
        </label>
        <button onClick={() => (paused ? resume() : setPaused(true))} aria-pressed={paused} data-testid="pause">
          {paused ? `Resume${waiting ? ` (${waiting} new)` : ''}` : 'Pause'}
        </button>
        <span className={`dot ${connected ? 'ok' : 'error'}`} title={connected ? 'live' : 'reconnecting'} aria-label={connected ? 'live' : 'reconnecting'} />
      </div>
      {shown.length === 0 ? (
        <Empty title={lines.length ? 'No line matches these filters' : 'No logs yet'}>Lines appear here as steps write them with ctx.logger (and as the framework logs).</Empty>
      ) : (
        <div className="logs" aria-label="Log lines" data-testid="logs">
          {groups.map((g) => (
            <div key={g.id} className={grouped ? 'log-group' : undefined}>
              {grouped && <div className="muted small">{g.id ? <a href={`#/traces/${g.id}`}>trace {g.id}</a> : 'no trace'}</div>}
              {g.lines.map((l, i) => (
                <LogLine key={`${l.time}-${i}`} line={l} />
              ))}
            </div>
          ))}
        </div>
      )}
    </div>
  )
}

function LogLine({ line }: { line: LogEntry }) {
  const { time, level, msg, traceId, step, flows: _flows, ...fields } = line
  const stacks = stacksOf(fields)
  for (const { field } of stacks) if (field === 'stack') delete fields.stack
  const extra = Object.keys(fields).length ? JSON.stringify(fields, (key, value) => (key === 'stack' && typeof value === 'string' ? '…' : value)) : ''
  return (
    <div className={`log ${level}`} data-testid="log-line">
      <span className="muted">{clock(time)}</span> <span className={`lvl ${level}`}>{level}</span> {step && <span className="step">{step}</span>} {msg}{' '}
      {extra && <span className="muted">{extra}</span>} {traceId && <a href={`#/traces/${traceId}`} className="muted" title="open the trace">↗</a>}
      {stacks.map((s) => (
        <Stack key={s.field} {...s} />
      ))}
    </div>
  )
}

interface FoundStack {
  field: string
  title: string
  stack: string
}

/** The stacks a line carries: an `error` (or any field) holding `{ name, message, stack }`, or a `stack` string of its own. */
function stacksOf(fields: Record<string, unknown>): FoundStack[] {
  const out: FoundStack[] = []
  for (const [field, value] of Object.entries(fields)) {
    if (field === 'stack' && typeof value === 'string') out.push({ field, title: 'stack', stack: value })
    else if (typeof value === 'object' && value !== null && typeof (value as { stack?: unknown }).stack === 'string') {
      const error = value as { name?: unknown; message?: unknown; stack: string }
      out.push({ field, title: `${field}: ${String(error.name ?? 'Error')}${error.message ? `: ${String(error.message)}` : ''}`, stack: error.stack })
    }
  }
  return out
}

/** A stack, open and collapsible: frames one a line, the ones in dependencies and the runtime dimmed. */
function Stack({ title, stack }: FoundStack) {
  const lines = stack.split('\n')
  return (
    <details className="log-stack" open data-testid="log-stack">
      <summary>{title}</summary>
      <pre>
        {lines.map((text, i) => (
          <span key={i} className={/^\s+at /.test(text) ? (/node_modules|node:|native|bun:/.test(text) ? 'frame dim' : 'frame') : 'head'}>
            {text}
            {'\n'}
          </span>
        ))}
      </pre>
    </details>
  )
}
