import { z } from 'zod'
import type { StreamConfig } from 'motia'

/** The todo list: one group per list (the page shows `inbox`), one item per todo. */
export const config: StreamConfig = {
  name: 'todo',
  schema: z.object({ text: z.string().min(1), done: z.boolean(), createdAt: z.string() }),
  // Presence: every page that joins a list counts as one viewer until it leaves.
  onJoin: async (subscription, { streams }) => {
    await streams.presence!.update('lists', subscription.groupId, [{ type: 'increment', path: 'viewers' }])
  },
  onLeave: async (subscription, { streams }) => {
    await streams.presence!.update('lists', subscription.groupId, [{ type: 'increment', path: 'viewers', by: -1 }])
  },
}
