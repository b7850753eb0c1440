#!/usr/bin/env node
/**
 * The `motia` command as npm installs it. The CLI (cli/index.ts) runs on Bun; this launcher runs
 * on Node, so `npx motia` and `npm run dev` work on a machine that has only Node and npm: it runs
 * the CLI with the Bun binary of the `bun` dependency (see find-bun.mjs), and passes arguments,
 * stdio, the exit code and signals through.
 *
 * Under npm (`npm run dev`, `npm start`, `npx motia`) a stop sent to npm ends npm's `sh -c`, which
 * does not pass it on: this launcher is left running under init. So here the launcher watches its
 * parent, and when npm's shell is gone it stops the CLI as SIGTERM would. Outside npm a lost parent
 * is left alone (`nohup motia start &` must outlive its shell). The CLI in turn stops when this
 * launcher is gone (MOTIA_LAUNCHER_PID, see cli/serve.ts), e.g. after a SIGKILL.
 */
import { spawn } from 'node:child_process'
import { constants } from 'node:os'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { findBun } from './find-bun.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const cli = fileURLToPath(new URL('../cli/index.ts', import.meta.url))
const bun = findBun({ from: [here, process.cwd()] })
if (!bun) {
  process.stderr.write('[motia] Bun was not found: install it in your project with `npm install --save-dev bun` (or see https://bun.sh), then run motia again\n')
  process.exit(1)
}

const child = spawn(bun, [cli, ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, MOTIA_LAUNCHER_PID: String(process.pid) } })
const forwarded = ['SIGINT', 'SIGTERM', 'SIGHUP']
const forward = (signal) => {
  // Ctrl-C in a terminal already reached Bun (it shares our process group); repeating it would
  // read as a second Ctrl-C, which skips the graceful shutdown.
  if (signal === 'SIGINT' && process.stdin.isTTY) return
  child.kill(signal)
}
for (const signal of forwarded) process.on(signal, forward)

if (process.env.npm_command) {
  const parent = process.ppid
  const watch = setInterval(() => {
    if (process.ppid === parent) return
    clearInterval(watch)
    child.kill('SIGTERM')
  }, 500)
  watch.unref()
}

child.on('error', (error) => {
  process.stderr.write(`[motia] could not run Bun at ${bun}: ${error.message}\n`)
  process.exit(1)
})
child.on('exit', (code, signal) => {
  if (!signal) process.exit(code ?? 1)
  // Bun ended by a signal: end the same way, so whoever started us sees it.
  for (const name of forwarded) process.off(name, forward)
  process.exitCode = 128 + (constants.signals[signal] ?? 0)
  process.kill(process.pid, signal)
})
