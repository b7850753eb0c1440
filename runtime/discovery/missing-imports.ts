/**
 * A step file that imports modules which cannot be found fails on the first one; a team copying
 * its steps from a Motia project then fixes one import per restart. On such a failure this lists
 * every import of the failing file that does not resolve, each with its fix, in one error.
 */
import { readFileSync } from 'node:fs'
import { dirname, relative } from 'node:path'
import { ConfigError } from '../errors.ts'

/**
 * The Motia packages this runtime knows (runtime/compat/ passes them in): which imports it
 * provides, and the fix for one with no counterpart here.
 */
export interface MotiaModules {
  isProvided(specifier: string): boolean
  noCounterpart(name: string): string
}

/** The error to report for a step file that failed to import: all missing imports, or `error` as it is. */
export function describeLoadFailure(error: unknown, file: string, root: string, motia?: MotiaModules): unknown {
  const failure = error as { code?: string; referrer?: string; specifier?: string } | null
  if (failure?.code !== 'ERR_MODULE_NOT_FOUND' || typeof failure.referrer !== 'string') return error
  // The failing import may sit in a helper module the step imports: scan that module.
  const importer = failure.referrer.startsWith('/') ? failure.referrer : file
  const missing = missingImports(importer).filter((spec) => !motia?.isProvided(spec))
  if (missing.length === 0) return error
  const where = relative(root, importer)
  const list = missing.map((spec) => `'${spec}' (${fixFor(spec, motia)})`).join(', ')
  return new ConfigError(`[motia] ${where} imports ${missing.length === 1 ? 'a module' : `${missing.length} modules`} that cannot be found: ${list}`, { file: where, cause: error })
}

/** The import specifiers of `file` (type-only imports excluded) that do not resolve from its folder. */
export function missingImports(file: string): string[] {
  let source: string
  try {
    source = readFileSync(file, 'utf8')
  } catch {
    return []
  }
  const loader = file.endsWith('.ts') ? 'ts' : 'js'
  const specs = new Set(new Bun.Transpiler({ loader }).scanImports(source).map((i) => i.path))
  return [...specs].filter((spec) => !spec.startsWith('node:') && !spec.startsWith('bun:') && !resolves(spec, dirname(file)))
}

/** Whether `specifier` resolves from the folder `from`. */
export function resolves(specifier: string, from: string): boolean {
  try {
    Bun.resolveSync(specifier, from)
    return true
  } catch {
    return false
  }
}

/** The package a bare specifier names: `@scope/name` or `name`, without a subpath. */
export function packageName(spec: string): string {
  const parts = spec.split('/')
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!
}

// --- internal ---

function fixFor(spec: string, motia: MotiaModules | undefined): string {
  if (!isBare(spec)) return 'no such file'
  const name = packageName(spec)
  return motia && name.startsWith('@motiadev/') ? motia.noCounterpart(name) : `install it: bun add ${name}`
}

function isBare(spec: string): boolean {
  return !spec.startsWith('.') && !spec.startsWith('/')
}
