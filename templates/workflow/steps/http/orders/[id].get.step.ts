import type { Handlers, StepConfig } from 'motia'

// GET /orders/:id — the order as the saga last wrote it (the id is the run id POST /orders gave).
export const config = {
  name: 'GetOrder',
  description: "Reads an order's status",
  flows: ['orders'],
  triggers: [{ type: 'http' }],
} as const satisfies StepConfig

export const handler: Handlers<typeof config> = async (req, { state }) => {
  const order = await state.get('orders', req.params.id!)
  return order ? { status: 200, body: order } : { status: 404, body: { error: `no order ${req.params.id}` } }
}
