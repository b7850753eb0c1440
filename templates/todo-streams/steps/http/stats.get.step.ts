import type { Handlers, StepConfig } from 'motia'

// GET /stats — the changes counted by the stream trigger, per list.
export const config = { name: 'Stats', flows: ['todos'], triggers: [{ type: 'http' }] } as const satisfies StepConfig

export const handler: Handlers<typeof config> = async (_req, { state }) => {
  const lists = await state.entries('stats')
  return { status: 200, body: Object.fromEntries(lists.map((entry) => [entry.key, entry.value])) }
}
