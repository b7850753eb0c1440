import { z } from 'zod'

// Runs in the background for every message on the "order-placed" topic
export const config = /** @type {const} */ ({
  name: 'RecordOrder',
  flows: ['orders'],
  triggers: [
    {
      type: 'queue',
      input: z.object({ id: z.string(), item: z.string(), quantity: z.number() }),
      config: { maxRetries: 3, backoff: { type: 'exponential', delayMs: 500 } },
    },
  ],
})

/** @type {import('motia').Handlers<typeof config>} */
export const handler = async (order, { state, logger }) => {
  await state.set('orders', order.id, { ...order, status: 'recorded', recordedAt: new Date().toISOString() })
  await state.update('stats', 'orders', [{ type: 'increment', path: 'count', by: 1 }])
  logger.info('order recorded', { id: order.id })
}
