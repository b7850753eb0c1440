/**
 * What a compiled executable runs (see `motia build`): the generated entry imports every step and
 * the config statically and hands them here. The working directory is the project root at run
 * time: `.env` is read from it (Bun does that for executables) and `.motia/` is created in it.
 */
import { MotiaError } from '../runtime/errors.ts'
import type { RuntimeOptions } from '../runtime/runtime.ts'
import { serve } from './serve.ts'
import { fail } from './output.ts'

/** Serves the bundled project; `--port`/`-p` and `--host` work as in `motia start`. */
export async function runBundle(bundle: NonNullable<RuntimeOptions['bundle']>): Promise<void> {
  const flag = (...names: string[]) => {
    const at = process.argv.findIndex((arg) => names.includes(arg))
    return at === -1 ? undefined : process.argv[at + 1]
  }
  const portText = flag('--port', '-p')
  const port = portText === undefined ? undefined : Number(portText)
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) fail(`--port must be a number from 0 to 65535, got "${portText}"`)
  try {
    await serve({ root: process.cwd(), mode: 'start', port, host: flag('--host', '-H'), bundle })
  } catch (error) {
    if (error instanceof MotiaError && !process.argv.includes('--debug')) fail(error.message)
    throw error
  }
}
