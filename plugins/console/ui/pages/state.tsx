/** State: groups, their keys, and one value to view, edit (JSON, checked before saving) or delete. */
import { useEffect, useState } from 'react'
import { send } from '../api.ts'
import { Empty, ErrorLine } from '../format.tsx'
import { useApi } from '../hooks.ts'

export function StatePage({ group, item }: { group?: string; item?: string }) {
  const groups = useApi<{ groups: Array<{ name: string; count: number }> }>('/state')
  const keys = useApi<{ items: Array<{ key: string; value: unknown }> }>(group ? `/state/${encodeURIComponent(group)}` : undefined)
  const [adding, setAdding] = useState('')
  const refresh = () => {
    groups.reload()
    keys.reload()
  }
  if (groups.error && !groups.data) return <ErrorLine error={groups.error} />
  if (groups.data && groups.data.groups.length === 0 && !group)
    return (
      <Empty title="The state is empty">
        Steps write it with <code>ctx.state.set(group, key, value)</code>; you can also run <code>motia state set settings theme '"dark"'</code>.
      </Empty>
    )
  const value = keys.data?.items.find((i) => i.key === item)
  return (
    <div className="columns">
      <ul className="list" aria-label="State groups">
        {groups.data?.groups.map((g) => (
          <li key={g.name}>
            <a href={`#/state/${encodeURIComponent(g.name)}`} aria-current={g.name === group ? 'true' : undefined}>
              {g.name} <small className="muted">{g.count}</small>
            </a>
          </li>
        ))}
      </ul>
      {group ? (
        <ul className="list" aria-label={`Keys of ${group}`}>
          {keys.data?.items.map((i) => (
            <li key={i.key}>
              <a href={`#/state/${encodeURIComponent(group)}/${encodeURIComponent(i.key)}`} aria-current={i.key === item ? 'true' : undefined}>
                {i.key}
              </a>
            </li>
          ))}
          <li>
            <form
              className="row"
              onSubmit={(e) => {
                e.preventDefault()
                if (adding.trim()) location.hash = `#/state/${encodeURIComponent(group)}/${encodeURIComponent(adding.trim())}`
                setAdding('')
              }}
            >
              <input aria-label="New key" placeholder="new key" value={adding} onChange={(e) => setAdding(e.target.value)} />
            </form>
          </li>
        </ul>
      ) : (
        <p className="muted pad">Choose a group.</p>
      )}
      {group && item ? <Editor key={`${group}/${item}`} group={group} item={item} value={value?.value} exists={!!value} onChange={refresh} /> : group ? <p className="muted pad">Choose a key, or type a new one.</p> : null}
    </div>
  )
}

function Editor({ group, item, value, exists, onChange }: { group: string; item: string; value: unknown; exists: boolean; onChange: () => void }) {
  const [text, setText] = useState(() => (exists ? JSON.stringify(value, null, 2) : ''))
  const [message, setMessage] = useState<string>()
  const [error, setError] = useState<string>()
  const [confirming, setConfirming] = useState(false)
  useEffect(() => {
    if (exists) setText(JSON.stringify(value, null, 2))
  }, [exists, value])
  let invalid: string | undefined
  try {
    JSON.parse(text)
  } catch (e) {
    invalid = text.trim() ? `not valid JSON: ${(e as Error).message}` : 'type a JSON value, e.g. {"name":"Ada"}, "text" or 42'
  }
  const path = `/state/${encodeURIComponent(group)}/${encodeURIComponent(item)}`
  const save = async () => {
    setError(undefined)
    try {
      await send(path, 'PUT', JSON.parse(text))
      setMessage('saved')
      onChange()
    } catch (e) {
      setError((e as Error).message)
    }
  }
  const remove = async () => {
    setError(undefined)
    try {
      await send(path, 'DELETE')
      location.hash = `#/state/${encodeURIComponent(group)}`
      onChange()
    } catch (e) {
      setError((e as Error).message)
    }
  }
  return (
    <section className="detail" aria-label={`${group} / ${item}`}>
      <h2>
        {group} / {item} {!exists && <small className="muted">new</small>}
      </h2>
      <textarea
        className="code"
        rows={14}
        value={text}
        onChange={(e) => {
          setText(e.target.value)
          setMessage(undefined)
        }}
        spellCheck={false}
        aria-label="Value (JSON)"
        aria-invalid={!!invalid}
        data-testid="state-editor"
      />
      {invalid && <p className="err small">{invalid}</p>}
      <div className="row">
        <button onClick={() => void save()} disabled={!!invalid}>
          Save
        </button>
        {exists &&
          (confirming ? (
            <>
              <button className="danger" onClick={() => void remove()}>
                Delete {item} for good
              </button>
              <button className="ghost" onClick={() => setConfirming(false)}>
                Keep it
              </button>
            </>
          ) : (
            <button className="ghost" onClick={() => setConfirming(true)}>
              Delete…
            </button>
          ))}
        {message && <span className="ok-text" role="status">{message}</span>}
      </div>
      <ErrorLine error={error} />
      <p className="muted small">Writes from here go straight to the store: state triggers do not fire for them.</p>
    </section>
  )
}
