// Stand-ins for the services a real shop calls (inventory, payments). They keep their books in
// state, so the test and `curl` can see what happened; swap them for real clients.
import type { FlowContext } from 'motia'

type State = FlowContext['state']

/** Holds `quantity` of `item`; refuses when fewer are in stock (every item starts with 10). */
export async function reserveStock(state: State, orderId: string, item: string, quantity: number): Promise<{ reservationId: string }> {
  // The books count what left the shelf: 10 + the (negative) balance is what is in stock.
  const balance = (await state.update<number>('stock', item, [{ type: 'decrement', by: quantity }])) ?? 0
  if (balance < -10) {
    await state.update('stock', item, [{ type: 'increment', by: quantity }])
    throw new Error(`only ${10 + balance + quantity} ${item} left`)
  }
  return { reservationId: `res-${orderId}` }
}

/** Gives the reserved items back. */
export async function releaseStock(state: State, item: string, quantity: number): Promise<void> {
  await state.update('stock', item, [{ type: 'increment', by: quantity }])
}

/** Charges the card; the card `declined` is always refused. */
export async function chargeCard(state: State, orderId: string, card: string, amount: number): Promise<{ paymentId: string }> {
  if (card === 'declined') throw new Error('card declined')
  await state.set('payments', orderId, { amount, refunded: false })
  return { paymentId: `pay-${orderId}` }
}

/** Pays the money back. */
export async function refund(state: State, orderId: string): Promise<void> {
  await state.update('payments', orderId, [{ type: 'set', path: 'refunded', value: true }])
}
