/**
 * `motia dev`: serve with hot reload, and keep types.d.ts current. A change to `motia.config.ts`,
 * an `.env` file or `package.json` (a plugin added or removed) restarts the runtime, as Vite
 * restarts its server: step edits reload in place, what the runtime is built from rebuilds it.
 */
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { LoadedStep } from '../../runtime/discovery/loaded-step.ts'
import type { Runtime } from '../../runtime/runtime.ts'
import { defineCommand, listenOptions } from '../command.ts'

export default defineCommand({
  name: 'dev',
  description: 'run the project with hot reload',
  options: listenOptions('127.0.0.1, or $HOST; 0.0.0.0 exposes it'),
  dir: true,
  examples: ['motia dev', 'motia dev -p 4000'],
  async run(opts: { port?: number; host?: string; dir: string }) {
    const [{ serve }, { watchProject }, types, { createEnvFiles }] = await Promise.all([
      import('../serve.ts'),
      import('../../runtime/watch.ts'),
      import('../generate/types.ts'),
      import('../env-files.ts'),
    ])
    const root = resolve(opts.dir)
    const envFiles = createEnvFiles(root)
    const served = await serve({ root, mode: 'dev', port: opts.port, host: opts.host })
    // Its module is imported before serving, so the file is written as soon as the server listens.
    let stopTypes = keepTypesCurrent(served.runtime, types)
    watchProject(() => served.runtime, {
      ready: served.idle,
      onConfigChange: (files) => {
        const keys = envFiles.reload()
        if (keys.length) served.runtime.logger.info(`environment from .env files: ${keys.join(', ')} changed`)
        void served.restart(files).then((next) => {
          if (!next) return
          stopTypes()
          stopTypes = keepTypesCurrent(next, types)
        })
      },
    })
    return served.stopped
  },
})

// --- internal ---

/**
 * After every (re)load, rewrites types.d.ts in a project that has a tsconfig.json or already has
 * the file (a JavaScript project that ran `motia generate types` once). It writes only when the text
 * changed, which happens when subscribers come, go or change topic; the watcher ignores `.d.ts`
 * files, so writing never causes a reload.
 */
function keepTypesCurrent(runtime: Runtime, { generateTypes, typesFile, writeIfChanged }: typeof import('../generate/types.ts')): () => void {
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
  return runtime.on('steps:loaded', refresh)
}
