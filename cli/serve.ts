/**
 * What `motia dev` and `motia start` share: create the runtime, load the steps, listen, print
 * the listing, and shut down gracefully on SIGINT/SIGTERM. `stopped` resolves with the exit code
 * for cli/index.ts: 0 once the runtime stopped, 130 at once on a second signal.
 */
import { createRuntime, type Runtime, type RuntimeOptions } from '../runtime/runtime.ts'
import type { LoadedStep } from '../runtime/discovery/loaded-step.ts'
import type { ConsolePlugin } from '../plugins/console/index.ts'
import { forgetProjectModules } from '../runtime/discovery/module-loader.ts'
import { errorMessage } from '../runtime/errors.ts'
import { readProject } from '../runtime/project.ts'
import { triggerSummary } from '../runtime/step/trigger-summary.ts'

export interface ServeOptions {
  root: string
  mode: 'dev' | 'start'
  port?: number
  host?: string
  /** Steps and config compiled into an executable (see `motia build`). */
  bundle?: RuntimeOptions['bundle']
}

/** A server `serve` started; `runtime` is the current one (a restart replaces it). */
export interface Served {
  readonly runtime: Runtime
  /** Resolves with the exit code once the server stopped (see above). */
  stopped: Promise<number>
  /**
   * Builds the runtime again (`motia dev` after `motia.config.ts`, `.env` or `package.json`
   * changed): the project is read again first, and only when that succeeds is the running
   * runtime stopped and the new one started on the same port. Resolves with the new runtime, or
   * undefined when the server kept the old one (the new config fails: its error is logged) or is
   * stopping.
   */
  restart(reason: string): Promise<Runtime | undefined>
  /** Resolves once no restart is under way. */
  idle(): Promise<unknown>
}

export async function serve(options: ServeOptions): Promise<Served> {
  let current = await open(options)
  let running = true
  let stoppingSince = 0
  let restarting: Promise<Runtime | undefined> | undefined
  let exit: (code: number) => void = () => {}
  const stopped = new Promise<number>((resolve) => (exit = resolve))
  const shutdown = async (signal: string) => {
    // One stop can arrive twice a moment apart: from the process group and from the npm
    // launcher (bin/motia.mjs) passing it on. Only a later signal means "stop now".
    if (stoppingSince) {
      if (Date.now() - stoppingSince > 1000) exit(130)
      return
    }
    stoppingSince = Date.now()
    process.stderr.write(`\n${signal}: stopping (waiting for running handlers)…\n`)
    await restarting
    if (running) await current.stop()
    exit(0)
  }
  process.on('SIGINT', () => void shutdown('SIGINT'))
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
  followLauncher(() => void shutdown('the motia launcher is gone'))

  const rebuild = async (reason: string): Promise<Runtime | undefined> => {
    current.logger.info(`${reason} changed: restarting the runtime`)
    forgetProjectModules(options.root)
    try {
      await readProject({ root: options.root, mode: options.mode, flags: { port: options.port, host: options.host } })
    } catch (error) {
      current.logger.error(`${errorMessage(error)}\n(still running with the previous configuration: fix it and save again)`)
      return undefined
    }
    if (running) await current.stop()
    running = false
    try {
      current = await open(options, reason)
      running = true
      return current
    } catch (error) {
      current.logger.error(`${errorMessage(error)}\n(the server is stopped: fix it and save again)`)
      return undefined
    }
  }
  return {
    get runtime() {
      return current
    },
    stopped,
    restart(reason) {
      // One at a time, in order; a stop that began meanwhile wins.
      const next = (restarting ?? Promise.resolve(undefined)).then(() => (stoppingSince ? undefined : rebuild(reason))).catch((error) => {
        current.logger.error(`[motia] restart failed: ${errorMessage(error)}`)
        return undefined
      })
      restarting = next
      return next
    },
    idle: () => restarting ?? Promise.resolve(),
  }
}

// --- internal ---

