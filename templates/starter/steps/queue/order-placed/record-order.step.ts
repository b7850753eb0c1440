import type { Handlers, StepConfig } from 'motia'
import { z } from 'zod'

// Runs in the background for every message on the "order-placed" topic
export const config = {
  name: 'RecordOrder',
  flows: ['orders'],
  triggers: [
    {
      type: 'queue',
      input: z.object({ id: z.string(), item: z.string(), quantity: z.number() }),
      config: { maxRetries: 3, backoff: { type: 'exponential', delayMs: 500 } },
    },
  ],
} as const satisfies StepConfig

export const handler: Handlers<typeof config> = async (order, { state, logger }) => {
  await state.set('orders', order.id, { ...order, status: 'recorded', recordedAt: new Date().toISOString() })
  await state.update('stats', 'orders', [{ type: 'increment', path: 'count', by: 1 }])
  logger.info('order recorded', { id: order.id })
}
