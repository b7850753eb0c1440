import type { FlowContext, StepConfig } from 'motia'

export const config = {
  triggers: [{ type: 'webhook', source: 'github' }],
} as const satisfies StepConfig

export const handler = async (push: { ref: string }, { state, traceId }: FlowContext) => {
  await state.set('pushes', push.ref, { ...push, traceId })
}
