import type { Handlers, StepConfig } from 'motia'
import type { Ticket } from '../../../lib/tickets.ts'

// GET /tickets/:id
export const config = {
  name: 'GetTicket',
  flows: ['support'],
  triggers: [{ type: 'http' }],
} as const satisfies StepConfig

export const handler: Handlers<typeof config> = async (req, { state }) => {
  const ticket = await state.get<Ticket>('tickets', req.params.id!)
  return ticket ? { status: 200, body: ticket } : { status: 404, body: { error: `ticket ${req.params.id} not found` } }
}
