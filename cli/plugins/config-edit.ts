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
  /** Options read from the environment: written as `process.env.<variable> ?? <the option's value, or fallback>`. */
  env?: Record<string, { variable: string; fallback: string }>
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
  const options = entry.options && entry.env ? fromEnvironment(entry.options, entry.env, styleOf(source).quote) : entry.options
  const item = options === undefined ? builders.raw(local) : builders.functionCall(local, ...(Object.keys(options).length ? [options] : []))
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

/** `options` with the ones the environment gives turned into `process.env.X ?? 'value'` expressions. */
function fromEnvironment(options: Record<string, unknown>, env: NonNullable<PluginEntry['env']>, quote: 'single' | 'double'): Record<string, unknown> {
  const out: Record<string, unknown> = { ...options }
  for (const [key, { variable, fallback }] of Object.entries(env)) {
    const value = options[key] ?? fallback
    if (typeof value !== 'string') continue
    const literal = quote === 'single' ? `'${JSON.stringify(value).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'` : JSON.stringify(value)
    out[key] = builders.raw(`process.env.${variable} ?? ${literal}`)
  }
  return out
}

/**
 * Prints the edited module in the file's own style: its quotes, indentation and semicolons (recast
 * guesses them poorly), no blank lines wedged between imports or before `plugins`, and its last
 * newline (recast drops it).
 */
function finish(mod: ProxifiedModule, original: string): string {
  const style = styleOf(original)
  let code = mod.generate({ format: { quote: style.quote, tabWidth: style.tabWidth, useTabs: style.useTabs, wrapColumn: 100 } }).code
  const kept = new Set(original.split('\n'))
  const lines = code.split('\n')
  const out: string[] = []
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!
    const isNew = !kept.has(line)
    // A blank line recast put before a line it added, between imports or before `plugins`.
    const next = lines[i + 1] ?? ''
    if (line.trim() === '' && !kept.has(next) && ((/^import /.test(out.at(-1) ?? '') && /^import /.test(next)) || /^\s*plugins:/.test(next))) continue
    if (isNew && !style.semi && /;$/.test(line) && !/^\s*for\s*\(/.test(line)) line = line.slice(0, -1)
    out.push(line)
  }
  code = out.join('\n')
  return original.endsWith('\n') && !code.endsWith('\n') ? `${code}\n` : code
}

/** The quotes, indentation and semicolons `source` uses (a new file: single quotes, two spaces, none). */
function styleOf(source: string): { quote: 'single' | 'double'; tabWidth: number; useTabs: boolean; semi: boolean } {
  const singles = source.match(/(^|[\s(,[{:=])'/gm)?.length ?? 0
  const doubles = source.match(/(^|[\s(,[{:=])"/gm)?.length ?? 0
  const indents = source.split('\n').map((line) => /^([ \t]+)\S/.exec(line)?.[1]).filter((i): i is string => i !== undefined)
  const useTabs = indents.length > 0 && indents.filter((i) => i.startsWith('\t')).length > indents.length / 2
  const spaces = indents.filter((i) => !i.startsWith('\t')).map((i) => i.length)
  const statements = source.split('\n').filter((line) => /^(import|export)\b/.test(line) && !/[{,(\[]$/.test(line.trim()))
  const closing = source.split('\n').filter((line) => /^[})\]]+[)\]]*;?$/.test(line.trim()) && !/^\s/.test(line))
  const ended = [...statements, ...closing]
  return {
    quote: doubles > singles ? 'double' : 'single',
    tabWidth: spaces.length ? Math.min(...spaces) : 2,
    useTabs,
    semi: ended.length > 0 && ended.filter((line) => line.trimEnd().endsWith(';')).length > ended.length / 2,
  }
}
