import type { Handlers, StepConfig } from 'motia'
import { isList, lists } from '../../lists.ts'

// DELETE /todos/:id?list=inbox — removes a todo.
export const config = { name: 'DeleteTodo', flows: ['todos'], triggers: [{ type: 'http' }] } as const satisfies StepConfig

export const handler: Handlers<typeof config> = async (req, { streams }) => {
  const list = req.query.list ?? 'inbox'
  if (!isList(list)) return { status: 400, body: { error: `no list named ${JSON.stringify(list)}; lists: ${lists.join(', ')}` } }
  const removed = await streams.todo!.delete(list, req.params.id!)
  return removed ? { status: 200, body: removed } : { status: 404, body: { error: 'no such todo' } }
}
