/**
 * Scripts in `public/` written in TypeScript or JSX (`.ts`, `.tsx`, `.jsx`, `.mts`): a page names
 * the source (`<script type="module" src="/app.tsx">`) and gets it bundled by `Bun.build` into one
 * browser ES module, with what it imports from node_modules (`react`, `motia/react`). So a page
 * uses React and `motia/react` with no bundling step of the user's and nothing fetched from the
 * network. `motia dev` bundles on every request (an edit shows on reload); `motia start` once,
 * on first request; `motia build` bundles them ahead and embeds the output (the executable has no
 * node_modules to bundle from).
 */
import { relative } from 'node:path'

/** Files of `public/` answered bundled rather than as they are. */
export const scriptPattern = /\.(?:tsx|jsx|ts|mts)$/

/** One file bundled for browsers: its code, or a one-line error naming the file and what failed. */
export async function bundleScript(file: string, options: { dev: boolean; root?: string }): Promise<{ code: string } | { error: string }> {
  const result = await Bun.build({
    entrypoints: [file],
    target: 'browser',
    format: 'esm',
    minify: !options.dev,
    sourcemap: options.dev ? 'inline' : 'none',
    // React and other libraries pick their production build from this.
    define: { 'process.env.NODE_ENV': JSON.stringify(options.dev ? 'development' : 'production') },
    throw: false,
  }).catch((error: unknown) => ({ success: false as const, logs: [error], outputs: [] }))
  const where = options.root ? relative(options.root, file) : file
  if (!result.success) return { error: `[motia] could not bundle ${where} for the browser: ${result.logs.map(logText).join('; ').replaceAll('\n', ' ') || 'no output'}` }
  const entry = result.outputs.find((output) => output.kind === 'entry-point') ?? result.outputs[0]
  if (!entry) return { error: `[motia] could not bundle ${where} for the browser: Bun.build wrote nothing` }
  return { code: await entry.text() }
}

/**
 * Answers for script requests: bundled on every request in dev, once otherwise, or from `prebuilt`
 * (path under the folder → code, what `motia build` embedded).
 */
export function createScriptBundles(options: { dev: boolean; prebuilt?: Readonly<Record<string, string>>; onError?: (message: string) => void }) {
  const cache = new Map<string, Promise<{ code: string } | { error: string }>>()
  return {
    /** The answer for `file` (absolute; `key` is its path under the folder), with `headers` added. */
    async answer(request: Request, file: string, key: string, headers: Record<string, string>): Promise<Response | undefined> {
      let built: { code: string } | { error: string }
      if (options.prebuilt) {
        const code = Object.hasOwn(options.prebuilt, key) ? options.prebuilt[key] : undefined
        if (code === undefined) return undefined
        built = { code }
      } else {
        const pending = (!options.dev && cache.get(file)) || bundleScript(file, { dev: options.dev })
        if (!options.dev) cache.set(file, pending)
        built = await pending
      }
      if ('error' in built) {
        // Not cached: the next request tries again (after the file is fixed, or a package installed).
        cache.delete(file)
        options.onError?.(built.error)
        return new Response(`${built.error}\n`, { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' } })
      }
      const etag = `"${Bun.hash(built.code).toString(36)}"`
      const all = { ...headers, etag, 'content-type': 'text/javascript; charset=utf-8' }
      if (request.headers.get('if-none-match')?.split(',').some((t) => t.trim() === etag)) return new Response(null, { status: 304, headers: all })
      return new Response(request.method === 'HEAD' ? null : built.code, { headers: all })
    },
  }
}

// --- internal ---

/** A build log's message with where it points, without Bun's class name ("ResolveMessage: …"). */
function logText(log: unknown): string {
  const { message, position } = (log ?? {}) as { message?: string; position?: { file?: string; line?: number; column?: number } | null }
  if (typeof message !== 'string') return String(log)
  return position?.file ? `${message} (${position.file.split('/').pop()}:${position.line}:${position.column})` : message
}
