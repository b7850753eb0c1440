import { z } from 'zod'

// POST /orders
export const config = /** @type {const} */ ({
  name: 'PlaceOrder',
  description: 'Accepts an order and hands it to the background',
  flows: ['orders'],
  triggers: [{ type: 'http', bodySchema: z.object({ item: z.string().min(1), quantity: z.number().int().positive() }) }],
  enqueues: ['order-placed'],
})

/** @type {import('motia').Handlers<typeof config>} */
export const handler = async (req, { enqueue, logger }) => {
  const id = crypto.randomUUID()
  await enqueue({ topic: 'order-placed', data: { id, ...req.body } })
  logger.info('order accepted', { id })
  return { status: 202, body: { id } }
}
