import type { Handlers, StepConfig } from 'motia'

// DELETE /todos/:id?list=inbox — removes a todo.
export const config = { name: 'DeleteTodo', flows: ['todos'], triggers: [{ type: 'http' }] } as const satisfies StepConfig

export const handler: Handlers<typeof config> = async (req, { streams }) => {
  const list = typeof req.query.list === 'string' ? req.query.list : 'inbox'
  const removed = await streams.todo!.delete(list, req.params.id!)
  return removed ? { status: 200, body: removed } : { status: 404, body: { error: 'no such todo' } }
}
