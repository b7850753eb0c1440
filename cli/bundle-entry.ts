/**
 * What a compiled executable runs (see `motia build`): the generated entry imports every step and
 * the config statically and hands them here. The working directory is the project root at run
 * time: `.env` is read from it (Bun does that for executables) and `.motia/` is created in it.
 */
import { basename } from 'node:path'
import pkg from '../package.json' with { type: 'json' }
import { MotiaError } from '../runtime/errors.ts'
import type { RuntimeOptions } from '../runtime/runtime.ts'
import { serve } from './serve.ts'
import { fail } from './output.ts'

/** The project the executable was built from, for `--help` and `--version`. */
export interface BundleAbout {
  name: string
  version?: string
}

/**
 * Serves the bundled project; `--port`/`-p` and `--host`/`-H` work as in `motia start`, `--help`
 * and `--version` answer and exit, and any other argument is refused before anything starts.
 */
export async function runBundle(bundle: NonNullable<RuntimeOptions['bundle']>, about?: BundleAbout): Promise<void> {
  const name = about?.name ?? basename(process.execPath)
  const args = parseArgs(process.argv.slice(2), name)
  if (args.help) {
    process.stdout.write(help(name))
    return
  }
  if (args.version) {
    process.stdout.write(`${name}${about?.version ? ` ${about.version}` : ''} (motia ${pkg.version})\n`)
    return
  }
  try {
    await serve({ root: process.cwd(), mode: 'start', port: args.port, host: args.host, bundle })
  } catch (error) {
    if (error instanceof MotiaError && !args.debug) fail(error.message)
    throw error
  }
}

// --- internal ---

interface BundleArgs {
  port?: number
  host?: string
  debug?: boolean
  help?: boolean
  version?: boolean
}

function parseArgs(argv: readonly string[], name: string): BundleArgs {
  const args: BundleArgs = {}
  const usage = `${name} takes --port <port>, --host <host>, --debug, --help and --version`
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1
    const flag = eq === -1 ? arg : arg.slice(0, eq)
    const inline = eq === -1 ? undefined : arg.slice(eq + 1)
    const value = () => {
      const next = inline ?? argv[++i]
      if (next === undefined || next === '') fail(`${flag} needs a value: ${usage}`)
      return next
    }
    if (flag === '--port' || flag === '-p') args.port = parsePort(value())
    else if (flag === '--host' || flag === '-H') args.host = value()
    else if (flag === '--debug' && inline === undefined) args.debug = true
    else if ((flag === '--help' || flag === '-h') && inline === undefined) args.help = true
    else if ((flag === '--version' || flag === '-v') && inline === undefined) args.version = true
    else fail(`unknown argument "${arg}": ${usage}`)
  }
  return args
}

function parsePort(text: string): number {
  const port = Number(text)
  if (!/^\d+$/.test(text) || port > 65535) fail(`--port must be a number from 0 to 65535, got "${text}"`)
  return port
}

function help(name: string): string {
  return `Usage: ${name} [options]

Runs the project, as \`motia start\` does (built with motia ${pkg.version}).
Run it from the folder that holds .env and .motia/.

Options:
  -p, --port <port>  port to listen on (default 3111, or $PORT)
  -H, --host <host>  interface to bind (default 0.0.0.0, or $HOST)
  --debug            print stack traces of internal errors
  -v, --version      print the version
  -h, --help         print this help
`
}
