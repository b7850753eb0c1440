#!/usr/bin/env bun
/**
 * The `motia` command. Each command file (cli/commands/) declares its options, help and examples;
 * this file assembles them and is the only one that decides how the process exits (`finish`, which
 * the compiled executable's entry uses too): a user mistake (`UsageError`, or any `MotiaError`)
 * prints one line and exits 1, the stack shows only with --debug.
 */
import { Command } from 'commander'
import pkg from '../package.json' with { type: 'json' }
import { MotiaError } from '../runtime/errors.ts'
import { addCommand, type CommandDefinition, type CommandGroup } from './command.ts'
import build from './commands/build.ts'
import create from './commands/create.ts'
import dev from './commands/dev.ts'
import dlq from './commands/dlq.ts'
import enqueue from './commands/enqueue.ts'
import generate from './commands/generate.ts'
import logs from './commands/logs.ts'
import plugin from './commands/plugin.ts'
import replay from './commands/replay.ts'
import runs from './commands/runs.ts'
import start from './commands/start.ts'
import state from './commands/state.ts'
import templates from './commands/templates.ts'
import traces from './commands/traces.ts'

/** The built-in commands, in the order `motia --help` lists them. */
export const commands: ReadonlyArray<CommandDefinition | CommandGroup> = [create, templates, dev, start, enqueue, build, generate, plugin, dlq, runs, replay, logs, traces, state]

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
    let exitCode: number | undefined
    const program = new Command('motia')
      .description('Backend framework where APIs, jobs, queues, cron and state are all Steps')
      .version(pkg.version, '-v, --version')
      .option('--debug', 'print stack traces of internal errors')
      .showHelpAfterError('(run with --help for usage)')
    for (const definition of commands) addCommand(program, definition, (code) => (exitCode = code))
    // A first argument that is no built-in command may be one a configured plugin adds.
    const first = process.argv[2]
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
