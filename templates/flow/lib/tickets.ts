import { z } from 'zod'

export const priority = z.enum(['low', 'normal', 'urgent'])

export const newTicket = z.object({
  title: z.string().min(3),
  customer: z.string().email(),
  priority: priority.default('normal'),
})

export interface Ticket {
  id: string
  title: string
  customer: string
  priority: z.infer<typeof priority>
  status: 'open' | 'triaged' | 'escalated' | 'resolved'
  team?: string
  openedAt: number
  triagedAt?: number
  resolvedAt?: number
}

/** Minutes a triaged ticket may wait before the SLA sweep escalates it. */
export const slaMinutes: Record<Ticket['priority'], number> = { urgent: 5, normal: 60, low: 24 * 60 }
