/**
 * Stream definitions: `*.stream.ts|js` files anywhere steps are found, each exporting
 * `config: StreamConfig`. Loaded and validated like steps: a broken file is reported with its path
 * and the fix and never stops the others; two files defining one name are both refused.
 */
import { relative, resolve } from 'node:path'
import { statSync } from 'node:fs'
import { ConfigError } from '../errors.ts'
import { compileSchema, isSchema, type Validate } from '../step/schema.ts'
import { stepRoots } from '../discovery/conventions.ts'
import type { StreamConfig } from './types.ts'

export interface LoadedStream {
  name: string
  file: string
  relativePath: string
  config: StreamConfig
  validate: Validate
}

export interface StreamLoadResult {
  streams: LoadedStream[]
  errors: ConfigError[]
  /** Files left out, with why (a compiled `.js` twin of a `.ts` stream file). */
  warnings: string[]
}

/** True for `*.stream.ts|js|mjs`. */
export function isStreamFile(path: string): boolean {
  return /\.stream\.(ts|js|mjs)$/.test(path)
}

/** Every stream file under the project's step roots, sorted, absolute. */
export function findStreamFiles(root: string): string[] {
  const glob = new Bun.Glob('**/*.stream.{ts,js,mjs}')
  const files: string[] = []
  for (const dir of stepRoots) {
    const base = resolve(root, dir)
    if (!isDirectory(base)) continue
    for (const path of glob.scanSync({ cwd: base, absolute: true, onlyFiles: true })) if (!path.includes('/node_modules/')) files.push(path)
  }
  return files.sort()
}

/** Loads every stream file through `load` (an import, or a compiled executable's module table). */
export async function loadStreams(root: string, files: readonly string[], load: (file: string) => Promise<unknown>): Promise<StreamLoadResult> {
  const result: StreamLoadResult = { streams: [], errors: [], warnings: [] }
  const byName = new Map<string, LoadedStream>()
  const refused = new Set<string>()
  const twins = compiledTwins(files)
  for (const [js, ts] of twins) {
    result.warnings.push(`[motia] ${relative(root, js)} is the compiled twin of ${relative(root, ts)}: the TypeScript file defines the stream, this one is not loaded (delete it, or keep compiled output out of steps/ and src/)`)
  }
  for (const file of files) {
    if (twins.has(file)) continue
    const relativePath = relative(root, file)
    try {
      const stream = define(file, relativePath, await load(file))
      const same = byName.get(stream.name)
      if (same) {
        result.errors.push(new ConfigError(`[motia] duplicate stream name "${stream.name}" in ${same.relativePath} and ${relativePath}: rename one (config.name)`, { file: relativePath }))
        refused.add(stream.name)
      } else byName.set(stream.name, stream)
    } catch (error) {
      const message = error instanceof ConfigError ? error.message : `[motia] ${relativePath} failed to load: ${error instanceof Error ? error.message : String(error)}`
      result.errors.push(error instanceof ConfigError ? error : new ConfigError(message, { file: relativePath, cause: error }))
    }
  }
  // Neither file of a duplicate wins: which one would depends on file order, a silent surprise.
  result.streams = [...byName.values()].filter((stream) => !refused.has(stream.name))
  return result
}

// --- internal ---

/** The config of a Motia `new Stream(config)` object, when that is all a stream file exports. */
function streamObjectConfig(mod: Record<string, unknown> | undefined): unknown {
  for (const value of Object.values(mod ?? {})) {
    const config = (value as { config?: { name?: unknown; schema?: unknown } } | null)?.config
    if (typeof value === 'object' && config && typeof config.name === 'string' && config.schema !== undefined) return config
  }
  return undefined
}

/** `x.stream.js` (or `.mjs`) beside `x.stream.ts`, as a TypeScript build leaves it: js → ts. */
function compiledTwins(files: readonly string[]): Map<string, string> {
  const typescript = new Set(files.filter((file) => file.endsWith('.ts')))
  const twins = new Map<string, string>()
  for (const file of files) {
    const ts = file.replace(/\.m?js$/, '.ts')
    if (ts !== file && typescript.has(ts)) twins.set(file, ts)
  }
  return twins
}

function define(file: string, relativePath: string, exported: unknown): LoadedStream {
  const mod = exported as { config?: unknown; default?: { config?: unknown } } | undefined
  const config = (mod?.config ?? mod?.default?.config ?? mod?.default ?? streamObjectConfig(mod)) as Partial<StreamConfig> | undefined
  const fail = (what: string) => new ConfigError(`[motia] ${relativePath}: ${what}`, { file: relativePath })
  if (typeof config !== 'object' || config === null) {
    throw fail(`a stream file exports config, e.g. export const config: StreamConfig = { name: 'todo', schema: z.object({ text: z.string() }) }`)
  }
  if (typeof config.name !== 'string' || !/^[A-Za-z_$][\w$-]*$/.test(config.name)) {
    throw fail(`config.name must be a name made of letters, digits, _ or - (got ${JSON.stringify(config.name)}), e.g. name: 'todo'`)
  }
  const where = `stream "${config.name}"`
  if (!isSchema(config.schema)) throw fail(`${where}: config.schema must be a zod (or other Standard) schema or a JSON Schema, e.g. schema: z.object({ text: z.string() })`)
  for (const hook of ['canAccess', 'onJoin', 'onLeave'] as const) {
    if (config[hook] !== undefined && typeof config[hook] !== 'function') throw fail(`${where}: config.${hook} must be a function`)
  }
  if (config.baseConfig !== undefined && config.baseConfig?.storageType !== 'default') {
    throw fail(`${where}: baseConfig.storageType "${String(config.baseConfig?.storageType)}" is not supported; leave baseConfig out or use { storageType: 'default' }`)
  }
  return { name: config.name, file, relativePath, config: config as StreamConfig, validate: compileSchema(config.schema) }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}
