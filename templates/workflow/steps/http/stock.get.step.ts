import type { Handlers, StepConfig } from 'motia'

// GET /stock — what the saga reserved and released, per item (each starts at 10).
export const config = {
  name: 'Stock',
  description: 'Items in stock',
  flows: ['orders'],
  triggers: [{ type: 'http' }],
} as const satisfies StepConfig

export const handler: Handlers<typeof config> = async (_req, { state }) => {
  const entries = await state.entries<number>('stock')
  return { status: 200, body: Object.fromEntries(entries.map(({ key, value }) => [key, 10 + value])) }
}
