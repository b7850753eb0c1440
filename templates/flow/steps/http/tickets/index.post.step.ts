import type { Handlers, StepConfig } from 'motia'
import { newTicket, type Ticket } from '../../../lib/tickets.ts'

// POST /tickets — opens a ticket and hands it to triage
export const config = {
  name: 'OpenTicket',
  flows: ['support'],
  triggers: [{ type: 'http', bodySchema: newTicket }],
  enqueues: ['ticket-opened'],
} as const satisfies StepConfig

export const handler: Handlers<typeof config> = async (req, { state, enqueue, logger }) => {
  const ticket: Ticket = { id: crypto.randomUUID(), ...req.body, status: 'open', openedAt: Date.now() }
  await state.set('tickets', ticket.id, ticket)
  await enqueue({ topic: 'ticket-opened', data: { id: ticket.id } })
  logger.info('ticket opened', { id: ticket.id, priority: ticket.priority })
  return { status: 202, body: { id: ticket.id } }
}
