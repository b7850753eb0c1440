// GET /orders/:id — reads what the queue step stored
export const config = /** @type {const} */ ({
  name: 'GetOrder',
  flows: ['orders'],
  triggers: [{ type: 'http' }],
})

/** @type {import('motia').Handlers<typeof config>} */
export const handler = async (req, { state }) => {
  const order = await state.get('orders', req.params.id)
  if (!order) return { status: 404, body: { error: `order ${req.params.id} not found` } }
  return { status: 200, body: order }
}
