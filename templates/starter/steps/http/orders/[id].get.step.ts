import type { Handlers, StepConfig } from 'motia'

// GET /orders/:id — reads what the queue step stored
export const config = {
  name: 'GetOrder',
  flows: ['orders'],
  triggers: [{ type: 'http' }],
} as const satisfies StepConfig

export const handler: Handlers<typeof config> = async (req, { state }) => {
  const order = await state.get('orders', req.params.id!)
  if (!order) return { status: 404, body: { error: `order ${req.params.id} not found` } }
  return { status: 200, body: order }
}
