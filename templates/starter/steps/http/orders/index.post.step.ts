import type { Handlers, StepConfig } from 'motia'
import { z } from 'zod'

const order = z.object({
  item: z.string().min(1),
  quantity: z.number().int().positive(),
})

// POST /orders
export const config = {
  name: 'PlaceOrder',
  description: 'Accepts an order and hands it to the background',
  flows: ['orders'],
  triggers: [{ type: 'http', bodySchema: order }],
  enqueues: ['order-placed'],
} as const satisfies StepConfig

export const handler: Handlers<typeof config> = async (req, { enqueue, logger }) => {
  const id = crypto.randomUUID()
  await enqueue({ topic: 'order-placed', data: { id, ...req.body } })
  logger.info('order accepted', { id })
  return { status: 202, body: { id } }
}
