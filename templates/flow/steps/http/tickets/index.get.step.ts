import type { Handlers, StepConfig } from 'motia'
import type { Ticket } from '../../../lib/tickets.ts'

// GET /tickets — every ticket, newest first, and the counters the steps keep
export const config = {
  name: 'ListTickets',
  flows: ['support'],
  triggers: [{ type: 'http' }],
} as const satisfies StepConfig

export const handler: Handlers<typeof config> = async (_req, { state }) => {
  const tickets = (await state.list<Ticket>('tickets')).sort((a, b) => b.openedAt - a.openedAt)
  const stats = (await state.get<Record<string, number>>('support', 'stats')) ?? {}
  return { status: 200, body: { tickets, stats } }
}
