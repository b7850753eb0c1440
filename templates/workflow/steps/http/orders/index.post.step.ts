import type { Duration, Handlers, StepConfig } from 'motia'
import { z } from 'zod'
import { chargeCard, refund, releaseStock, reserveStock } from '../../../lib/shop.ts'

/** How long an order waits for its shipment before it is refunded (read per run, so tests can shorten it). */
const shipmentTimeout = () => (process.env.SHIPMENT_TIMEOUT ?? '2d') as Duration

// POST /orders: starts a durable run and answers 202 { runId } at once. The run survives restarts:
// each ctx.run is recorded once and replayed, the wait lives in the store, not in memory.
export const config = {
  name: 'OrderSaga',
  description: 'Reserve, charge, wait for the shipment, and compensate when anything fails',
  flows: ['orders'],
  triggers: [{ type: 'http', bodySchema: z.object({ item: z.string().min(1), quantity: z.number().int().positive(), card: z.string() }) }],
  workflow: { waitsFor: ['shipment.confirmed'] },
} as const satisfies StepConfig

export const handler: Handlers<typeof config> = async (req, ctx) => {
  const orderId = ctx.runId!
  const { item, quantity, card } = req.body
  const status = (id: string, fields: Record<string, unknown>) => ctx.run(id, () => ctx.state.set('orders', orderId, { orderId, item, quantity, ...fields }).then(() => fields.status))

  await status('placed', { status: 'placed' })
  await ctx.run('reserve', () => reserveStock(ctx.state, orderId, item, quantity))
  try {
    await ctx.run('charge', () => chargeCard(ctx.state, orderId, card, quantity * 10))
    await status('charged', { status: 'awaiting-shipment' })
    const timeout = shipmentTimeout()
    const shipment = await ctx.waitFor('shipment', { topic: 'shipment.confirmed', match: { orderId }, timeout })
    if (!shipment.ok) {
      await ctx.run('refund', () => refund(ctx.state, orderId))
      throw new Error(`no shipment confirmed within ${timeout}`)
    }
    return await status('shipped', { status: 'shipped', carrier: (shipment.data as { carrier: string }).carrier })
  } catch (error) {
    // Compensation: each undo is a checkpoint too, so a crash here never undoes twice.
    await ctx.run('release', () => releaseStock(ctx.state, item, quantity))
    ctx.logger.warn('order cancelled', { orderId, reason: (error as Error).message })
    return await status('cancelled', { status: 'cancelled', reason: (error as Error).message })
  }
}
