/** How the CLI talks: aligned tables, JSON for scripts (a user mistake is a thrown `UsageError`). */
import { UsageError } from './errors.ts'

/** Prints rows as aligned columns under a header; long cells are cut to `maxWidth`. */
export function printTable(header: string[], rows: string[][], maxWidth = 60): void {
  const cut = (cell: string) => (cell.length > maxWidth ? `${cell.slice(0, maxWidth - 1)}…` : cell)
  const all = [header, ...rows.map((row) => row.map(cut))]
  const widths = header.map((_, column) => Math.max(...all.map((row) => (row[column] ?? '').length)))
  for (const row of all) process.stdout.write(`${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd()}\n`)
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`)
}

/** Parses a JSON argument, failing with the option's name and the parser's complaint. */
export function parseJsonArgument(name: string, text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new UsageError(`${name} is not valid JSON (${(error as Error).message}): quote it for the shell, e.g. ${name} '{"id":1}'`, { cause: error })
  }
}
