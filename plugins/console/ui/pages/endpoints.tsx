/**
 * Endpoints: every http step; a request form (path parameters, query, headers, and a JSON body
 * prefilled with a sample that passes `bodySchema` and checked against it), the response as it
 * arrives (server-sent events line by line; every issue of a refused body listed with its path),
 * its timing and a link to its trace.
 */
import { useEffect, useMemo, useState } from 'react'
import type { Endpoint } from '../api.ts'
import { duration, Empty, ErrorLine, Json } from '../format.tsx'
import { useApi } from '../hooks.ts'
import { sampleOf } from '../sample.ts'
import { validate } from '../schema.ts'

export function EndpointsPage({ selected }: { selected?: string }) {
  const { data, error } = useApi<{ endpoints: Endpoint[] }>('/endpoints')
  const list = data?.endpoints ?? []
  const key = (e: Endpoint) => `${e.method} ${e.path}`
  const current = list.find((e) => key(e) === selected) ?? list[0]
  if (error && !data) return <ErrorLine error={error} />
  if (!data) return <p className="muted pad">Loading…</p>
  if (list.length === 0)
    return (
      <Empty title="No http steps">
        Add one with <code>motia generate step -n Hello -t http --method POST --path /hello</code>, then try it here.
      </Empty>
    )
  return (
    <div className="split">
      <ul className="list" aria-label="Endpoints">
        {list.map((e) => (
          <li key={key(e)}>
            <a href={`#/endpoints/${encodeURIComponent(key(e))}`} aria-current={e === current ? 'true' : undefined}>
              <span className={`method m-${e.method.toLowerCase()}`}>{e.method}</span> {e.path}
              <small className="muted"> {e.step}</small>
            </a>
          </li>
        ))}
      </ul>
      {current && <RequestForm key={key(current)} endpoint={current} />}
    </div>
  )
}

interface Answer {
  status: number
  statusText: string
  headers: Array<[string, string]>
  body: string
  ms: number
  traceId?: string
  streaming: boolean
}

