/**
 * A `webhook` trigger type: `POST /webhooks/<source>` with the shared token in `x-webhook-token`
 * answers 202 at once and runs every step listening to that source with the JSON body.
 */
import { timingSafeEqual } from 'node:crypto'
import { compileSchema, definePlugin, defineTrigger, type Schema } from 'motia'
import { z } from 'zod'

export type WebhookTrigger = {
  type: 'webhook'
  /** The last part of the URL: `github` listens on POST /webhooks/github. */
  source: string
  /** Schema the body must match; other bodies get 400. */
  input?: Schema
}

declare module 'motia' {
  /** Steps may use `{ type: 'webhook', source }` triggers; the handler's input is the `input` schema's type. */
  interface TriggerTypes {
    webhook: WebhookTrigger
  }
}

export const webhookOptionsSchema = z.object({
  /** Callers send it in the `x-webhook-token` header. */
  token: z.string().min(16, 'use a token of 16 characters or more'),
  /** The path prefix (default /webhooks). */
  basePath: z.string().regex(/^\/[\w/-]*[^/]$/).optional(),
})

export type WebhookOptions = z.input<typeof webhookOptionsSchema>

const triggerSchema = z.object({
  type: z.literal('webhook'),
  source: z.string().regex(/^[a-z0-9-]+$/, 'use lowercase letters, digits and dashes'),
})

/**
 * @example
 * export default defineConfig({ plugins: [webhookPlugin({ token: process.env.WEBHOOK_TOKEN! })] })
 */
export function webhookPlugin(options: WebhookOptions) {
  const basePath = options.basePath ?? '/webhooks'
  const webhook = defineTrigger<WebhookTrigger>({
    type: 'webhook',
    schema: triggerSchema,
    // Same format as the http trigger's key: a clash with an http step on the route is refused.
    key: (trigger) => `route POST ${basePath}/${trigger.source}`,
    register(step, trigger, runtime) {
      const validate = trigger.input ? compileSchema(trigger.input) : undefined
      return runtime.http.route({
        method: 'POST',
        path: `${basePath}/${trigger.source}`,
        async handler(request) {
          if (!sameToken(request.headers.get('x-webhook-token'), options.token)) return Response.json({ error: 'unauthorized' }, { status: 401 })
          const body: unknown = await request.json().catch(() => undefined)
          if (body === undefined) return Response.json({ error: 'the body must be JSON' }, { status: 400 })
          const checked = validate ? await validate(body) : { ok: true as const, value: body }
          if (!checked.ok) return Response.json({ error: 'the body does not match the input schema', issues: checked.issues }, { status: 400 })
          const traceId = runtime.startTrace(`webhook ${trigger.source}`, 'webhook')
          runtime.run(step, trigger, checked.value, { traceId }).catch((error: unknown) => {
            runtime.logger.error(`[webhook] step "${step.name}" failed: ${error instanceof Error ? error.message : String(error)}`, { traceId, step: step.name })
          })
          return Response.json({ accepted: true }, { status: 202, headers: { 'x-trace-id': traceId } })
        },
      })
    },
  })
  return definePlugin({ name: 'webhook', options, optionsSchema: webhookOptionsSchema, triggers: [webhook] })
}

export default webhookPlugin

// --- internal ---

function sameToken(given: string | null, expected: string): boolean {
  if (!given) return false
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}
