/**
 * Which streams a step writes, for the flow graph's step → stream edges. A step's config does not
 * declare them, so its source is read: `streams.todo`, `streams['todo']` (ctx or module-level, in
 * TypeScript, JavaScript or Python) or an import of the stream's own file (`./todo.stream`, as
 * Motia's `new Stream(config)` projects do). A read counts as well as a write: both mean the step
 * works with the stream. The source is read once per loaded step (a reload makes new steps).
 */
import { readFileSync } from 'node:fs'
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
    try {
      source = readFileSync(step.file, 'utf8')
    } catch {
      source = ''
    }
    sources.set(step, source)
  }
  return source
}

function usesStream(source: string, name: string): boolean {
  const n = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`streams\\s*(?:\\?\\.|\\.)\\s*${n}\\b|streams\\s*\\[\\s*['"\`]${n}['"\`]\\s*\\]|['"][^'"]*\\b${n}[._]stream(?:\\.[jt]s)?['"]`).test(source)
}