function RequestForm({ endpoint }: { endpoint: Endpoint }) {
  const params = useMemo(() => [...endpoint.path.matchAll(/:(\w+)/g)].map((m) => m[1]!), [endpoint.path])
  const hasBody = !['GET', 'HEAD', 'DELETE'].includes(endpoint.method) || !!endpoint.bodySchema
  const [values, setValues] = useState<Record<string, string>>({})
  const [query, setQuery] = useState(endpoint.query.map((q) => `${q.name}=`).join('\n'))
  const [headers, setHeaders] = useState('')
  const [body, setBody] = useState(() => (endpoint.bodySchema ? JSON.stringify(sampleOf(endpoint.bodySchema), null, 2) : hasBody ? '{}' : ''))
  const [answer, setAnswer] = useState<Answer>()
  const [failure, setFailure] = useState<string>()
  const [sending, setSending] = useState(false)

  const problems = useMemo(() => {
    if (!hasBody || body.trim() === '') return []
    let parsed: unknown
    try {
      parsed = JSON.parse(body)
    } catch (error) {
      return [`not valid JSON: ${(error as Error).message}`]
    }
    return endpoint.bodySchema ? validate(endpoint.bodySchema, parsed) : []
  }, [body, endpoint.bodySchema, hasBody])

  useEffect(() => setAnswer(undefined), [endpoint])

  const submit = async () => {
    setSending(true)
    setFailure(undefined)
    const path = endpoint.path.replace(/:(\w+)/g, (_m, name: string) => encodeURIComponent(values[name] ?? ''))
    const search = new URLSearchParams(
      query
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.endsWith('='))
        .map((l) => [l.slice(0, l.indexOf('=') < 0 ? l.length : l.indexOf('=')), l.includes('=') ? l.slice(l.indexOf('=') + 1) : ''] as [string, string]),
    ).toString()
    const sent = new Headers()
    for (const line of headers.split('\n')) {
      const at = line.indexOf(':')
      if (at > 0) sent.set(line.slice(0, at).trim(), line.slice(at + 1).trim())
    }
    if (hasBody && body.trim() && !sent.has('content-type')) sent.set('content-type', 'application/json')
    const started = performance.now()
    try {
      const res = await fetch(path + (search ? `?${search}` : ''), { method: endpoint.method, headers: sent, body: hasBody && body.trim() ? body : undefined })
      const base = {
        status: res.status,
        statusText: res.statusText,
        headers: [...(res.headers as unknown as Iterable<[string, string]>)],
        traceId: res.headers.get('x-trace-id') ?? undefined,
      }
      if ((res.headers.get('content-type') ?? '').includes('text/event-stream') && res.body) {
        // Shown as the events arrive.
        let text = ''
        setAnswer({ ...base, body: '', ms: performance.now() - started, streaming: true })
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
        for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
          text += chunk.value
          setAnswer({ ...base, body: text, ms: performance.now() - started, streaming: true })
        }
        setAnswer({ ...base, body: text, ms: performance.now() - started, streaming: false })
      } else {
        const text = await res.text()
        setAnswer({ ...base, body: text, ms: performance.now() - started, streaming: false })
      }
    } catch (error) {
      setFailure(`the request failed: ${(error as Error).message}`)
    } finally {
      setSending(false)
    }
  }

  return (
    <section className="detail" aria-label={`${endpoint.method} ${endpoint.path}`}>
      <h2>
        <span className={`method m-${endpoint.method.toLowerCase()}`}>{endpoint.method}</span> {endpoint.path}
      </h2>
      <p className="muted">
        {endpoint.step} · <code>{endpoint.file}</code>
      </p>
      {endpoint.description && <p>{endpoint.description}</p>}
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault()
          void submit()
        }}
      >
        {params.map((name) => (
          <label key={name}>
            :{name}
            <input value={values[name] ?? ''} onChange={(e) => setValues({ ...values, [name]: e.target.value })} required />
          </label>
        ))}
        <label>
          Query <small className="muted">one name=value a line</small>
          <textarea rows={2} value={query} onChange={(e) => setQuery(e.target.value)} spellCheck={false} />
        </label>
        <label>
          Headers <small className="muted">one Name: value a line</small>
          <textarea rows={2} value={headers} onChange={(e) => setHeaders(e.target.value)} spellCheck={false} placeholder="authorization: Bearer …" />
        </label>
        {hasBody && (
          <label>
            Body <small className="muted">JSON{endpoint.bodySchema ? ', checked against bodySchema' : ''}</small>
            <textarea rows={8} className="code" value={body} onChange={(e) => setBody(e.target.value)} spellCheck={false} data-testid="body-editor" aria-invalid={problems.length > 0} />
          </label>
        )}
        {problems.length > 0 && (
          <ul className="problems" role="alert">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        )}
        <div className="row">
          <button type="submit" disabled={sending}>
            {sending ? 'Sending…' : 'Send'}
          </button>
          {problems.length > 0 && <small className="muted">the server will likely answer 400; send anyway to see it</small>}
        </div>
      </form>
      <ErrorLine error={failure} />
      {answer && (
        <div className="answer" data-testid="response">
          <p>
            <strong className={answer.status < 400 ? 'ok-text' : 'err'}>
              {answer.status} {answer.statusText}
            </strong>{' '}
            · {duration(answer.ms)} {answer.streaming && <span className="muted">streaming…</span>}
            {answer.traceId && (
              <>
                {' '}
                · <a href={`#/traces/${answer.traceId}`}>open its trace</a>
              </>
            )}
          </p>
          <details>
            <summary>Headers ({answer.headers.length})</summary>
            <Json value={Object.fromEntries(answer.headers)} />
          </details>
          <Issues body={answer.body} />
          <pre className="json">{formatBody(answer.body)}</pre>
        </div>
      )}
    </section>
  )
}

/** Every issue of a refused request (`{ error, issues: [{ path, message }] }`), one a line with its path. */
function Issues({ body }: { body: string }) {
  const issues = useMemo(() => issuesOf(body), [body])
  if (!issues.length) return null
  return (
    <ul className="problems" data-testid="response-issues" aria-label={`${issues.length} issue(s) the server found`}>
      {issues.map((issue, i) => (
        <li key={i}>
          <code>{issue.path}</code>: {issue.message}
        </li>
      ))}
    </ul>
  )
}

function issuesOf(text: string): Array<{ path: string; message: string }> {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return []
  }
  const { issues, error } = (parsed ?? {}) as { issues?: unknown; error?: unknown }
  if (!Array.isArray(issues)) return []
  const root = /query/i.test(String(error)) ? 'query' : 'body'
  return issues.map((issue: { path?: unknown; message?: unknown }) => ({
    path: [root, ...(Array.isArray(issue.path) ? issue.path.map((p) => (typeof p === 'object' && p !== null && 'key' in p ? String(p.key) : String(p))) : [])].join('.'),
    message: String(issue.message ?? 'is invalid'),
  }))
}

function formatBody(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2)
  } catch {
    return text
  }
}
