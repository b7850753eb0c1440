import type { Handlers, StepConfig } from 'motia'
import { z } from 'zod'

// Back in TypeScript: the Python step's message is checked against this schema
export const config = {
  name: 'NotifyOrder',
  flows: ['orders'],
  triggers: [{ type: 'queue', input: z.object({ id: z.string(), risk: z.enum(['low', 'high']) }) }],
} as const satisfies StepConfig

export const handler: Handlers<typeof config> = async (scored, { state, logger, traceId }) => {
  const order = await state.get<{ traces: string[] }>('orders', scored.id)
  await state.set('orders', scored.id, { ...order, status: scored.risk === 'high' ? 'held for review' : 'confirmed', traces: [...(order?.traces ?? []), traceId] })
  logger.info('order notified', { id: scored.id, risk: scored.risk })
}
