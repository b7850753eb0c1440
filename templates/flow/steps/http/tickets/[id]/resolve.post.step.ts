import type { Handlers, StepConfig } from 'motia'
import type { Ticket } from '../../../../lib/tickets.ts'

// POST /tickets/:id/resolve
export const config = {
  name: 'ResolveTicket',
  flows: ['support'],
  triggers: [{ type: 'http' }],
} as const satisfies StepConfig

export const handler: Handlers<typeof config> = async (req, { state }) => {
  const ticket = await state.get<Ticket>('tickets', req.params.id!)
  if (!ticket) return { status: 404, body: { error: `ticket ${req.params.id} not found` } }
  const resolved = await state.update<Ticket>('tickets', ticket.id, [
    { type: 'set', path: 'status', value: 'resolved' },
    { type: 'set', path: 'resolvedAt', value: Date.now() },
  ])
  await state.update('support', 'stats', [{ type: 'increment', path: 'resolved' }])
  return { status: 200, body: resolved }
}
