import type { Handlers, StepConfig } from 'motia'
import { z } from 'zod'

// Tells the customer who took their ticket (here: records the message it would send).
export const config = {
  name: 'NotifyCustomer',
  flows: ['support'],
  triggers: [
    {
      type: 'queue',
      input: z.object({ id: z.string(), team: z.string(), customer: z.string() }),
      config: { type: 'fifo', maxRetries: 5, backoff: { type: 'exponential', delayMs: 1000 } },
    },
  ],
} as const satisfies StepConfig

export const handler: Handlers<typeof config> = async (message, { state, logger }) => {
  const text = `Your ticket ${message.id} is with our ${message.team} team.`
  await state.set('notifications', message.id, { to: message.customer, text, sentAt: Date.now() })
  logger.info('customer notified', { id: message.id, to: message.customer })
}
