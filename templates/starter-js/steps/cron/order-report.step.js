// Every minute, logs how many orders were recorded so far
export const config = /** @type {const} */ ({
  name: 'OrderReport',
  flows: ['orders'],
  triggers: [{ type: 'cron', expression: '* * * * *' }],
})

/** @type {import('motia').Handlers<typeof config>} */
export const handler = async (_tick, { state, logger }) => {
  const stats = /** @type {{ count: number } | undefined} */ (await state.get('stats', 'orders'))
  logger.info('order report', { recorded: stats?.count ?? 0 })
}
