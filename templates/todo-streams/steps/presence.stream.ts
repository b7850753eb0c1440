import { z } from 'zod'
import type { StreamConfig } from 'motia'
import { isList } from './lists.ts'

/** How many pages watch each list (group `lists`, one item per list). */
export const config = {
  name: 'presence',
  schema: z.object({ viewers: z.number().int() }),
  canAccess: (subscription) => subscription.groupId === 'lists' && (subscription.id === undefined || isList(subscription.id)),
} satisfies StreamConfig
