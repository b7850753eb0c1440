/**
 * The Motia side of bench/http.ts and bench/http-cpu.ts: a GET step, a POST step validating a zod
 * body and enqueueing it, and the queue step that consumes it (`consumer` is its handler's body).
 */
export function httpProjectFiles(consumer = ''): Record<string, string> {
  return {
    'steps/http/hello.get.step.ts': `export const handler = async () => ({ status: 200, body: { message: 'hello' } })\n`,
    'steps/http/orders.post.step.ts': `
      import { z } from 'zod'
      export const config = {
        triggers: [{ type: 'http', bodySchema: z.object({ item: z.string().min(1), quantity: z.number().int().positive() }) }],
        enqueues: ['order-placed'],
      }
      export const handler = async (req, { enqueue }) => {
        await enqueue({ topic: 'order-placed', data: req.body })
        return { status: 202, body: { ok: true } }
      }
    `,
    'steps/queue/order-placed/consume.step.ts': `export const handler = async () => {${consumer ? ` ${consumer} ` : ''}}\n`,
  }
}
