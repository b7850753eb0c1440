import { z } from 'zod'
import type { StreamConfig } from 'motia'
import { isList } from './lists.ts'

/** The todo list: one group per list (lists.ts), one item per todo. */
export const config = {
  name: 'todo',
  schema: z.object({ text: z.string().min(1), done: z.boolean(), createdAt: z.string() }),
  // Only the app's lists: onJoin below writes per list, so a made-up name must not get that far.
  canAccess: (subscription) => isList(subscription.groupId),
  // Presence: every page that joins a list counts as one viewer until it leaves.
  onJoin: async (subscription, { streams }) => {
    await streams.presence!.update('lists', subscription.groupId, [{ type: 'increment', path: 'viewers' }])
  },
  onLeave: async (subscription, { streams }) => {
    await streams.presence!.update('lists', subscription.groupId, [{ type: 'increment', path: 'viewers', by: -1 }])
  },
} satisfies StreamConfig
