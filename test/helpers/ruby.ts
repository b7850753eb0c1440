/**
 * Helpers for Ruby step tests. The tests need the system `ruby` (3.1 or newer); without it they
 * fail with one line that says what to install, never by skipping.
 */
import { ruby } from '../../runtime/languages/ruby/index.ts'
import type { CliProcess } from './cli.ts'
import { requireBinary } from './prerequisites.ts'
import { workerPids } from './python.ts'

export { isAlive, peekPath, peekStep, untilPeek } from './python.ts'

/** Throws one clear line when `ruby` is missing or too old. Call it first in `beforeAllTests`. */
export function requireRuby(): void {
  const found = requireBinary('ruby')
  const version = Bun.spawnSync([found, '-e', 'print RUBY_VERSION']).stdout.toString()
  const [major = 0, minor = 0] = version.split('.').map(Number)
  if (major < 3 || (major === 3 && minor < 1)) throw new Error(`[test] Ruby steps need ruby 3.1 or newer; ${found} is ${version}: install a newer one (apt-get install -y ruby)`)
}

/** The pids of the Ruby workers that the `motia` process `cli` started. */
export function rubyWorkerPids(cli: CliProcess): number[] {
  return workerPids(cli.pid, ruby.worker)
}

/** The JSON log lines the process printed after character `from`. */
export function logLines(cli: CliProcess, from = 0): Array<Record<string, any>> {
  return cli
    .output()
    .slice(from)
    .split('\n')
    .filter((line) => line.startsWith('{') && line.endsWith('}'))
    .map((line) => JSON.parse(line) as Record<string, any>)
}

/** Waits for a log line after `from` whose message matches `pattern`; answers it. */
export async function untilLog(cli: CliProcess, pattern: RegExp, from = 0, timeoutMs = 30_000): Promise<Record<string, any>> {
  const started = Date.now()
  for (;;) {
    const found = logLines(cli, from).find((line) => typeof line.msg === 'string' && pattern.test(line.msg))
    if (found) return found
    if (Date.now() - started > timeoutMs) throw new Error(`no log line matched ${pattern}:\n${cli.output().slice(from)}`)
    await Bun.sleep(25)
  }
}
