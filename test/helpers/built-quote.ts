/**
 * The scenario the language build tests share (test/python/build.test.ts, test/ruby/build.test.ts):
 * `motia build` a project whose `POST /quote` step (in the language) prices a quantity with a
 * local module and enqueues it to a queue step (in the language) that records it, read back by a
 * TypeScript `GET /quotes/:price`; the executable is copied alone to `runDir` and run there with
 * only the interpreter's folder and the system's on PATH.
 */
import { expect } from 'bun:test'
import { cpSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { runCli } from './cli.ts'
import { freePort } from './project.ts'

/** Builds and runs it; checks the quote flow end to end and returns what the executable printed. */
export async function runBuiltQuote(projectRoot: string, runDir: string, interpreter: string): Promise<{ printed: string; quote: unknown }> {
  const built = await runCli(['build', '--outfile', 'dist/api'], projectRoot)
  expect(built.stderr).toBe('')
  expect(built.code).toBe(0)
  const lock = JSON.parse(readFileSync(join(projectRoot, 'motia.lock.json'), 'utf8'))
  expect(lock.steps.map((s: { name: string }) => s.name).sort()).toEqual(['Quote', 'ReadQuote', 'Record'])

  const exe = join(runDir, 'api')
  cpSync(join(projectRoot, 'dist/api'), exe)
  const port = freePort()
  const path = dirname(Bun.which(interpreter)!)
  const proc = Bun.spawn([exe], { cwd: runDir, env: { PATH: `${path}:/usr/bin:/bin`, PORT: String(port), MOTIA_LOG_FORMAT: 'json' }, stdout: 'pipe', stderr: 'pipe' })
  const output = new Response(proc.stdout).text()
  let quote: unknown = null
  try {
    const base = `http://127.0.0.1:${port}`
    let res: Response | undefined
    while (!res && proc.exitCode === null) {
      res = await fetch(`${base}/quote`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"quantity":3}' }).catch(() => Bun.sleep(20).then(() => undefined))
    }
    expect(await res!.json()).toEqual({ price: 21 })
    expect((await fetch(`${base}/quote`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"quantity":"x"}' })).status).toBe(400)
    for (const started = Date.now(); quote === null && Date.now() - started < 60_000; ) {
      quote = await (await fetch(`${base}/quotes/21`)).json()
      if (quote === null) await Bun.sleep(20)
    }
  } finally {
    proc.kill('SIGTERM')
    await proc.exited
  }
  const printed = await output
  expect(printed).toContain('motia start: 3 step(s)')
  return { printed, quote }
}
