#!/usr/bin/env bun
/**
 * The `motia` command. Each command file (cli/commands/) declares its options, help and examples;
 * this file assembles them and is the only one that decides how the process exits (`finish`, which
 * the compiled executable's entry uses too): a user mistake (`UsageError`, or any `MotiaError`)
 * prints one line and exits 1, the stack shows only with --debug.
 */
import pkg from '../package.json' with { type: 'json' }
import { MotiaError } from '../runtime/errors.ts'
import { addCommand, runPlain, type CommandDefinition, type CommandGroup } from './command.ts'

type Definition = CommandDefinition | CommandGroup

/**
 * The built-in commands by name, in the order `motia --help` lists them. A command file is
 * imported only when it is needed: `motia start` loads start.ts alone (the server's start-up
 * pays for no other command's module), `motia --help` and unknown names load them all.
 */
const builtins: Record<string, () => Promise<{ default: Definition }>> = {
  create: () => import('./commands/create.ts'),
  templates: () => import('./commands/templates.ts'),
  dev: () => import('./commands/dev.ts'),
  start: () => import('./commands/start.ts'),
  enqueue: () => import('./commands/enqueue.ts'),
  build: () => import('./commands/build.ts'),
  generate: () => import('./commands/generate.ts'),
  plugin: () => import('./commands/plugin.ts'),
  dlq: () => import('./commands/dlq.ts'),
  runs: () => import('./commands/runs.ts'),
  replay: () => import('./commands/replay.ts'),
  logs: () => import('./commands/logs.ts'),
  traces: () => import('./commands/traces.ts'),
  state: () => import('./commands/state.ts'),
}

/** The built-in commands named (all of them by default), in help order. */
export async function loadCommands(names: readonly string[] = Object.keys(builtins)): Promise<Definition[]> {
  return Promise.all(names.map(async (name) => (await builtins[name]!()).default))
}

/**
 * Runs `main` and ends the process as its outcome says: the exit code it resolves with (a server
 * stopped), 1 with one line on stderr for a thrown `MotiaError`, 1 with the stack for anything else
 * under `debug`. Resolving with nothing leaves the process to end by itself once its output is out.
 */
export async function finish(main: () => Promise<number | void>, debug: boolean): Promise<void> {
  let code: number | void
  try {
    code = await main()
  } catch (error) {
    if (debug) console.error(error)
    else if (error instanceof MotiaError) printError(error.message)
    else printError(`internal error: ${error instanceof Error ? error.message : String(error)} (run with --debug for the stack)`)
    process.exit(1)
  }
  if (typeof code === 'number') process.exit(code)
}

if (import.meta.main) {
  await finish(async () => {
    // A built-in command named first is the only one loaded; help and any other name see them all.
    const first = process.argv[2]
    const only = first !== undefined && Object.hasOwn(builtins, first) ? [first] : undefined
    const commands = await loadCommands(only)
    // With nothing but its own options (`motia start --port 3000`), it runs without commander.
    const plain = only && runPlain(commands[0]!, process.argv.slice(3))
    if (plain) return plain
    const { Command } = await import('commander')
    let exitCode: number | undefined
    const program = new Command('motia')
      .description('Backend framework where APIs, jobs, queues, cron and state are all Steps')
      .version(pkg.version, '-v, --version')
      .option('--debug', 'print stack traces of internal errors')
      .showHelpAfterError('(run with --help for usage)')
    for (const definition of commands) addCommand(program, definition, (code) => (exitCode = code))
    // A first argument that is no built-in command may be one a configured plugin adds.
    if (first && !first.startsWith('-') && first !== 'help' && !program.commands.some((c) => c.name() === first)) {
      await (await import('./plugins/commands.ts')).addPluginCommands(program, process.cwd())
    }
    await program.parseAsync(process.argv)
    return exitCode
  }, process.argv.includes('--debug'))
}

// --- internal ---

function printError(message: string): void {
  process.stderr.write(`${message.startsWith('[motia]') ? message : `[motia] ${message}`}\n`)
}
