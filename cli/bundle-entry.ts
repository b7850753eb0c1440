/**
 * What a compiled executable runs (see `motia build`): the generated entry imports every step and
 * the config statically and hands them here. The working directory is the project root at run
 * time: `.env` is read from it (Bun does that for executables) and `.motia/` is created in it.
 */
import { basename } from 'node:path'
import { parseArgs } from 'node:util'
import pkg from '../package.json' with { type: 'json' }
import type { RuntimeOptions } from '../runtime/runtime.ts'
import { parsePort } from './command.ts'
import { UsageError } from './errors.ts'
import { finish } from './index.ts'
import { serve } from './serve.ts'

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
  await finish(async () => {
    const args = bundleArgs(process.argv.slice(2), name)
    if (args.help) return void process.stdout.write(help(name))
    if (args.version) return void process.stdout.write(`${name}${about?.version ? ` ${about.version}` : ''} (motia ${pkg.version})\n`)
    return (await serve({ root: process.cwd(), mode: 'start', port: args.port, host: args.host, bundle })).stopped
  }, process.argv.includes('--debug'))
}

// --- internal ---

interface BundleArgs {
  port?: number
  host?: string
  debug?: boolean
  help?: boolean
  version?: boolean
}

/**
 * `node:util` parses; the checks below turn what it found into the one-line refusals of
 * `motia start`'s flags: an argument it does not take, or a flag without its value.
 */
function bundleArgs(argv: readonly string[], name: string): BundleArgs {
  const usage = `${name} takes --port <port>, --host <host>, --debug, --help and --version`
  const { values, tokens } = parseArgs({ args: [...argv], strict: false, allowPositionals: true, tokens: true, options: bundleOptions })
  for (const token of tokens) {
    const known = token.kind === 'option' && Object.hasOwn(bundleOptions, token.name) ? bundleOptions[token.name as keyof typeof bundleOptions] : undefined
    if (!known || (token.kind === 'option' && known.type === 'boolean' && token.value !== undefined)) {
      throw new UsageError(`unknown argument "${argv[token.index]}": ${usage}`)
    }
    if (token.kind === 'option' && known.type === 'string' && !token.value) throw new UsageError(`${token.rawName} needs a value: ${usage}`)
  }
  const text = (value: string | boolean | undefined) => (typeof value === 'string' ? value : undefined)
  return {
    port: values.port === undefined ? undefined : parsePort(text(values.port)!),
    host: text(values.host),
    debug: values.debug === true,
    help: values.help === true,
    version: values.version === true,
  }
}

const bundleOptions = {
  port: { type: 'string', short: 'p' },
  host: { type: 'string', short: 'H' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const

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
