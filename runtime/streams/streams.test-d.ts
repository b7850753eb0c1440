// Type tests for streams, checked by `tsc --noEmit` (never run).
import type { StreamHandle } from './types.ts'
import { Stream } from './client.ts'

type Todo = { text: string; done: boolean }
declare const todo: StreamHandle<Todo>

export async function handles() {
  const written = await todo.set('g', 'a', { text: 'x', done: false })
  const text: string = written.new_value.text
  const id: string = written.new_value.id
  const old: Todo | null = written.old_value
  // @ts-expect-error: data must match the item type
  await todo.set('g', 'a', { text: 1 })
  const items: Array<Todo & { id: string }> = await todo.getGroup('g')
  await todo.update('g', 'a', [{ type: 'increment', path: 'n' }])
  await todo.send({ groupId: 'g' }, { type: 'typing', data: { who: 'ann' } })
  return [text, id, old, items]
}

export function client() {
  const stream = new Stream<{ todo: Todo }>('ws://localhost:3111', { token: 't' })
  const group = stream.subscribeGroup('todo', 'g', 'text')
  group.addChangeListener((items) => items.map((item) => item.text + item.id))
  // @ts-expect-error: only the project's streams
  stream.subscribeGroup('nope', 'g')
  const item = stream.subscribeItem('todo', 'g', 'a')
  const done: boolean | undefined = item.getState()?.done
  return done
}
