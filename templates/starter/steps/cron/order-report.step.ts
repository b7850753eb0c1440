import type { Handlers, StepConfig } from 'motia'

// Every minute, logs how many orders were recorded so far
export const config = {
  name: 'OrderReport',
  flows: ['orders'],
  triggers: [{ type: 'cron', expression: '* * * * *' }],
} as const satisfies StepConfig

export const handler: Handlers<typeof config> = async (_tick, { state, logger }) => {
  const stats = await state.get<{ count: number }>('stats', 'orders')
  logger.info('order report', { recorded: stats?.count ?? 0 })
}
