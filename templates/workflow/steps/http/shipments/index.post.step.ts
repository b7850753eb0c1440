import type { Handlers, StepConfig } from 'motia'
import { z } from 'zod'

// POST /shipments — the warehouse confirms a shipment; the order waiting for it resumes.
export const config = {
  name: 'ConfirmShipment',
  description: 'Confirms that an order left the warehouse',
  flows: ['orders'],
  triggers: [{ type: 'http', bodySchema: z.object({ orderId: z.string(), carrier: z.string() }) }],
  enqueues: ['shipment.confirmed'],
} as const satisfies StepConfig

export const handler: Handlers<typeof config> = async (req, { enqueue }) => {
  await enqueue({ topic: 'shipment.confirmed', data: req.body })
  return { status: 202, body: { confirmed: req.body.orderId } }
}
