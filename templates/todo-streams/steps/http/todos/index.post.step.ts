import type { Handlers, StepConfig } from 'motia'
import { z } from 'zod'
import { lists } from '../../lists.ts'

// POST /todos — adds a todo to a list; every page subscribed to the list shows it at once.
export const config = {
  name: 'AddTodo',
  flows: ['todos'],
  triggers: [{ type: 'http', bodySchema: z.object({ text: z.string().min(1), list: z.enum(lists).default('inbox') }) }],
} as const satisfies StepConfig

export const handler: Handlers<typeof config> = async (req, { streams }) => {
  const id = crypto.randomUUID()
  const { new_value } = await streams.todo!.set(req.body.list, id, { text: req.body.text, done: false, createdAt: new Date().toISOString() })
  return { status: 201, body: new_value }
}
