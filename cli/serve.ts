/**
 * What `motia dev` and `motia start` share: create the runtime, load the steps, listen, print
 * the listing, and shut down gracefully on SIGINT/SIGTERM. `stopped` resolves with the exit code
 * for cli/index.ts: 0 once the runtime stopped, 130 at once on a second signal.
 */
import { createRuntime, type Runtime, type RuntimeOptions } from '../runtime/runtime.ts'
import type { LoadedStep } from '../runtime/discovery/loaded-step.ts'
import { consolePlugin, type ConsolePlugin } from '../plugins/console/index.ts'

export interface ServeOptions {
  root: string
  mode: 'dev' | 'start'
  port?: number
  host?: string
  /** Steps and config compiled into an executable (see `motia build`). */
  bundle?: RuntimeOptions['bundle']
}

export async function serve(options: ServeOptions): Promise<{ runtime: Runtime; stopped: Promise<number> }> {
  // The console is on in dev unless motia.config.ts lists it (e.g. consolePlugin({ enabled: false })).
  const defaultPlugins = options.mode === 'dev' ? [consolePlugin()] : []
  const runtime = await createRuntime({ root: options.root, mode: options.mode, flags: { port: options.port, host: options.host }, bundle: options.bundle, defaultPlugins })
  const loaded = await runtime.load()
  const url = await runtime.listen()
  const configured = runtime.config.plugins.find((p) => p.name === 'console') as ConsolePlugin | undefined
  const ui = (configured ?? defaultPlugins[0])?.console
  printListing(runtime.steps(), loaded.errors.length, url, options.mode, runtime.streaming.streams(), ui?.enabled ? ui.path : undefined)
  let stoppingSince = 0
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
    await runtime.stop()
    exit(0)
  }
  process.on('SIGINT', () => void shutdown('SIGINT'))
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
  followLauncher(() => void shutdown('the motia launcher is gone'))
  return { runtime, stopped }
}

// --- internal ---

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
      const what =
        t.type === 'http' ? `${String(t.method).padEnd(6)} ${t.path}`
        : t.type === 'queue' ? `queue  ${t.topic}`
        : t.type === 'cron' ? `cron   ${t.expression}`
        : t.type
      return `  ${what.padEnd(40)} ${step.name}  ${dim(step.relativePath)}`
    }),
  )
  for (const stream of streams) lines.push(`  ${`stream ${stream.name}`.padEnd(40)} ${'(ws: / or /__motia/streams)'}  ${dim(stream.relativePath)}`)
  if (failed > 0) lines.push(`  (${failed} step file(s) failed to load: see the errors above; fix them and they load)`)
  else if (lines.length === 0) lines.push('  (no steps yet: add one under steps/, e.g. steps/http/hello.get.step.ts)')
  const shown = url.replace('0.0.0.0', 'localhost')
  const count = failed > 0 ? `${steps.length} step(s), ${failed} failed to load` : `${steps.length} step(s)`
  const link = consolePath ? `  ➜ console: ${new URL(consolePath, shown).href}\n` : ''
  process.stdout.write(`\nmotia ${mode}: ${count}\n${lines.join('\n')}\n\n  ➜ ${shown}\n${link}\n`)
}

function dim(text: string): string {
  return process.stdout.isTTY ? `\x1b[2m${text}\x1b[0m` : text
}
