import type { Handlers, StepConfig, StreamTriggerInput } from 'motia'

// Runs after every change of the todo stream (the folder names the stream): counts them in state.
export const config = { name: 'CountChanges', flows: ['todos'], triggers: [{ type: 'stream' }] } as const satisfies StepConfig

export const handler: Handlers<typeof config> = async (input, { state }) => {
  const change = input as StreamTriggerInput
  await state.update('stats', change.groupId, [{ type: 'increment', path: change.event.type }])
}
