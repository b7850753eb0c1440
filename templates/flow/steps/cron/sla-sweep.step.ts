import type { Handlers, StepConfig } from 'motia'
import { slaMinutes, type Ticket } from '../../lib/tickets.ts'

// Every minute, escalates triaged tickets that waited longer than their priority allows
export const config = {
  name: 'SlaSweep',
  flows: ['support'],
  triggers: [{ type: 'cron', expression: '* * * * *' }],
} as const satisfies StepConfig

export const handler: Handlers<typeof config> = async (_tick, { state, logger }) => {
  const now = Date.now()
  let escalated = 0
  for (const { key, value: ticket } of await state.entries<Ticket>('tickets')) {
    if (ticket.status !== 'triaged' || !ticket.triagedAt) continue
    if (now - ticket.triagedAt < slaMinutes[ticket.priority] * 60_000) continue
    await state.update('tickets', key, [{ type: 'set', path: 'status', value: 'escalated' }])
    escalated++
  }
  if (escalated > 0) await state.update('support', 'stats', [{ type: 'increment', path: 'escalated', by: escalated }])
  logger.info('SLA sweep', { escalated })
}
