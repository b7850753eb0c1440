/** The console's shell: navigation, theme, the token form, and the page of the current hash. */
import { StrictMode, useEffect, useState, type ReactNode } from 'react'
import { createRoot } from 'react-dom/client'
import { api, AuthError, setToken } from './api.ts'
import { useHash } from './hooks.ts'
import { ProblemsBanner } from './problems.tsx'
import { EndpointsPage } from './pages/endpoints.tsx'
import { FlowsPage } from './pages/flows.tsx'
import { LogsPage } from './pages/logs.tsx'
import { QueuesPage } from './pages/queues.tsx'
import { StatePage } from './pages/state.tsx'
import { StreamsPage } from './pages/streams.tsx'
import { TracesPage } from './pages/traces.tsx'
import './styles.css'

const pages: Array<{ id: string; label: string; render: (rest: string[]) => ReactNode }> = [
  { id: 'flows', label: 'Flows', render: () => <FlowsPage /> },
  { id: 'endpoints', label: 'Endpoints', render: (rest) => <EndpointsPage selected={rest[0]} /> },
  { id: 'traces', label: 'Traces', render: (rest) => <TracesPage selected={rest[0]} /> },
  { id: 'logs', label: 'Logs', render: () => <LogsPage /> },
  { id: 'state', label: 'State', render: (rest) => <StatePage group={rest[0]} item={rest[1]} /> },
  { id: 'queues', label: 'Queues', render: () => <QueuesPage /> },
  { id: 'streams', label: 'Streams', render: (rest) => <StreamsPage stream={rest[0]} group={rest[1]} /> },
]

function App() {
  const [hash] = useHash()
  const [id = 'flows', ...rest] = hash.split('/').filter(Boolean).map(decodeURIComponent)
  const page = pages.find((p) => p.id === id) ?? pages[0]!
  const [theme, setTheme] = useState(() => localStorage.getItem('motia-console-theme') ?? (matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark'))
  const [auth, setAuth] = useState<'checking' | 'ok' | 'needed'>('checking')

  useEffect(() => {
    document.documentElement.dataset.theme = theme
    localStorage.setItem('motia-console-theme', theme)
  }, [theme])

  useEffect(() => {
    if (auth !== 'checking') return
    api('').then(
      () => setAuth('ok'),
      (error) => setAuth(error instanceof AuthError ? 'needed' : 'ok'),
    )
  }, [auth])

  useEffect(() => {
    // Digits switch pages, `t` the theme, `/` focuses the page's filter: not while typing.
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement
      if (event.ctrlKey || event.metaKey || event.altKey || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) || target.isContentEditable) return
      const n = Number(event.key)
      if (n >= 1 && n <= pages.length) location.hash = `#/${pages[n - 1]!.id}`
      else if (event.key === 't') setTheme((t) => (t === 'dark' ? 'light' : 'dark'))
      else if (event.key === '/') {
        const filter = document.querySelector<HTMLElement>('[data-filter]')
        if (filter) {
          event.preventDefault()
          filter.focus()
        }
      }
    }
    addEventListener('keydown', onKey)
    return () => removeEventListener('keydown', onKey)
  }, [])

  return (
    <div className="shell">
      <header className="top">
        <a className="brand" href="#/flows">
          motia <span>console</span>
        </a>
        <nav aria-label="Pages">
          {pages.map((p, i) => (
            <a key={p.id} href={`#/${p.id}`} aria-current={p === page ? 'page' : undefined} title={`${p.label} (${i + 1})`}>
              {p.label}
            </a>
          ))}
        </nav>
        <button className="ghost" onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')} title="Switch theme (t)" aria-label="Switch theme">
          {theme === 'dark' ? '☀' : '☾'}
        </button>
      </header>
      {auth === 'ok' && <ProblemsBanner />}
      <main id="main">{auth === 'needed' ? <Login onDone={() => setAuth('checking')} /> : auth === 'ok' ? page.render(rest) : <p className="muted pad">Connecting…</p>}</main>
    </div>
  )
}

function Login({ onDone }: { onDone: () => void }) {
  const [value, setValue] = useState('')
  return (
    <form
      className="login card"
      onSubmit={(event) => {
        event.preventDefault()
        setToken(value.trim())
        onDone()
      }}
    >
      <h1>Control token</h1>
      <p className="muted">
        This server asks for its control token. It is in <code>.motia/server.lock</code> in the project folder (the <code>token</code> field); it is kept in this browser.
      </p>
      <label>
        Token
        <input autoFocus type="password" value={value} onChange={(e) => setValue(e.target.value)} autoComplete="off" />
      </label>
      <button type="submit" disabled={!value.trim()}>
        Open the console
      </button>
    </form>
  )
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
