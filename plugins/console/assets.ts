/**
 * Serves the prebuilt UI (`dist/console.html`, one file with its script and styles, built by
 * `npm run build:console`) at `/__motia/`, read and compressed on the first request, not at start.
 * `/` redirects to it while no step answers `GET /` and the project has no `public/index.html`.
 */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import type { LoadedStep, MotiaRuntime } from 'motia'
// A path, not the content: nothing is read until the page is asked for. `bun build --compile`
// embeds the file, so a compiled executable that enables the console serves it too.
import page from './dist/console.html' with { type: 'file' }
import { consolePath } from './path.ts'

export interface Assets {
  /** Adds or removes the `/` redirect after each load of the steps. */
  redirectRoot(steps: readonly LoadedStep[]): void
}

export function registerAssets(runtime: MotiaRuntime): Assets {
  let cached: { body: Uint8Array<ArrayBuffer>; gzip: Uint8Array<ArrayBuffer>; etag: string } | undefined
  const load = async () => {
    if (cached) return cached
    const body = new Uint8Array(await Bun.file(String(page)).arrayBuffer())
    cached = { body, gzip: Bun.gzipSync(body) as Uint8Array<ArrayBuffer>, etag: `"${Bun.hash(body).toString(36)}"` }
    return cached
  }
  const serve = async (request: Request): Promise<Response> => {
    let file: NonNullable<typeof cached>
    try {
      file = await load()
    } catch {
      return new Response('The console is not built: run `npm run build:console` in the motia package.', { status: 503, headers: { 'content-type': 'text/plain; charset=utf-8' } })
    }
    const headers: Record<string, string> = { 'content-type': 'text/html; charset=utf-8', etag: file.etag, 'cache-control': 'no-cache' }
    if (request.headers.get('if-none-match') === file.etag) return new Response(null, { status: 304, headers })
    const gzip = /\bgzip\b/.test(request.headers.get('accept-encoding') ?? '')
    return new Response(gzip ? file.gzip : file.body, { headers: gzip ? { ...headers, 'content-encoding': 'gzip', vary: 'accept-encoding' } : headers })
  }
  // The page itself is open: it asks for the token when the API refuses it.
  runtime.http.route({ method: 'GET', path: consolePath, open: true, handler: serve })
  runtime.http.route({ method: 'GET', path: consolePath.slice(0, -1), open: true, handler: () => redirect(consolePath) })

  let removeRedirect: (() => void) | undefined
  return {
    redirectRoot(steps) {
      // A step on GET / or a public/index.html owns the root; the console only fills an empty one.
      const publicDir = runtime.config.http.public?.dir
      const page = publicDir !== undefined && existsSync(resolve(runtime.root, publicDir, 'index.html'))
      const owned = page || steps.some((s) => s.triggers.some((t) => t.type === 'http' && (t as { method?: unknown }).method === 'GET' && (t as { path?: unknown }).path === '/'))
      if (owned) {
        removeRedirect?.()
        removeRedirect = undefined
      } else if (!removeRedirect) {
        removeRedirect = runtime.http.route({ method: 'GET', path: '/', handler: () => redirect(consolePath) })
      }
    },
  }
}

// --- internal ---

function redirect(location: string): Response {
  return new Response(null, { status: 302, headers: { location } })
}
