import type { Handlers, StepConfig } from 'motia'
import { z } from 'zod'

// The plugin declares its trigger type (TriggerTypes in src/index.ts): the fields are checked, and
// the handler's input is the `input` schema's type.
export const config = {
  triggers: [{ type: 'webhook', source: 'github', input: z.object({ ref: z.string() }) }],
} as const satisfies StepConfig

export const handler: Handlers<typeof config> = async (push, { state, traceId }) => {
  await state.set('pushes', push.ref, { ...push, traceId })
}
