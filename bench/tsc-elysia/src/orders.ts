import { z } from 'zod'

export const placedOrder = z.object({ id: z.string(), item: z.string(), quantity: z.number() })
export type PlacedOrder = z.infer<typeof placedOrder>
export interface RecordedOrder extends PlacedOrder {
  status: 'recorded'
  recordedAt: string
}

export const orders = new Map<string, RecordedOrder>()
export const stats = { count: 0 }
const pending: PlacedOrder[] = []

/** Hands an order to the background consumer, with up to 3 attempts. */
export function enqueue(order: PlacedOrder): void {
  pending.push(placedOrder.parse(order))
  queueMicrotask(drain)
}

async function drain(): Promise<void> {
  for (let next = pending.shift(); next; next = pending.shift()) {
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        await record(next)
        break
      } catch (error) {
        console.warn('record failed', { attempt, error })
      }
    }
  }
}

async function record(order: PlacedOrder): Promise<void> {
  orders.set(order.id, { ...order, status: 'recorded', recordedAt: new Date().toISOString() })
  stats.count += 1
  console.info('order recorded', { id: order.id })
}
