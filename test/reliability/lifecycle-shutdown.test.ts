/**
 * SIGTERM while queue and cron handlers never settle: the documented shutdown, with the real CLI
 * (issue #9 point 15).
 */
import { afterEach, describe, expect, test } from 'bun:test'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { startCli, type CliProcess } from '../helpers/cli.ts'
import { freePort, makeProject, type TempProject } from '../helpers/project.ts'

let project: TempProject | undefined
let cli: CliProcess | undefined

afterEach(async () => {
  await cli?.stop()
  project?.cleanup()
  cli = project = undefined
})

const hungProject = (shutdownTimeoutMs: number) => ({
  'motia.config.ts': `export default { shutdownTimeoutMs: ${shutdownTimeoutMs} }\n`,
  'steps/http/jobs.post.step.ts': `
    export const config = { enqueues: ['jobs'] }
    export const handler = async (req, { enqueue }) => { await enqueue({ topic: 'jobs', data: {} }); return { status: 202 } }
  `,
  'steps/queue/jobs/hang.step.ts': `
    export const handler = async (job, { logger }) => { logger.info('queue handler started'); await new Promise(() => {}) }
  `,
  'steps/cron/stuck.step.ts': `
    export const config = { triggers: [{ type: 'cron', expression: '* * * * * *', timeoutMs: 600000 }] }
    export const handler = async (tick, { logger }) => { logger.info('cron handler started'); await new Promise(() => {}) }
  `,
})

/** Starts the project, gets both handlers hanging, sends SIGTERM; returns ms until exit and the code. */
async function terminateWhileHung(shutdownTimeoutMs: number): Promise<{ ms: number; code: number }> {
  project = makeProject(hungProject(shutdownTimeoutMs))
  cli = await startCli(['start', '--port', String(freePort())], project.root)
  expect((await cli.fetch('/jobs', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status).toBe(202)
  await cli.waitForOutput(/queue handler started/, 0, 10_000)
  await cli.waitForOutput(/cron handler started/, 0, 10_000)
  expect(existsSync(join(project.root, '.motia/server.lock'))).toBe(true)
  const sent = performance.now()
  cli.signal('SIGTERM')
  const code = await cli.exited()
  return { ms: performance.now() - sent, code }
}

describe('SIGTERM with handlers that never settle', () => {
  test('waits shutdownTimeoutMs, names what still runs, releases the lock and exits 0', async () => {
    const { ms, code } = await terminateWhileHung(1500)
    expect(code).toBe(0)
    // Not at once: the deadline is waited for…
    expect(ms).toBeGreaterThanOrEqual(1400)
    const output = cli!.output()
    expect(output).toContain('SIGTERM: stopping (waiting for running handlers)')
    expect(output).toMatch(/\[motia\] shutdown: 2 handler\(s\): (Hang \(queue\), Stuck \(cron\)|Stuck \(cron\), Hang \(queue\)) still running after shutdownTimeoutMs \(1500 ms\); stopping anyway/)
    expect(existsSync(join(project!.root, '.motia/server.lock'))).toBe(false)
  }, 60_000)

  test('shutdownTimeoutMs is honoured: a short one ends well before the 10 s default', async () => {
    const { ms, code } = await terminateWhileHung(700)
    expect(code).toBe(0)
    expect(ms).toBeGreaterThanOrEqual(600)
    // With the option ignored the default (10 000 ms) would apply.
    expect(ms).toBeLessThan(8000)
    expect(cli!.output()).toContain('still running after shutdownTimeoutMs (700 ms)')
  }, 60_000)
})
