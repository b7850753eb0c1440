import type { Handlers, StepConfig } from 'motia'
import { z } from 'zod'
import { lists } from '../../lists.ts'

// PATCH /todos/:id — marks a todo done (or not).
export const config = {
  name: 'ToggleTodo',
  flows: ['todos'],
  triggers: [{ type: 'http', bodySchema: z.object({ done: z.boolean(), list: z.enum(lists).default('inbox') }) }],
} as const satisfies StepConfig

export const handler: Handlers<typeof config> = async (req, { streams }) => {
  if (!(await streams.todo!.get(req.body.list, req.params.id!))) return { status: 404, body: { error: 'no such todo' } }
  const { new_value } = await streams.todo!.update(req.body.list, req.params.id!, [{ type: 'set', path: 'done', value: req.body.done }])
  return { status: 200, body: new_value }
}
