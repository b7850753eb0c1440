import type { Handlers, StepConfig } from 'motia'
import { z } from 'zod'

// POST /orders — TypeScript takes the order and hands it to the Python scoring step
export const config = {
  name: 'PlaceOrder',
  description: 'Accepts an order; a Python step scores it',
  flows: ['orders'],
  triggers: [{ type: 'http', bodySchema: z.object({ item: z.string().min(1), amount: z.number().positive() }) }],
  enqueues: ['order-placed'],
} as const satisfies StepConfig

export const handler: Handlers<typeof config> = async (req, { enqueue, state, logger, traceId }) => {
  const id = crypto.randomUUID()
  await state.set('orders', id, { id, ...req.body, status: 'placed', traces: [traceId] })
  await enqueue({ topic: 'order-placed', data: { id, ...req.body } })
  logger.info('order placed', { id })
  return { status: 202, body: { id } }
}
