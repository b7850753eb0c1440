import { z } from 'zod'
import type { StreamConfig } from 'motia'

/** How many pages watch each list (group `lists`, one item per list). */
export const config: StreamConfig = {
  name: 'presence',
  schema: z.object({ viewers: z.number().int() }),
}
