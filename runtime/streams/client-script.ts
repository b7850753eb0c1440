/**
 * `motia/client` for pages, with no bundling step of the user's: `GET /__motia/client.js` answers
 * the client as one ES module (`import { Stream } from '/__motia/client.js'`). It is the source of
 * `client.ts` (the same module bundlers import as `motia/client`), with its types stripped once, on
 * the first request; the text is part of the runtime, so built executables serve it too. Open like
 * health (pages of any visitor load it), revalidated with an ETag.
 */
// A text import: Bun hands over the file's source, and `bun build --compile` embeds it.
// @ts-expect-error -- TypeScript reads `./client.ts` as a module, not as text
import source from './client.ts' with { type: 'text' }

export const clientScriptPath = '/__motia/client.js'

let compiled: { body: string; etag: string } | undefined

/** The answer to `GET /__motia/client.js`. */
export function clientScript(request: Request): Response {
  compiled ??= compile(source as string)
  const headers = { etag: compiled.etag, 'cache-control': 'no-cache', 'content-type': 'text/javascript; charset=utf-8' }
  if (request.headers.get('if-none-match') === compiled.etag) return new Response(null, { status: 304, headers })
  return new Response(compiled.body, { headers })
}

// --- internal ---

function compile(text: string): { body: string; etag: string } {
  const body = new Bun.Transpiler({ loader: 'ts', target: 'browser' }).transformSync(text)
  return { body, etag: `"${Bun.hash(body).toString(36)}"` }
}
