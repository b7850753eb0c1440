/**
 * Edits `motia.config.ts` through its syntax tree (magicast), so comments and formatting outside
 * the lines it changes stay as they were. Pure functions from source text to source text.
 */
import { builders, parseModule, type ProxifiedModule } from 'magicast'
import { getDefaultExportOptions } from 'magicast/helpers'
import { UsageError } from '../errors.ts'
import { refuseForbiddenKeys } from './options.ts'

/** What a new config file starts as. */
export const newConfigSource = `import { defineConfig } from 'motia'\n\nexport default defineConfig({})\n`

export interface PluginEntry {
  importFrom: string
  exportName: string
  local: string
  /** Call the export with these options; `undefined` for a plain plugin object. */
  options: Record<string, unknown> | undefined
}

/** One entry of `plugins: [...]`, with where its import comes from (when it is imported). */
export interface ConfiguredEntry {
  index: number
  local?: string
  importFrom?: string
}

/** Adds (or updates the options of) a plugin; returns the source unchanged when it is there already. */
export function addPlugin(source: string, entry: PluginEntry): string {
  // The options become an object literal in the config: a `__proto__` key there would set its prototype.
  refuseForbiddenKeys(entry.options, `the options of ${entry.importFrom}`)
  const mod = parse(source)
  const existing = findImport(mod, entry.importFrom)
  const local = existing ?? freeName(mod, entry.local)
  if (!existing) mod.imports.$append({ from: entry.importFrom, imported: entry.exportName, local })
  const config = configObject(mod)
  if (config.plugins === undefined) config.plugins = []
  const plugins = config.plugins
  if (!Array.isArray(plugins) && plugins.$type !== 'array') throw new UsageError('[motia] plugins in motia.config.ts is not an array literal: add the plugin by hand')
  const item = entry.options === undefined ? builders.raw(local) : builders.functionCall(local, ...(Object.keys(entry.options).length ? [entry.options] : []))
  const at = entries(plugins).findIndex((e) => e.local === local)
  if (at >= 0) {
    const current = plugins[at] as { $type?: string; $args?: unknown[] }
    const same = JSON.stringify(current.$args?.[0] ?? {}) === JSON.stringify(entry.options ?? {})
    if (same || entry.options === undefined) return source
    plugins[at] = item
  } else {
    plugins.push(item)
  }
  return finish(mod, source)
}

/** The entries of `plugins: [...]` and their import sources. */
export function listPlugins(source: string): ConfiguredEntry[] {
  const mod = parse(source)
  const plugins = configObject(mod).plugins
  if (plugins === undefined) return []
  const sources = new Map(Object.values(mod.imports).map((i) => [i.local, i.from]))
  return entries(plugins).map((e, index) => ({ index, local: e.local, importFrom: e.local ? sources.get(e.local) : undefined }))
}

/** Removes entry `index` and, when nothing else uses it, its import; drops an emptied `plugins`. */
export function removePlugin(source: string, index: number): string {
  const mod = parse(source)
  const config = configObject(mod)
  const plugins = config.plugins
  const entry = entries(plugins)[index]
  if (!entry) throw new UsageError(`[motia] motia.config.ts has no plugin #${index + 1}`)
  plugins.splice(index, 1)
  if (plugins.length === 0) delete config.plugins
  if (entry.local && mod.imports[entry.local]) {
    const rest = mod.generate().code
    const uses = rest.match(new RegExp(`\\b${entry.local}\\b`, 'g'))?.length ?? 0
    if (uses <= 1) delete mod.imports[entry.local]
  }
  return finish(mod, source)
}

// --- internal ---

function parse(source: string): ProxifiedModule {
  try {
    return parseModule(source)
  } catch (error) {
    throw new UsageError(`[motia] motia.config.ts does not parse (${(error as Error).message}): fix it first`)
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- magicast proxies are untyped
function configObject(mod: ProxifiedModule): any {
  try {
    return getDefaultExportOptions(mod)
  } catch {
    throw new UsageError('[motia] motia.config.ts must `export default defineConfig({ ... })` (or an object) for motia plugin to edit it')
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- magicast proxies are untyped
function entries(plugins: any): Array<{ local?: string }> {
  const out: Array<{ local?: string }> = []
  for (let i = 0; i < plugins.length; i++) {
    const item = plugins[i]
    if (item && typeof item === 'object' && item.$type === 'function-call') out.push({ local: String(item.$callee) })
    else if (item && typeof item === 'object' && item.$type === 'identifier') out.push({ local: String(item.$name) })
    else out.push({ local: identifierOf(item) })
  }
  return out
}

/** magicast hands plain identifiers back as proxies without $type in some versions. */
function identifierOf(item: unknown): string | undefined {
  const ast = (item as { $ast?: { type?: string; name?: string } } | undefined)?.$ast
  return ast?.type === 'Identifier' ? ast.name : undefined
}

function findImport(mod: ProxifiedModule, from: string): string | undefined {
  return Object.values(mod.imports).find((i) => i.from === from)?.local
}

function freeName(mod: ProxifiedModule, wanted: string): string {
  const code = mod.generate().code
  let name = wanted
  for (let n = 2; new RegExp(`\\b${name}\\b`).test(code); n++) name = `${wanted}${n}`
  return name
}

/** Keeps the file's own ending: recast drops the last newline. */
function finish(mod: ProxifiedModule, original: string): string {
  const code = mod.generate().code
  return original.endsWith('\n') && !code.endsWith('\n') ? `${code}\n` : code
}
