/**
 * The files a built executable must carry besides code: what steps list in `includeFiles`, what
 * the project's modules read through `new URL('…', import.meta.url)`, and the folder `http.public`
 * names (`public/` unless the config says otherwise; none when it is `false`).
 * They are embedded at their place relative to the project (`/$bunfs/root/<path>` inside the
 * executable), and `import.meta.url` / `import.meta.dir` of the project's modules are rewritten to
 * the same virtual folder, so code that reads a file next to it reads the embedded copy, from any
 * working directory. A file named but missing fails the build with one line. TypeScript and JSX
 * scripts of that folder are not embedded as they are but bundled (`bundlePublicScripts`).
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import type { BunPlugin } from 'bun'
import type { LoadedStep } from '../../runtime/discovery/loaded-step.ts'
import { bundleScript, scriptPattern } from '../../runtime/http/public-scripts.ts'
import { UsageError } from '../errors.ts'

/** Where the executable's embedded files live: Bun's virtual folder. */
export const embeddedRoot = '/$bunfs/root'

/**
 * Files to embed, relative to the project root, sorted; throws a `UsageError` for a file named but
 * missing. `publicDir` is `http.public`'s folder relative to the root, undefined when it is off.
 */
export function filesToEmbed(root: string, steps: readonly LoadedStep[], sources: readonly string[], publicDir: string | undefined): string[] {
  const found = new Set<string>()
  const add = (path: string) => found.add(relative(root, path).replace(/\\/g, '/'))
  for (const step of steps) {
    const listed = (step.config as { includeFiles?: unknown }).includeFiles
    if (listed === undefined) continue
    if (!Array.isArray(listed) || !listed.every((entry) => typeof entry === 'string')) {
      throw new UsageError(`[motia] ${step.relativePath}: includeFiles must be a list of paths relative to the step file, e.g. ['../../public/index.html']`)
    }
    for (const entry of listed) for (const file of expand(dirname(step.file), entry, root, `${step.relativePath}: includeFiles names "${entry}"`)) add(file)
  }
  for (const source of sources) {
    for (const spec of urlReferences(readFileSync(source, 'utf8'))) {
      for (const file of expand(dirname(source), spec, root, `${relative(root, source)} reads new URL('${spec}', import.meta.url)`)) add(file)
    }
  }
  const folder = publicDir === undefined ? undefined : join(root, publicDir)
  if (folder && isDirectory(folder)) for (const file of new Bun.Glob('**/*').scanSync({ cwd: folder, absolute: true, onlyFiles: true, dot: false })) if (!scriptPattern.test(file)) add(file)
  return [...found].sort()
}

/**
 * The TypeScript and JSX scripts of the public folder (`publicDir`, relative to the root, as in
 * `filesToEmbed`), bundled for browsers as `motia start` would serve them (path under the folder →
 * code); throws a `UsageError` naming a script that does not bundle.
 */
export async function bundlePublicScripts(root: string, publicDir: string | undefined): Promise<Record<string, string>> {
  const folder = publicDir === undefined ? undefined : join(root, publicDir)
  if (!folder || !isDirectory(folder)) return {}
  const scripts: Record<string, string> = {}
  for (const path of [...new Bun.Glob('**/*').scanSync({ cwd: folder, onlyFiles: true, dot: false })].sort()) {
    if (!scriptPattern.test(path)) continue
    const built = await bundleScript(join(folder, path), { dev: false, root })
    if ('error' in built) throw new UsageError(`${built.error} — fix it (or install what it imports) and build again`)
    scripts[path.replace(/\\/g, '/')] = built.code
  }
  return scripts
}

/**
 * The project's own modules (not node_modules) get `import.meta.url`, `.dir`, `.dirname`, `.path`
 * and `.filename` of their place under the embedded root, instead of the executable's.
 */
export function projectMetaPlugin(root: string): BunPlugin {
  const prefix = root.endsWith(sep) ? root : root + sep
  return {
    name: 'motia:embedded-paths',
    setup(build) {
      build.onLoad({ filter: /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/ }, (args) => {
        if (!args.path.startsWith(prefix) || args.path.includes(`${sep}node_modules${sep}`)) return undefined
        const source = readFileSync(args.path, 'utf8')
        if (!source.includes('import.meta.')) return undefined
        const path = `${embeddedRoot}/${relative(root, args.path).replace(/\\/g, '/')}`
        const values: Record<string, string> = { url: `file://${path}`, dir: dirname(path), dirname: dirname(path), path, filename: path }
        const contents = source.replace(/\bimport\.meta\.(url|dirname|dir|path|filename)\b/g, (_all, key: string) => JSON.stringify(values[key]))
        return { contents, loader: loaderOf(args.path) }
      })
    },
  }
}

// --- internal ---

/** The literal first arguments of `new URL('…', import.meta.url)` in `source`. */
function urlReferences(source: string): string[] {
  return [...source.matchAll(/new\s+URL\(\s*(['"`])([^'"`$]+)\1\s*,\s*import\.meta\.url\s*\)/g)].map((m) => m[2]!)
}

/** `spec` (a path or a glob) resolved from `from`: the files it names under `root`. */
function expand(from: string, spec: string, root: string, what: string): string[] {
  const target = resolve(from, spec)
  if (relative(root, target).startsWith('..')) throw new UsageError(`[motia] ${what}, which is outside the project (${target}): move the file into the project, or read it at run time from the working directory`)
  if (/[*?{[]/.test(spec)) {
    const base = resolve(from)
    const files = [...new Bun.Glob(spec).scanSync({ cwd: base, absolute: true, onlyFiles: true })]
    if (files.length === 0) throw new UsageError(`[motia] ${what}, which matches no file: fix the pattern, or remove it`)
    return files
  }
  if (!existsSync(target)) throw new UsageError(`[motia] ${what}, which does not exist (${relative(root, target)}): fix the path, or remove it — motia build embeds every file a step reads`)
  if (isDirectory(target)) return [...new Bun.Glob('**/*').scanSync({ cwd: target, absolute: true, onlyFiles: true })]
  return [target]
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}

function loaderOf(path: string): 'ts' | 'tsx' | 'js' | 'jsx' {
  if (/\.tsx$/.test(path)) return 'tsx'
  if (/\.[mc]?ts$/.test(path)) return 'ts'
  if (/\.jsx$/.test(path)) return 'jsx'
  return 'js'
}
