/**
 * The baseline for bench/http.ts, bench/http-cpu.ts and bench/startup.ts: plain Elysia with the
 * same two endpoints as the Motia project (`bench/http-project.ts`), the POST validating the same
 * zod schema and "enqueueing" into an array. Run as a script, it listens on $PORT.
 */
import { Elysia } from 'elysia'
import { z } from 'zod'

export function rawElysia() {
  const order = z.object({ item: z.string().min(1), quantity: z.number().int().positive() })
  const queued: unknown[] = []
  return new Elysia()
    .get('/hello', () => ({ message: 'hello' }))
    .post('/orders', ({ body, set }) => {
      const result = order.safeParse(body)
      if (!result.success) {
        set.status = 400
        return { error: 'Invalid request body', issues: result.error.issues }
      }
      queued.push(result.data)
      if (queued.length > 10_000) queued.length = 0
      set.status = 202
      return { ok: true }
    })
}

if (import.meta.main) rawElysia().listen({ port: Number(process.env.PORT), hostname: '127.0.0.1' })
