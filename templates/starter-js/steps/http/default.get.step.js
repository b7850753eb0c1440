// GET /default — inferred from the file's place under steps/http/
export const config = /** @type {const} */ ({
  name: 'HelloWorld',
  description: 'Says hello',
  flows: ['hello'],
  triggers: [{ type: 'http' }],
})

/** @type {import('motia').Handlers<typeof config>} */
export const handler = async (_req, { logger }) => {
  logger.info('saying hello')
  return { status: 200, body: { message: 'Hello World from Motia!' } }
}
