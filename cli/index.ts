#!/usr/bin/env bun
/**
 * The `motia` command. Subcommands load lazily; this is the only file that exits the process.
 * User mistakes print one line and exit 1; the stack shows only with --debug.
 */
import { Command } from 'commander'
import pkg from '../package.json' with { type: 'json' }
import { MotiaError } from '../runtime/errors.ts'
import { fail } from './output.ts'

const program = new Command('motia')
  .description('Backend framework where APIs, jobs, queues, cron and state are all Steps')
  .version(pkg.version, '-v, --version')
  .option('--debug', 'print stack traces of internal errors')
  .showHelpAfterError('(run with --help for usage)')

program
  .command('dev')
  .description('run the project with hot reload')
  .option('-p, --port <port>', 'port to listen on (default 3111, or $PORT)', parsePort)
  .option('-H, --host <host>', 'interface to bind (default 0.0.0.0, or $HOST)')
  .option('-d, --dir <dir>', 'project folder', '.')
  .addHelpText('after', '\nExamples:\n  motia dev\n  motia dev -p 4000\n')
  .action(async (opts) => (await import('./commands/dev.ts')).dev(opts))

program
  .command('start')
  .description('run the project in production (no watcher)')
  .option('-p, --port <port>', 'port to listen on (default 3111, or $PORT)', parsePort)
  .option('-H, --host <host>', 'interface to bind (default 0.0.0.0, or $HOST)')
  .option('-d, --dir <dir>', 'project folder', '.')
  .addHelpText('after', '\nExamples:\n  motia start\n  PORT=8080 motia start\n')
  .action(async (opts) => (await import('./commands/start.ts')).start(opts))

try {
  await program.parseAsync(process.argv)
} catch (error) {
  const debug = process.argv.includes('--debug')
  if (error instanceof MotiaError && !debug) fail(error.message)
  else if (debug) {
    console.error(error)
    process.exit(1)
  } else fail(`internal error: ${error instanceof Error ? error.message : String(error)} (run with --debug for the stack)`)
}

function parsePort(value: string): number {
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a number from 0 to 65535, got "${value}"`)
  return port
}
