// The page's script, in TypeScript and JSX: the server bundles it for the browser on request
// (`motia build` ahead of time), React and `motia/react` included, so there is no bundling step
// of yours and nothing comes from a CDN. The hooks are typed from types.d.ts (written by
// `motia dev`): `todo.text` is a string, and a misspelled stream name is a tsc error.
import { useEffect, useState, type FormEvent } from 'react'
import { createRoot } from 'react-dom/client'
import { MotiaStreamProvider, useStreamGroup, useStreamItem } from 'motia/react'

function App() {
  const [lists, setLists] = useState<string[]>([])
  useEffect(() => {
    fetch('/lists').then(async (response) => setLists(((await response.json()) as { lists: string[] }).lists))
  }, [])
  if (lists.length === 0) return <p id="viewers">connecting…</p>
  const asked = new URLSearchParams(location.search).get('list')
  const list = asked && lists.includes(asked) ? asked : 'inbox'
  return (
    <>
      <nav id="lists">
        {lists.map((name) => (
          <a key={name} href={`?list=${name}`}>
            {name === list ? `[${name}]` : name}
          </a>
        ))}
      </nav>
      <Viewers list={list} />
      <AddTodo list={list} />
      <Todos list={list} />
    </>
  )
}

/** How many pages watch this list: one item of the `presence` stream, kept by the todo stream's onJoin/onLeave. */
function Viewers({ list }: { list: string }) {
  const { data, event } = useStreamItem({ streamName: 'presence', groupId: 'lists', id: list })
  const viewers = data?.viewers ?? 0
  return <p id="viewers">{event ? `${viewers} viewer${viewers === 1 ? '' : 's'} on "${list}"` : 'connecting…'}</p>
}

/** The list's todos, live: every create, update and delete in the group re-renders it. */
function Todos({ list }: { list: string }) {
  const { data: todos } = useStreamGroup({ streamName: 'todo', groupId: list, sortKey: 'createdAt' })
  const send = (method: string, path: string, body?: unknown) =>
    fetch(path, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
  return (
    <ul id="todos">
      {todos.map((todo) => (
        <li key={todo.id} data-id={todo.id} className={todo.done ? 'done' : ''}>
          <input type="checkbox" checked={todo.done} onChange={(e) => send('PATCH', `/todos/${todo.id}`, { done: e.target.checked, list })} />
          <span> {todo.text} </span>
          <button onClick={() => send('DELETE', `/todos/${todo.id}?list=${encodeURIComponent(list)}`)}>×</button>
        </li>
      ))}
    </ul>
  )
}

function AddTodo({ list }: { list: string }) {
  const [text, setText] = useState('')
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (!text.trim()) return
    await fetch('/todos', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text, list }) })
    setText('')
  }
  return (
    <form id="add" onSubmit={submit}>
      <input id="text" placeholder="What needs doing?" autoComplete="off" value={text} onChange={(e) => setText(e.target.value)} /> <button>Add</button>
    </form>
  )
}

// One connection for the page, to the server that served it.
createRoot(document.querySelector('#root')!).render(
  <MotiaStreamProvider>
    <App />
  </MotiaStreamProvider>,
)
