// The page's script, served as it is from public/ (no bundling step). The stream client comes
// from the server itself: /__motia/client.js is motia/client as one ES module.
import { Stream } from '/__motia/client.js'

const { lists } = await (await fetch('/lists')).json()
const asked = new URLSearchParams(location.search).get('list')
const list = lists.includes(asked) ? asked : 'inbox'
document.querySelector('#lists').replaceChildren(
  ...lists.map((name) => {
    const link = document.createElement('a')
    link.href = `?list=${name}`
    link.textContent = name === list ? `[${name}]` : name
    return link
  }),
)
const stream = new Stream(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/`)
const todos = stream.subscribeGroup('todo', list, 'createdAt')
const presence = stream.subscribeItem('presence', 'lists', list)

const ul = document.querySelector('#todos')
todos.addChangeListener((items) => ul.replaceChildren(...items.map(render)))
presence.addChangeListener((value) => {
  const viewers = value?.viewers ?? 0
  document.querySelector('#viewers').textContent = `${viewers} viewer${viewers === 1 ? '' : 's'} on "${list}"`
})

document.querySelector('#add').addEventListener('submit', async (event) => {
  event.preventDefault()
  const input = document.querySelector('#text')
  if (!input.value.trim()) return
  await fetch('/todos', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: input.value, list }) })
  input.value = ''
})

/** One todo as a list item: a checkbox, its text, a delete button. */
function render(todo) {
  const li = document.createElement('li')
  li.className = todo.done ? 'done' : ''
  li.dataset.id = todo.id
  const box = document.createElement('input')
  box.type = 'checkbox'
  box.checked = todo.done
  box.onchange = () => fetch(`/todos/${todo.id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ done: box.checked, list }) })
  const text = document.createElement('span')
  text.textContent = ` ${todo.text} `
  const remove = document.createElement('button')
  remove.textContent = '×'
  remove.onclick = () => fetch(`/todos/${todo.id}?list=${encodeURIComponent(list)}`, { method: 'DELETE' })
  li.append(box, text, remove)
  return li
}
