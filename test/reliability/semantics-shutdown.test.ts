/**
 * `runtime.stop()` waits for running handlers up to `shutdownTimeoutMs` from `motia.config.ts`,
 * and no longer: a slow handler finishes, a hung one is abandoned with a warning.
 */
import { afterEach, describe, expect, test } from 'bun:test'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { waitFor } from '../../runtime/testing/wait.ts'
import { makeProject } from '../helpers/project.ts'
import { adapterKinds, bootRuntime, type BootedRuntime } from '../helpers/runtime.ts'

let booted: BootedRuntime | undefined

afterEach(async () => {
  await booted?.stop()
  booted = undefined
})

/** A project whose queue step touches `started`, runs `body`, then touches `finished`. */
function projectWith(shutdownTimeoutMs: number, body: string) {
  const project = makeProject({ 'motia.config.ts': `export default { shutdownTimeoutMs: ${shutdownTimeoutMs} }\n` })
  const mark = (name: string) => JSON.stringify(join(project.root, name))
  project.write(
    'steps/queue/work.step.ts',
    `
      export const config = { triggers: [{ type: 'queue', topic: 'work', config: { maxRetries: 0 } }] }
      export const handler = async () => {
        await Bun.write(${mark('started')}, 'x')
        ${body}
        await Bun.write(${mark('finished')}, 'x')
      }
    `,
  )
  return project
}

describe.each(adapterKinds)('shutdown (%s)', (kind) => {
  test('stop waits for a running handler that ends within shutdownTimeoutMs', async () => {
    const project = projectWith(5000, 'await Bun.sleep(1500)')
    booted = await bootRuntime(kind, project)
    await booted.runtime.enqueue({ topic: 'work', data: {} })
    await waitFor(() => existsSync(join(project.root, 'started')))
    const before = performance.now()
    await booted.stopRuntime()
    expect(performance.now() - before).toBeGreaterThanOrEqual(1000)
    expect(existsSync(join(project.root, 'finished'))).toBe(true)
    expect(booted.logs.some((entry) => entry.msg.startsWith('shutdown:'))).toBe(false)
  }, 60_000)

  test('stop gives up on a hung handler after shutdownTimeoutMs, with a warning', async () => {
    const project = projectWith(300, 'await new Promise(() => {})')
    booted = await bootRuntime(kind, project)
    await booted.runtime.enqueue({ topic: 'work', data: {} })
    await waitFor(() => existsSync(join(project.root, 'started')))
    const before = performance.now()
    await booted.stopRuntime()
    const took = performance.now() - before
    expect(took).toBeGreaterThanOrEqual(250)
    expect(took).toBeLessThan(8000) // the 10 s default would be over; the margin is for a loaded machine
    expect(booted.logs.some((entry) => entry.level === 'warn' && entry.msg.includes('still running after shutdownTimeoutMs (300 ms)'))).toBe(true)
  }, 60_000)
})
