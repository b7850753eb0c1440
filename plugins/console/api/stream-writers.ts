/**
 * Which streams a step writes, for the flow graph's step → stream edges. A step's config does not
 * declare them, so its source is read: `streams.todo`, `streams['todo']` (ctx or module-level, in
 * TypeScript, JavaScript or Python) or an import of the stream's own file (`./todo.stream`, as
 * Motia's `new Stream(config)` projects do), in the step's file and in the project files it
 * imports by a relative path (one level: a service module that writes for it). A read counts as
 * well as a write: both mean the step works with the stream. The sources are read once per loaded
 * step (a reload makes new steps).
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import type { LoadedStep } from 'motia'

/** The names among `streams` that `step`'s file uses. */
export function streamsWrittenBy(step: LoadedStep, streams: readonly string[]): string[] {
  if (streams.length === 0) return []
  const source = sourceOf(step)
  return source ? streams.filter((name) => usesStream(source, name)) : []
}

// --- internal ---

const sources = new WeakMap<LoadedStep, string>()

function sourceOf(step: LoadedStep): string {
  let source = sources.get(step)
  if (source === undefined) {
    const own = read(step.file)
    const imported = [...own.matchAll(relativeImport)].map((m) => resolveImport(step.file, m[1] ?? m[2]!))
    // A stream's own file is not read: its hooks (`onJoin`) may use other streams.
    const helpers = imported.filter((file): file is string => !!file && !file.includes('node_modules') && !/[._]stream\.[cm]?[jt]sx?$/.test(file))
    source = [own, ...helpers.map(read)].join('\n')
    sources.set(step, source)
  }
  return source
}

/** `from './x'`, `import('./x')`, `require('./x')`: the relative specifiers of a module. */
const relativeImport = /\bfrom\s*['"](\.\.?\/[^'"]+)['"]|\b(?:import|require)\s*\(\s*['"](\.\.?\/[^'"]+)['"]/g

const extensions = ['', '.ts', '.tsx', '.mts', '.js', '.mjs', '/index.ts', '/index.js']

function resolveImport(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier)
  return extensions.map((ext) => base + ext).find((file) => existsSync(file) && statSync(file).isFile())
}

function read(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return ''
  }
}

function usesStream(source: string, name: string): boolean {
  const n = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`streams\\s*(?:\\?\\.|\\.)\\s*${n}\\b|streams\\s*\\[\\s*['"\`]${n}['"\`]\\s*\\]|['"][^'"]*\\b${n}[._]stream(?:\\.[jt]s)?['"]`).test(source)
}
