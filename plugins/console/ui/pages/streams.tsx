/**
 * Streams: every stream with its groups, and a group's items, live. Changes come through the live
 * feed (`events=stream`): an item of the open group changes in place at once, and the lists are
 * read again (at most twice a second) so counts and new groups follow.
 */
import { useEffect, useState } from 'react'
import { api, type StreamChange, type StreamItem, type StreamSummary } from '../api.ts'
import { clock, Empty, ErrorLine, Json } from '../format.tsx'
import { useApi, useLive, useThrottled } from '../hooks.ts'

export function StreamsPage({ stream, group }: { stream?: string; group?: string }) {
  const listing = useApi<{ streams: StreamSummary[] }>('/streams')
  const open = stream && group ? { stream, group } : undefined
  const { items, error, apply, reload } = useGroupItems(open)
  const [events, setEvents] = useState<Array<{ at: number; id?: string; type: string; data: unknown }>>([])
  const [changed, setChanged] = useState<string>()
  const refresh = useThrottled(() => {
    listing.reload()
    reload()
  }, 500)

  useEffect(() => setEvents([]), [stream, group])
  const connected = useLive('stream', ({ event, data }) => {
    if (event !== 'stream') return
    if (data.streamName === stream && data.groupId === group) {
      if (data.event.type === 'event') {
        const custom = data.event.event
        setEvents((list) => [{ at: data.timestamp, id: data.id, type: custom.type, data: custom.data }, ...list].slice(0, 20))
        return
      }
      apply(data)
      setChanged(data.id)
    }
    refresh()
  })

  if (listing.error && !listing.data) return <ErrorLine error={listing.error} />
  if (listing.data && listing.data.streams.length === 0)
    return (
      <Empty title="This project defines no stream">
        A stream is a <code>*.stream.ts</code> file under <code>steps/</code> exporting <code>config = {'{ name, schema }'}</code>; steps write it with <code>ctx.streams.&lt;name&gt;.set(groupId, id, data)</code> and clients follow it live.
      </Empty>
    )
  return (
    <div className="split">
      <nav className="list" aria-label="Streams and groups">
        {listing.data?.streams.map((s) => (
          <section key={s.name} data-testid="stream" data-stream={s.name}>
            <h3 className="small">{s.name}</h3>
            {s.groups.length === 0 && <p className="muted small">no items yet</p>}
            <ul className="list flat">
              {s.groups.map((g) => (
                <li key={g.id}>
                  <a href={`#/streams/${encodeURIComponent(s.name)}/${encodeURIComponent(g.id)}`} aria-current={s.name === stream && g.id === group ? 'true' : undefined}>
                    {g.id} <small className="muted">{g.count}</small>
                  </a>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </nav>
      <section className="detail" aria-label={open ? `${stream} / ${group}` : 'Stream group'}>
        <div className="toolbar">
          <h2>{open ? `${stream} / ${group}` : 'Streams'}</h2>
          <span className={`dot ${connected ? 'ok' : 'error'}`} title={connected ? 'live' : 'reconnecting'} aria-label={connected ? 'live' : 'reconnecting'} />
        </div>
        <ErrorLine error={error} />
        {!open ? (
          <p className="muted">Choose a group: its items are shown here and follow every change as it is made.</p>
        ) : items && items.length === 0 ? (
          <Empty title="This group is empty">
            Items appear here as steps write them with <code>ctx.streams.{stream}.set('{group}', id, data)</code>.
          </Empty>
        ) : (
          items?.map((item) => (
            <article key={item.id} className="card" data-testid="stream-item" data-id={item.id} data-changed={item.id === changed ? 'yes' : undefined}>
              <strong>{item.id}</strong>
              <Json value={item} />
            </article>
          ))
        )}
        {events.length > 0 && (
          <>
            <h3 className="small">Events (not stored)</h3>
            {events.map((e, i) => (
              <div key={`${e.at}-${i}`} className="small" data-testid="stream-event">
                <span className="muted">{clock(e.at)}</span> {e.type} {e.id && <span className="muted">→ {e.id}</span>} <code>{JSON.stringify(e.data)}</code>
              </div>
            ))}
          </>
        )}
      </section>
    </div>
  )
}

// --- internal ---

/** The open group's items: read when it opens, changed in place by `apply`, read again by `reload`. */
function useGroupItems(open: { stream: string; group: string } | undefined) {
  const path = open ? `/streams/${encodeURIComponent(open.stream)}/${encodeURIComponent(open.group)}` : undefined
  const [items, setItems] = useState<StreamItem[]>()
  const [error, setError] = useState<string>()
  const [tick, setTick] = useState(0)
  useEffect(() => {
    if (!path) return setItems(undefined)
    let current = true
    api<{ items: StreamItem[] }>(path).then(
      (body) => current && (setItems(body.items), setError(undefined)),
      (e: Error) => current && setError(e.message),
    )
    return () => {
      current = false
    }
  }, [path, tick])
  const apply = (change: StreamChange) => {
    if (change.event.type === 'event') return
    const { type, data } = change.event
    setItems((list = []) => {
      if (type === 'delete') return list.filter((item) => item.id !== data.id)
      const at = list.findIndex((item) => item.id === data.id)
      return at < 0 ? [...list, data] : list.map((item) => (item.id === data.id ? data : item))
    })
  }
  return { items, error, apply, reload: () => setTick((t) => t + 1) }
}
