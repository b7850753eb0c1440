// The baseline of bench/tsc.ts: the starter template's backend written in plain Elysia — the
// same endpoints, a queue consumer, a cron job and zod schemas — to compare type-check times.
import { Elysia } from 'elysia'
import { z } from 'zod'
import { enqueue, orders } from './orders.ts'

const order = z.object({
  item: z.string().min(1),
  quantity: z.number().int().positive(),
})

export const app = new Elysia()
  .get('/default', () => ({ message: 'Hello World from Elysia!' }))
  .post(
    '/orders',
    ({ body, set }) => {
      const id = crypto.randomUUID()
      enqueue({ id, ...body })
      set.status = 202
      return { id }
    },
    { body: order },
  )
  .get('/orders/:id', ({ params, set }) => {
    const found = orders.get(params.id)
    if (!found) {
      set.status = 404
      return { error: `order ${params.id} not found` }
    }
    return found
  })
