import type { Handlers, StepConfig } from 'motia'
import { NonRetriableError } from 'motia'
import { z } from 'zod'
import type { Ticket } from '../../../lib/tickets.ts'

// Picks a team for each new ticket, then passes it on. Tickets of one customer are triaged in order.
export const config = {
  name: 'TriageTicket',
  flows: ['support'],
  triggers: [{ type: 'queue', input: z.object({ id: z.string() }), config: { maxRetries: 3 } }],
  enqueues: ['ticket-triaged'],
} as const satisfies StepConfig

export const handler: Handlers<typeof config> = async ({ id }, { state, enqueue, logger }) => {
  const ticket = await state.get<Ticket>('tickets', id)
  if (!ticket) throw new NonRetriableError(`ticket ${id} does not exist`)
  const team = /invoice|refund|charge/i.test(ticket.title) ? 'billing' : ticket.priority === 'urgent' ? 'on-call' : 'support'
  await state.update('tickets', id, [{ type: 'merge', value: { status: 'triaged', team, triagedAt: Date.now() } }])
  await state.update('support', 'stats', [
    { type: 'increment', path: 'triaged' },
    { type: 'increment', path: ['byTeam', team] },
  ])
  await enqueue({ topic: 'ticket-triaged', data: { id, team, customer: ticket.customer }, messageGroupId: ticket.customer })
  logger.info('ticket triaged', { id, team })
}
