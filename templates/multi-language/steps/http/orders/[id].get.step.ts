import type { Handlers, StepConfig } from 'motia'

// GET /orders/:id — the order as the three steps left it
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
