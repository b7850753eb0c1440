/**
 * The `public/` folder: files served as they are for GET and HEAD requests no route takes (a
 * step's route always wins), by `motia dev`, `motia start` and built executables (which embed the
 * folder, see cli/build/embed.ts). `/` and `/docs/` serve the folder's `index.html`. Dotfiles and
 * paths that leave the folder are never served. Answers carry the file's type, an `ETag` and
 * `Last-Modified`; a matching `If-None-Match` gets 304. Dev asks browsers to check every time
 * (`no-cache`); production lets them keep a file for `maxAge` seconds (default 0: check too).
 * TypeScript and JSX files are answered bundled for the browser (see public-scripts.ts).
 */
import { existsSync, realpathSync, statSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { createScriptBundles, scriptPattern } from './public-scripts.ts'

export interface PublicFilesOptions {
  /** The folder, absolute (inside an executable: `/$bunfs/root/public`). */
  dir: string
  dev: boolean
  /** Seconds a browser may keep a file without asking again, outside dev. */
  maxAge?: number
  /** Scripts `motia build` bundled ahead (path under the folder → code); inside an executable. */
  scripts?: Readonly<Record<string, string>>
  /** Told why a script could not be bundled (its request gets a 500). */
  onError?: (message: string) => void
}

/** The answer for `path` from the folder, or undefined when it holds no such file. */
export function createPublicFiles(options: PublicFilesOptions): (request: Request, path: string) => Response | Promise<Response | undefined> | undefined {
  const cacheControl = options.dev ? 'no-cache' : `public, max-age=${options.maxAge ?? 0}, must-revalidate`
  const embedded = options.dir.startsWith('/$bunfs/')
  const base = embedded || !existsSync(options.dir) ? options.dir : realpathSync(options.dir)
  const scripts = createScriptBundles({ dev: options.dev, prebuilt: embedded ? (options.scripts ?? {}) : undefined, onError: options.onError })
  return (request, path) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return undefined
    // Inside an executable the sources are not embedded, only their bundles.
    if (embedded && scriptPattern.test(path)) return scripts.answer(request, '', scriptKey(path), { 'cache-control': cacheControl })
    const file = locate(base, path, embedded)
    if (!file) return undefined
    if (scriptPattern.test(file)) return scripts.answer(request, file, relative(base, file).replace(/\\/g, '/'), { 'cache-control': cacheControl })
    const blob = Bun.file(file)
    const tag = `W/"${blob.size.toString(36)}-${Math.floor(blob.lastModified).toString(36)}"`
    const headers: Record<string, string> = { etag: tag, 'cache-control': cacheControl, 'last-modified': new Date(blob.lastModified || 0).toUTCString() }
    if (request.headers.get('if-none-match')?.split(',').some((t) => t.trim() === tag)) return new Response(null, { status: 304, headers })
    headers['content-type'] = typeOf(blob.type)
    return new Response(request.method === 'HEAD' ? null : blob, { headers: { ...headers, 'content-length': String(blob.size) } })
  }
}

// --- internal ---

/** A request path as a key of `scripts`: decoded, without the leading slash. */
function scriptKey(path: string): string {
  try {
    return decodeURIComponent(path).replace(/^\/+/, '')
  } catch {
    return ''
  }
}

/** The file `path` names under `base`, or undefined: bad encoding, a dot segment, a folder without index.html, or outside `base`. */
function locate(base: string, path: string, embedded: boolean): string | undefined {
  let decoded: string
  try {
    decoded = decodeURIComponent(path)
  } catch {
    return undefined
  }
  const segments = decoded.split('/').filter(Boolean)
  if (segments.some((s) => s.startsWith('.') || s.includes('\\') || s.includes('\0'))) return undefined
  if (decoded.endsWith('/') || segments.length === 0) segments.push('index.html')
  const file = join(base, ...segments)
  if (!file.startsWith(base + sep)) return undefined
  try {
    if (!statSync(file).isFile()) return undefined
    // A symbolic link inside the folder must not lead outside it.
    if (!embedded && !realpathSync(file).startsWith(base + sep)) return undefined
  } catch {
    return undefined
  }
  return file
}

/** Text types get their charset. */
function typeOf(type: string): string {
  if (!type) return 'application/octet-stream'
  return /^text\/|javascript|json|xml|svg/.test(type) && !type.includes('charset') ? `${type}; charset=utf-8` : type
}
