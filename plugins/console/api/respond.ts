import { MotiaError } from 'motia'

/** JSON answers of the console's API. */
export function json(body: unknown, status = 200): Response {
  return Response.json(body, { status, headers: { 'cache-control': 'no-store' } })
}

/** Reads a JSON request body; a string is the reason it is not usable. */
export async function readJson(request: Request, options: { optional?: boolean } = {}): Promise<{ value: unknown } | string> {
  const text = await request.text()
  if (text.trim() === '') return options.optional ? { value: undefined } : 'the body is empty: send JSON'
  try {
    return { value: JSON.parse(text) }
  } catch (error) {
    return `the body is not valid JSON: ${(error as Error).message}`
  }
}

/** A MotiaError (a bad cursor: 400, a store that is down: 503) answered with its status and message; anything else is thrown on. */
export async function answering(work: () => Promise<Response>): Promise<Response> {
  try {
    return await work()
  } catch (error) {
    if (error instanceof MotiaError && (error.status < 500 || error.status === 503)) return json({ error: error.message }, error.status)
    throw error
  }
}
