/**
 * Writes a project from a template folder: copies the files, names the package, points its
 * `motia` dependency at this framework, and adds the `--cursor` rules when asked.
 */
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import pkg from '../../package.json' with { type: 'json' }
import { templatesRoot } from './templates.ts'

export interface ScaffoldOptions {
  from: string
  to: string
  packageName: string
  cursor: boolean
}

/** Where this copy of the framework lives: a checkout, or `…/node_modules/motia`. */
export const frameworkRoot = resolve(import.meta.dir, '../..')

/**
 * The `motia` dependency of a new project, a spec both npm and bun install: `file:` this
 * checkout when run from one (npm links it, bun copies it; neither reads the other's `link:`),
 * `file:` the same tarball or folder when this copy was installed from one, else the release.
 */
export function motiaDependency(root: string = frameworkRoot): string {
  const parts = root.split(/[\\/]/)
  const at = parts.lastIndexOf('node_modules')
  if (at === -1) return `file:${root}`
  return installedFrom(parts.slice(0, at).join(sep), root) ?? `^${pkg.version}`
}

export function scaffold(options: ScaffoldOptions): void {
  cpSync(options.from, options.to, {
    recursive: true,
    force: true,
    filter: (source) => !/[\\/](node_modules|\.motia|dist)$/.test(source),
  })
  rmSync(join(options.to, 'template.json'), { force: true })
  // npm leaves .gitignore files out of published packages, so a template from the registry has none.
  if (!existsSync(join(options.to, '.gitignore'))) writeFileSync(join(options.to, '.gitignore'), 'node_modules/\n.motia/\ndist/\n')
  if (options.cursor) cpSync(join(templatesRoot, '_cursor'), options.to, { recursive: true, force: true })
  const manifest = join(options.to, 'package.json')
  const json = existsSync(manifest) ? (JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, unknown>) : {}
  writeFileSync(manifest, `${JSON.stringify(projectManifest(json, options.packageName), null, 2)}\n`)
}

// --- internal ---

type Manifest = Record<string, unknown>

/** The template's package.json, made into the new project's. */
function projectManifest(json: Manifest, name: string): Manifest {
  // A plugin package (motia as a peer, templates/plugin) gets motia for its own tests only, so
  // the projects that use it keep one copy of the runtime.
  const plugin = Boolean((json.peerDependencies as Record<string, string> | undefined)?.motia)
  const dependencies = { ...(json.dependencies as Record<string, string> | undefined), ...(plugin ? {} : { motia: motiaDependency() }) }
  // Bun comes from npm too, so `npm run dev` and `npm test` work on a machine that has only Node.
  const devDependencies = {
    bun: pkg.dependencies.bun,
    typescript: pkg.devDependencies.typescript,
    '@types/bun': pkg.devDependencies['@types/bun'],
    ...(json.devDependencies as Record<string, string> | undefined),
    ...(plugin ? { motia: motiaDependency() } : {}),
  }
  const scripts = { dev: 'motia dev', start: 'motia start', build: 'motia build', ...(json.scripts as Record<string, string> | undefined) }
  // bun's postinstall puts its binary in node_modules/.bin/bun (used by `bun test`); npm 12 runs a
  // dependency's install script only when allowScripts names it.
  // msgpackr-extract (BullMQ's optional native msgpack) is refused: its JS fallback works, and its
  // script would build native code on the user's machine.
  const allowScripts = { bun: true, 'msgpackr-extract': false, ...(json.allowScripts as Record<string, boolean> | undefined) }
  return { ...json, name, private: !plugin, type: 'module', scripts, dependencies, devDependencies, allowScripts }
}

/**
 * `file:<absolute path>` when npm installed this copy from a tarball or a folder, read from the
 * record npm keeps in `node_modules/.package-lock.json`; undefined for the registry (or bun).
 */
function installedFrom(projectRoot: string, root: string): string | undefined {
  const lock = join(projectRoot, 'node_modules', '.package-lock.json')
  if (!existsSync(lock)) return undefined
  try {
    const packages = (JSON.parse(readFileSync(lock, 'utf8')) as { packages?: Record<string, { resolved?: string; link?: boolean }> }).packages ?? {}
    const entry = packages[relative(projectRoot, root).split(sep).join('/')]
    const resolved = entry?.resolved
    if (!resolved) return undefined
    if (entry.link) return `file:${resolve(projectRoot, resolved)}`
    if (!resolved.startsWith('file:')) return undefined
    const path = resolved.slice('file:'.length)
    return `file:${isAbsolute(path) ? path : resolve(projectRoot, path)}`
  } catch {
    return undefined
  }
}
