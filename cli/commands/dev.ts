import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { LoadedStep } from '../../runtime/discovery/loaded-step.ts'
import type { Runtime } from '../../runtime/runtime.ts'
import { watchProject } from '../../runtime/watch.ts'
import { generateTypes, typesFile, writeIfChanged } from '../generate/types.ts'
import { serve } from '../serve.ts'

/** `motia dev`: serve with hot reload, and keep types.d.ts current. */
export async function dev(opts: { port?: number; host?: string; dir: string }): Promise<void> {
  const runtime = await serve({ root: resolve(opts.dir), mode: 'dev', port: opts.port, host: opts.host })
  keepTypesCurrent(runtime)
  watchProject(runtime)
}

// --- internal ---

/**
 * After every (re)load, rewrites types.d.ts in a project that has a tsconfig.json or already has
 * the file (a JavaScript project that ran `motia generate types` once). It writes only when the text
 * changed, which happens when subscribers come, go or change topic; the watcher ignores `.d.ts`
 * files, so writing never causes a reload.
 */
function keepTypesCurrent(runtime: Runtime): void {
  const file = join(runtime.root, typesFile)
  const refresh = (steps: readonly LoadedStep[]) => {
    if (!existsSync(file) && !existsSync(join(runtime.root, 'tsconfig.json'))) return
    try {
      if (writeIfChanged(file, generateTypes(steps, runtime.root, runtime.streaming.streams()))) runtime.logger.info(`updated ${typesFile}`)
    } catch (error) {
      runtime.logger.warn(`[motia] could not write ${typesFile}: ${(error as Error).message}`)
    }
  }
  refresh(runtime.steps())
  runtime.on('steps:loaded', refresh)
}
