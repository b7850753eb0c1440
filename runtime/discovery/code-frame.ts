/**
 * Where a step file (or a module it imports) failed to load, shown the way compilers show it:
 * `file:line:column`, the message, and a few lines of the source with a caret under the spot.
 * Bun's parse errors carry their position; an error thrown while a module's top level runs is
 * located by the first frame of its stack that lies in the project.
 */
import { readFileSync } from 'node:fs'
import { isAbsolute, relative, resolve } from 'node:path'

/** A spot in a source file; `line` and `column` count from 1. */
export interface SourceLocation {
  /** Absolute path. */
  file: string
  line: number
  column: number
}

/**
 * Where `error` points in the project under `root`: Bun's `position` (a syntax error), else the
 * first stack frame in a project file outside node_modules. Undefined when neither says.
 */
export function locateError(error: unknown, root: string): SourceLocation | undefined {
  const position = (error as { position?: { file?: unknown; line?: unknown; column?: unknown } } | null)?.position
  if (position && typeof position.file === 'string' && typeof position.line === 'number' && position.line > 0) {
    return { file: resolve(root, position.file), line: position.line, column: typeof position.column === 'number' && position.column > 0 ? position.column : 1 }
  }
  const stack = (error as { stack?: unknown } | null)?.stack
  if (typeof stack !== 'string') return undefined
  for (const match of stack.matchAll(/\(?((?:file:\/\/)?\/[^\s():]+):(\d+):(\d+)\)?/g)) {
    const file = match[1]!.replace(/^file:\/\//, '')
    if (!isAbsolute(file) || file.includes('/node_modules/') || relative(root, file).startsWith('..')) continue
    return { file, line: Number(match[2]), column: Number(match[3]) }
  }
  return undefined
}

/**
 * `context` lines either side of `location`, numbered, the line itself marked with `>` and a caret
 * under its column. Tabs are kept so the caret lines up. Empty when the file cannot be read or has
 * no such line.
 *
 * @example
 *     3 | export const handler = async () => {
 *   > 4 |   const x: number = 1 +
 *     |                     ^
 */
export function codeFrame(location: SourceLocation, context = 2): string {
  let source: string
  try {
    source = readFileSync(location.file, 'utf8')
  } catch {
    return ''
  }
  const lines = source.split(/\r?\n/)
  if (lines.length > 1 && lines.at(-1) === '') lines.pop()
  const at = location.line - 1
  if (at < 0 || at >= lines.length) return ''
  const first = Math.max(0, at - context)
  const last = Math.min(lines.length - 1, at + context)
  const width = String(last + 1).length
  const out: string[] = []
  for (let i = first; i <= last; i++) {
    const text = clip(lines[i]!)
    out.push(`${i === at ? '>' : ' '} ${String(i + 1).padStart(width)} | ${text}`)
    if (i === at) {
      const before = text.slice(0, Math.max(0, location.column - 1)).replace(/[^\t]/g, ' ')
      out.push(`  ${' '.repeat(width)} | ${before}^`)
    }
  }
  return out.join('\n')
}

/**
 * `message` located: `file:line:column: message` and the code frame below it, indented. `file`
 * is shown relative to `root`.
 */
export function describeAt(location: SourceLocation, message: string, root: string): string {
  const frame = codeFrame(location)
  const where = `${relative(root, location.file) || location.file}:${location.line}:${location.column}`
  return frame ? `${where}: ${message}\n${indent(frame)}` : `${where}: ${message}`
}

// --- internal ---

/** Minified or generated lines would flood the terminal: keep the first 160 characters. */
function clip(line: string): string {
  return line.length > 160 ? `${line.slice(0, 160)}…` : line
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n')
}
