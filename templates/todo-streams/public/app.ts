/// <reference lib="dom" />
import { Stream } from 'motia/client'
import { isList, lists, type List } from '../steps/lists.ts'

type Todo = { id: string; text: string; done: boolean; createdAt: string }

const asked = new URLSearchParams(location.search).get('list')
const list: List = isList(asked) ? asked : 'inbox'
document.querySelector('#lists')!.replaceChildren(
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

const ul = document.querySelector<HTMLUListElement>('#todos')!
todos.addChangeListener((items) => {
  ul.replaceChildren(...(items as unknown as Todo[]).map(render))
})
presence.addChangeListener((value) => {
  const viewers = (value as { viewers?: number } | null)?.viewers ?? 0
  document.querySelector('#viewers')!.textContent = `${viewers} viewer${viewers === 1 ? '' : 's'} on "${list}"`
})

document.querySelector('#add')!.addEventListener('submit', async (event) => {
  event.preventDefault()
  const input = document.querySelector<HTMLInputElement>('#text')!
  if (!input.value.trim()) return
  await fetch('/todos', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: input.value, list }) })
  input.value = ''
})

function render(todo: Todo): HTMLLIElement {
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
