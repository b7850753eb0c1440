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
