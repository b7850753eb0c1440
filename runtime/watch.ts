/**
 * Hot reload for `motia dev`: watches the project and reloads the steps after an edit. Adapters
 * live outside what reloads, so queued messages and state survive every reload. A change to what
 * the runtime itself is built from — `motia.config.ts`, an `.env` file, `package.json` (a plugin
 * installed or removed) — is not a step reload: it goes to `onConfigChange`, which `motia dev`
 * answers by restarting the runtime.
 */
import { existsSync, readFileSync, watch, type FSWatcher } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { configFiles } from './config.ts'
import type { Runtime } from './runtime.ts'
import { languageExtensions } from './languages/registry.ts'

// Generated files (types.d.ts, motia.lock.json, openapi.json) never trigger a reload.
const ignored = /(^|[\\/])(node_modules|\.motia|dist|\.git)([\\/]|$)|\.d\.ts$|(^|[\\/])(motia\.lock|openapi)\.json$/
const sources = new RegExp(`\\.(${['ts', 'js', 'mjs', 'cjs', 'json', ...languageExtensions].join('|')})$`)

/** Starts watching; returns the function that stops. */
export function watchProject(
  target: Runtime | (() => Runtime),
  options: {
    debounceMs?: number
    onReload?: (ms: number) => void
    /** Called (debounced) with the changed files' names instead of a reload; without it they only get a warning. */
    onConfigChange?: (files: string) => void
    /** Awaited before each reload: a restart under way finishes first (its runtime loads the edit anyway). */
    ready?: () => Promise<unknown>
  } = {},
): () => void {
  // `motia dev` passes a getter: the runtime a restart made replaces the one the watch began with.
  const current = typeof target === 'function' ? target : () => target
  const root = current().root
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
    running = (options.ready?.() ?? Promise.resolve())
      .then(() => current().reload())
      .then((result) => {
        const ms = Math.round(performance.now() - started)
        current().logger.info(`reloaded ${result.steps.length} step(s) in ${ms} ms${result.errors.length ? `, ${result.errors.length} with errors` : ''}`)
        options.onReload?.(ms)
      })
      .catch((error) => current().logger.error(`[motia] reload failed: ${(error as Error).message}`))
      .finally(() => {
        running = undefined
        if (again) {
          again = false
          void reload()
        }
      })
  }

  let configTimer: ReturnType<typeof setTimeout> | undefined
  const changed = new Set<string>()
  let pluginFiles = localConfigImports(root)
  const isRuntimeInputHere = (file: string) => isRuntimeInput(file) || pluginFiles.has(file)
  const watcher: FSWatcher = watch(root, { recursive: true }, (_event, file) => {
    if (!file) return
    if (isRuntimeInputHere(file)) {
      if (!options.onConfigChange) {
        current().logger.warn(`${file} changed: restart motia dev to apply configuration changes`)
        return
      }
      // An editor's save or an install writes several times: one restart for the burst.
      changed.add(file)
      clearTimeout(configTimer)
      clearTimeout(timer)
      configTimer = setTimeout(() => {
        const files = [...changed].sort().join(', ')
        changed.clear()
        pluginFiles = localConfigImports(root)
        options.onConfigChange!(files)
      }, Math.max(debounceMs, 150))
      return
    }
    if (ignored.test(file) || !sources.test(file)) return
    clearTimeout(timer)
    timer = setTimeout(reload, debounceMs)
  })
  return () => {
    clearTimeout(timer)
    clearTimeout(configTimer)
    watcher.close()
  }
}

/**
 * The project's own files that `motia.config.ts` imports (a local plugin, say), relative to `root`:
 * the runtime keeps the plugin objects it was built with, so their edits restart it too.
 */
function localConfigImports(root: string): Set<string> {
  const file = configFiles.map((f) => join(root, f)).find((f) => existsSync(f))
  const found = new Set<string>()
  if (!file) return found
  try {
    const specs = new Bun.Transpiler({ loader: file.endsWith('.ts') ? 'ts' : 'js' }).scanImports(readFileSync(file, 'utf8'))
    for (const { path } of specs) {
      if (!path.startsWith('.')) continue
      const resolved = Bun.resolveSync(path, root)
      if (!resolved.includes(`${sep}node_modules${sep}`) && !relative(root, resolved).startsWith('..')) found.add(relative(root, resolved))
    }
  } catch {
    // A config that does not parse or an import that does not resolve: the restart reports it.
  }
  return found
}

/** Files the runtime is built from (at the project's top level): the config, `.env` files, `package.json`. */
export function isRuntimeInput(file: string): boolean {
  return configFiles.includes(file) || file === 'package.json' || /^\.env(\.[\w.-]+)?$/.test(file)
}
