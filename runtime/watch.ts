/**
 * Hot reload for `motia dev`: watches the project and reloads the steps after an edit. Adapters
 * live outside what reloads, so queued messages and state survive every reload.
 */
import { watch, type FSWatcher } from 'node:fs'
import { configFiles } from './config.ts'
import type { Runtime } from './runtime.ts'
import { languageExtensions } from './languages/registry.ts'

// Generated files (types.d.ts, motia.lock.json, openapi.json) never trigger a reload.
const ignored = /(^|[\\/])(node_modules|\.motia|dist|\.git)([\\/]|$)|\.d\.ts$|(^|[\\/])(motia\.lock|openapi)\.json$/
const sources = new RegExp(`\\.(${['ts', 'js', 'mjs', 'cjs', 'json', ...languageExtensions].join('|')})$`)

/** Starts watching; returns the function that stops. */
export function watchProject(runtime: Runtime, options: { debounceMs?: number; onReload?: (ms: number) => void } = {}): () => void {
  const debounceMs = options.debounceMs ?? 50
  let timer: ReturnType<typeof setTimeout> | undefined
  let running: Promise<void> | undefined
  let again = false

  const reload = async () => {
    if (running) {
      again = true
      return
    }
    const started = performance.now()
    running = runtime
      .reload()
      .then((result) => {
        const ms = Math.round(performance.now() - started)
        runtime.logger.info(`reloaded ${result.steps.length} step(s) in ${ms} ms${result.errors.length ? `, ${result.errors.length} with errors` : ''}`)
        options.onReload?.(ms)
      })
      .catch((error) => runtime.logger.error(`[motia] reload failed: ${(error as Error).message}`))
      .finally(() => {
        running = undefined
        if (again) {
          again = false
          void reload()
        }
      })
  }

  const watcher: FSWatcher = watch(runtime.root, { recursive: true }, (_event, file) => {
    if (!file || ignored.test(file) || !sources.test(file)) return
    if (configFiles.includes(file)) {
      runtime.logger.warn(`${file} changed: restart motia dev to apply configuration changes`)
      return
    }
    clearTimeout(timer)
    timer = setTimeout(reload, debounceMs)
  })
  return () => {
    clearTimeout(timer)
    watcher.close()
  }
}