/** Creates the runtime, loads the steps, listens and prints the listing. */
async function open(options: ServeOptions, restartedFor?: string): Promise<Runtime> {
  // The console is on in dev unless motia.config.ts lists it (e.g. consolePlugin({ enabled: false })).
  // Imported only then: `motia start` does not load it (nor, through it, the whole public entry).
  const defaultPlugins = options.mode === 'dev' ? [(await import('../plugins/console/index.ts')).consolePlugin()] : []
  const runtime = await createRuntime({ root: options.root, mode: options.mode, flags: { port: options.port, host: options.host }, bundle: options.bundle, defaultPlugins })
  let loaded: Awaited<ReturnType<Runtime['load']>>
  let url: string
  try {
    loaded = await runtime.load()
    url = await runtime.listen()
  } catch (error) {
    // A restart that fails here must not keep the store's lock or the port: the next one needs them.
    if (restartedFor) await runtime.stop().catch(() => {})
    throw error
  }
  const configured = runtime.config.plugins.find((p) => p.name === 'console') as ConsolePlugin | undefined
  const ui = (configured ?? defaultPlugins[0])?.console
  const mode = restartedFor ? `${options.mode} (restarted: ${restartedFor} changed)` : options.mode
  printListing(runtime.steps(), loaded.errors.length, url, mode, runtime.streaming.streams(), ui?.enabled ? ui.path : undefined)
  return runtime
}

/**
 * Started by the npm launcher (bin/motia.mjs), the server stops once that launcher is gone (killed
 * with SIGKILL, say): otherwise it would hold its port under init with no one to stop it. Read
 * once and removed, so that processes the server starts do not inherit it.
 */
function followLauncher(stop: () => void): void {
  const launcher = Number(process.env.MOTIA_LAUNCHER_PID)
  delete process.env.MOTIA_LAUNCHER_PID
  if (!(launcher > 0) || process.ppid !== launcher) return
  const watch = setInterval(() => {
    if (process.ppid === launcher) return
    clearInterval(watch)
    stop()
  }, 500)
  watch.unref()
}

function printListing(
  steps: readonly LoadedStep[],
  failed: number,
  url: string,
  mode: string,
  streams: ReadonlyArray<{ name: string; relativePath: string }>,
  consolePath?: string,
): void {
  const lines = steps.flatMap((step) =>
    step.triggers.map((t) => {
      // http, queue and cron keep their aligned columns; the rest (state, stream, plugin types) say their source.
      const what =
        t.type === 'http' ? `${String(t.method).padEnd(6)} ${t.path}`
        : t.type === 'queue' ? `queue  ${t.topic}`
        : t.type === 'cron' ? `cron   ${t.expression}`
        : triggerSummary(t)
      return `  ${what.padEnd(40)} ${step.name}  ${dim(step.relativePath)}`
    }),
  )
  for (const stream of streams) lines.push(`  ${`stream ${stream.name}`.padEnd(40)} ${'(ws: / or /__motia/streams)'}  ${dim(stream.relativePath)}`)
  if (failed > 0) lines.push(`  (${failed} step file(s) failed to load: see the errors above; fix them and they load)`)
  else if (lines.length === 0) lines.push('  (no steps yet: add one under steps/, e.g. steps/http/hello.get.step.ts)')
  const shown = url.replace('0.0.0.0', 'localhost')
  const count = failed > 0 ? `${steps.length} step(s), ${failed} failed to load` : `${steps.length} step(s)`
  const link = consolePath ? `  ➜ console: ${new URL(consolePath, shown).href}\n` : ''
  // console.log, not process.stdout: Bun writes it natively, while process.stdout builds Node's
  // stream machinery (~15 ms and ~1.3 MiB at start; the log sink builds it at its first line).
  console.log('%s', `\nmotia ${mode}: ${count}\n${lines.join('\n')}\n\n  ➜ ${shown}\n${link}`)
}

/** Dimmed where console.log prints colours (a terminal, and no NO_COLOR). */
function dim(text: string): string {
  return Bun.enableANSIColors ? `\x1b[2m${text}\x1b[0m` : text
}
