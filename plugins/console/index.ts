/**
 * The console: a web UI at `/__motia/` over a JSON API at `/__motia/api/` (see docs/console.md).
 * `motia dev` adds it by default; `motia start` and compiled executables serve it only when
 * `motia.config.ts` lists it, and then its API needs the control token like every control route.
 *
 * @example
 * // motia.config.ts: the console under motia start too (behind the token)
 * import consolePlugin from 'motia/plugins/console'
 * export default defineConfig({ plugins: [consolePlugin()] })
 */
import { ConfigError, type MotiaPlugin, type MotiaRuntime } from 'motia'
import { registerApi } from './api/routes.ts'
import { createRunRecorder } from './api/run-io.ts'
import { createRunStats } from './api/run-stats.ts'
import { registerAssets, type Assets } from './assets.ts'
import { consolePath } from './path.ts'

export { consolePath }

export interface ConsoleOptions {
  /** `false` turns the console off (also under `motia dev`). Default true. */
  enabled?: boolean
  /** Log lines kept for the Logs page and `motia logs`. Default 2000. */
  logCapacity?: number
  /** Bytes those lines may hold at most (each line is clipped to a few KB first); the oldest go first. Default 8 MiB. */
  logBytes?: number
  /** Bytes a live client (`/__motia/api/live`) may leave unread before it is dropped. Default 4 MiB. */
  liveClientBytes?: number
}

/** A console plugin carries whether it is on, so that `motia dev` can print its link. */
export type ConsolePlugin = MotiaPlugin & { console: { enabled: boolean; path: string } }

/** The console plugin; its name is `console`, so a configured one replaces the one `motia dev` adds. */
export function consolePlugin(options: ConsoleOptions = {}): ConsolePlugin {
  for (const name of ['logCapacity', 'logBytes', 'liveClientBytes'] as const) {
    const value = options[name]
    if (value !== undefined && !(Number.isSafeInteger(value) && value > 0)) {
      throw new ConfigError(`[motia] consolePlugin: ${name} must be a whole number above 0, got ${JSON.stringify(value)}; leave it out for the default`)
    }
  }
  const enabled = options.enabled !== false
  const stats = createRunStats()
  let dispose: (() => void) | undefined
  let assets: Assets | undefined
  let runtime: MotiaRuntime | undefined
  // Input and output go on the run's span (see api/run-io.ts): only ever while the console is on.
  const recordIo = createRunRecorder(() => runtime && { traces: runtime.traces, mask: runtime.config.mask })
  const plugin: MotiaPlugin = {
    name: 'console',
    hooks: enabled
      ? {
          onStepRun: (run, outcome) => {
            stats.record(run, outcome)
            recordIo(run, outcome)
          },
          onStepsLoaded: (steps) => assets?.redirectRoot(steps),
        }
      : undefined,
    setup: enabled
      ? (host) => {
          runtime = host
          dispose = registerApi(host, stats, { logCapacity: options.logCapacity ?? 2000, logBytes: options.logBytes ?? 8 * 1024 * 1024, liveClientBytes: options.liveClientBytes ?? 4 * 1024 * 1024 })
          assets = registerAssets(host)
        }
      : undefined,
    dispose: () => dispose?.(),
  }
  return { ...plugin, console: { enabled, path: consolePath } }
}

export default consolePlugin
