import type { Handlers, StepConfig } from 'motia'

// GET /default — inferred from the file's place under steps/http/
export const config = {
  name: 'HelloWorld',
  description: 'Says hello',
  flows: ['hello'],
  triggers: [{ type: 'http' }],
} as const satisfies StepConfig

export const handler: Handlers<typeof config> = async (_req, { logger }) => {
  logger.info('saying hello')
  return { status: 200, body: { message: 'Hello World from Motia!' } }
}
