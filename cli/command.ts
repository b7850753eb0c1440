/**
 * How a command file declares itself: its name, arguments, options, help and examples, and what
 * it runs. cli/index.ts turns each definition into a commander command. `motia --help` imports
 * every command file, so a command file imports its heavy modules (the runtime, prompts, the
 * template downloader) inside `run`, not at its top.
 */
import { statSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Command } from 'commander'
import { UsageError } from './errors.ts'

export interface OptionDefinition {
  /** Commander's syntax: `-p, --port <port>`, `--json`, `--no-install`. */
  flags: string
  description: string
  /** Turns the text into the value; throws a `UsageError` for a bad one. */
  parse?: (value: string, previous: never) => unknown
  default?: unknown
  required?: boolean
}

export interface CommandDefinition {
  /** `dev`, or `list` within a group. */
  name: string
  description: string
  /** Commander's syntax: `<group>`, `[ids...]`. */
  arguments?: ReadonlyArray<{ name: string; description?: string }>
  options?: readonly OptionDefinition[]
  /** Takes the shared `-d, --dir <dir>`: the project folder, which must exist. */
  dir?: boolean
  /** Shown under "Examples:" in `--help`, each a whole command line. */
  examples: readonly string[]
  /**
   * Called with the arguments, then the options. Resolves when the command is done; a command
   * that serves until it is stopped (dev, start) resolves with the exit code then.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each command types its own arguments
  run(...args: any[]): Promise<number | void>
}

/** A command with subcommands (`motia dlq list`). */
export interface CommandGroup {
  name: string
  description: string
  examples: readonly string[]
  commands: readonly CommandDefinition[]
}

/** Types a command definition. Exists only for inference. */
export function defineCommand<const D extends CommandDefinition | CommandGroup>(definition: D): D {
  return definition
}

/** The shared `--dir` option. */
export const dirOption: OptionDefinition = { flags: '-d, --dir <dir>', description: 'project folder', default: '.' }

export const jsonOption: OptionDefinition = { flags: '--json', description: 'print JSON' }

/** `motia dev` and `motia start`'s `--port` and `--host`; `host` says what the host defaults to. */
export function listenOptions(host: string): OptionDefinition[] {
  return [
    { flags: '-p, --port <port>', description: 'port to listen on (default 3111, or $PORT)', parse: parsePort },
    { flags: '-H, --host <host>', description: `interface to bind (default ${host})` },
  ]
}

/** Adds `definition` to `parent`; the exit code a command resolves with goes to `onExit`. */
export function addCommand(parent: Command, definition: CommandDefinition | CommandGroup, onExit: (code: number) => void): void {
  const command = parent.command(definition.name).description(definition.description)
  if ('commands' in definition) {
    for (const sub of definition.commands) addCommand(command, sub, onExit)
  } else {
    for (const argument of definition.arguments ?? []) command.argument(argument.name, argument.description)
    for (const option of [...(definition.options ?? []), ...(definition.dir ? [dirOption] : [])]) {
      const add = (option.required ? command.requiredOption : command.option).bind(command) as (flags: string, description: string, parse?: unknown, value?: unknown) => Command
      if (option.parse) add(option.flags, option.description, option.parse, option.default)
      else add(option.flags, option.description, option.default)
    }
    command.action(async (...args: unknown[]) => {
      if (definition.dir) checkProjectDir((command.opts() as { dir: string }).dir)
      const code = await definition.run(...args.slice(0, -1))
      if (typeof code === 'number') onExit(code)
    })
  }
  const { examples } = definition
  command.addHelpText('after', `\n${examples.length === 1 ? 'Example' : 'Examples'}:\n${examples.map((line) => `  ${line}\n`).join('')}`)
}

/**
 * Runs `definition` on `args` (what follows its name) without commander, when they are only its
 * own options in their plain forms (`--port 3000`, `--port=3000`, `-p 3000`) and `--debug`: the
 * same values, defaults and checks as through commander, which costs a server's start ~13 ms and
 * ~1 MiB to load. Returns undefined for anything else (help, an argument, an unknown or repeated
 * option, a missing value, a group), which cli/index.ts then hands to commander as before.
 */
export function runPlain(definition: CommandDefinition | CommandGroup, args: readonly string[]): Promise<number | void> | undefined {
  if ('commands' in definition || definition.arguments?.length) return undefined
  const options = [...(definition.options ?? []), ...(definition.dir ? [dirOption] : [])].map(plainOption)
  if (options.some((option) => option === undefined || option.definition.required)) return undefined
  const given = new Map<PlainOption, string | true>()
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg === '--debug') continue
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined]
    const option = options.find((o) => o!.long === name || (o!.short !== undefined && o!.short === name))
    if (!option || given.has(option)) return undefined
    if (!option.takesValue) {
      if (inline !== undefined) return undefined
      given.set(option, true)
      continue
    }
    const value = inline ?? args[++i]
    if (value === undefined || (inline === undefined && value.startsWith('-'))) return undefined
    given.set(option, value)
  }
  const opts: Record<string, unknown> = {}
  for (const option of options as PlainOption[]) {
    const value = given.get(option)
    const { parse, default: fallback } = option.definition
    if (value === undefined) {
      if (fallback !== undefined) opts[option.key] = fallback
    } else opts[option.key] = value === true || !parse ? value : parse(value, fallback as never)
  }
  if (definition.dir) checkProjectDir(opts.dir as string)
  return definition.run(opts)
}

/** `--port`: a whole number from 0 to 65535. */
export function parsePort(value: string): number {
  const port = Number(value)
  if (!/^\d+$/.test(value) || port > 65535) throw new UsageError(`--port must be a number from 0 to 65535, got "${value}"`)
  return port
}

/** A whole number ≥ 0 for `flag`, e.g. `parseCount('--delay', 'milliseconds')`. */
export function parseCount(flag: string, unit?: string): (value: string) => number {
  return (value) => {
    const n = Number(value)
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} must be a whole number${unit ? ` of ${unit}` : ''}, got "${value}"`)
    return n
  }
}

// --- internal ---

interface PlainOption {
  definition: OptionDefinition
  short?: string
  long: string
  /** The key commander gives it: `--log-level` → `logLevel`. */
  key: string
  takesValue: boolean
}

/** `-p, --port <port>` or `--json`; undefined for the forms `runPlain` leaves to commander (`--no-…`, `[optional]`, `<values...>`). */
function plainOption(definition: OptionDefinition): PlainOption | undefined {
  const match = /^(?:(-\w), )?(--[a-z][\w-]*)(?: <(\w+)>)?$/.exec(definition.flags)
  if (!match || match[2]!.startsWith('--no-')) return undefined
  const key = match[2]!.slice(2).replace(/-(\w)/g, (_, letter: string) => letter.toUpperCase())
  return { definition, short: match[1], long: match[2]!, key, takesValue: match[3] !== undefined }
}

/** Every command with --dir works on an existing project: a typo must not create a new folder. */
function checkProjectDir(dir: string): void {
  const path = resolve(dir)
  let stats
  try {
    stats = statSync(path)
  } catch {
    throw new UsageError(`--dir ${dir}: no such folder (${path}); pass the folder of your project (the one with steps/ and package.json)`)
  }
  if (!stats.isDirectory()) throw new UsageError(`--dir ${dir}: ${path} is a file, not a folder; pass the folder of your project`)
}
