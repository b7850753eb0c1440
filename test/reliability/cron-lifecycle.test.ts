/**
 * Cron runs that hang, overlap or can never happen: issue #9 points 12 (cron part) and 17.
 */
import { describe, expect, test } from 'bun:test'
import type { TestRuntime } from '../../runtime/testing/index.ts'
import { testRuntimeEachTest } from '../helpers/runtime.ts'

const { start, current } = testRuntimeEachTest()

const spansOf = (app: TestRuntime, step: string) =>
  app.runtime.traces
    .list()
    .filter((t) => t.name === `cron ${step}`)
    .flatMap((t) => app.runtime.traces.get(t.id)!.spans)

describe('cron runs', () => {
  test('a run that never settles is cut off after timeoutMs, traced as failed, and the next tick runs', async () => {
    const { runtime } = await start({
      'steps/cron/hang.step.ts': `
        export const config = { triggers: [{ type: 'cron', expression: '* * * * * *', timeoutMs: 300 }] }
        export const handler = async (tick, { state }) => {
          await state.update('cron', 'hang', [{ type: 'increment', path: 'starts' }])
          await new Promise(() => {})
        }
      `,
    })
    await current().waitFor(async () => ((await runtime.state.get<{ starts: number }>('cron', 'hang'))?.starts ?? 0) >= 3, 8000)
    const failed = spansOf(current(), 'Hang').filter((s) => s.status === 'error')
    expect(failed.length).toBeGreaterThanOrEqual(2)
    for (const span of failed) expect(span.error).toBe('timed out after 300 ms')
    const logged = current().logs.filter((e) => e.level === 'error' && e.msg.startsWith('[motia] cron step "Hang" timed out after 300 ms'))
    expect(logged.length).toBeGreaterThanOrEqual(2)
    expect(current().logs.some((e) => e.msg.includes('skipped its tick'))).toBe(false)
  })

  test('a tick that finds the previous run still going is skipped and logged with the step and the time', async () => {
    const { runtime } = await start({
      'steps/cron/slow.step.ts': `
        export const config = { triggers: [{ type: 'cron', expression: '* * * * * *' }] }
        let running = 0
        export const handler = async (tick, { state }) => {
          running++
          const seen = (await state.get('cron', 'slow')) ?? { runs: 0, maxParallel: 0 }
          await state.set('cron', 'slow', { runs: seen.runs + 1, maxParallel: Math.max(seen.maxParallel, running) })
          await Bun.sleep(2200)
          running--
        }
      `,
    })
    await current().waitFor(() => current().logs.filter((e) => e.msg.includes('skipped its tick')).length >= 2, 8000)
    const skipped = current().logs.filter((e) => e.level === 'warn' && e.msg.includes('skipped its tick'))
    expect(skipped[0]!.msg).toMatch(/^\[motia\] cron step "Slow" skipped its tick of \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z: the run of \d{4}-.+Z is still going/)
    expect(skipped[0]).toMatchObject({ step: 'Slow' })
    expect((await runtime.state.get<{ maxParallel: number }>('cron', 'slow'))!.maxParallel).toBe(1)
  })

  test('the handler throwing a non-Error is traced and logged with a readable message', async () => {
    await start({
      'steps/cron/odd.step.ts': `
        export const config = { triggers: [{ type: 'cron', expression: '* * * * * *' }] }
        export const handler = async () => { throw null }
      `,
    })
    await current().waitFor(() => spansOf(current(), 'Odd').some((s) => s.status === 'error'), 5000)
    expect(spansOf(current(), 'Odd')[0]!.error).toBe('null was thrown (throw an Error to give a message and a stack)')
    expect(current().logs.some((e) => e.msg === '[motia] cron step "Odd" failed: null was thrown (throw an Error to give a message and a stack)')).toBe(true)
  })
})

describe('cron schedules at load', () => {
  test('an unknown time zone is refused like a bad expression; the other steps load', async () => {
    const { runtime } = await start({
      'steps/cron/zoned.step.ts': `
        export const config = { triggers: [{ type: 'cron', expression: '0 3 * * *', timezone: 'Europe/Pariss' }] }
        export const handler = async () => {}
      `,
      'steps/cron/fine.step.ts': `
        export const config = { triggers: [{ type: 'cron', expression: '@daily' }] }
        export const handler = async () => {}
      `,
    })
    expect(runtime.steps().map((s) => s.name)).toEqual(['Fine'])
    expect(current().logs.some((e) => e.level === 'error' && e.msg.startsWith('[motia] step "Zoned" (steps/cron/zoned.step.ts): unknown timezone "Europe/Pariss"'))).toBe(true)
  })

  test('a schedule that can never fire loads with a warning', async () => {
    const { runtime } = await start({
      'steps/cron/never.step.ts': `
        export const config = { triggers: [{ type: 'cron', expression: '0 0 30 2 *' }] }
        export const handler = async () => {}
      `,
    })
    expect(runtime.steps().map((s) => s.name)).toEqual(['Never'])
    expect(current().logs.some((e) => e.level === 'warn' && e.msg.includes('cron expression "0 0 30 2 *" never fires'))).toBe(true)
  })

  test('Quartz-style 0/1 seconds run', async () => {
    const { runtime } = await start({
      'steps/cron/quartz.step.ts': `
        export const config = { triggers: [{ type: 'cron', expression: '0/1 * * * * ?' }] }
        export const handler = async (tick, { state }) => { await state.set('cron', 'quartz', true) }
      `,
    })
    await current().waitFor(async () => (await runtime.state.get('cron', 'quartz')) === true, 4000)
    expect(await runtime.state.get('cron', 'quartz')).toBe(true)
  })
})
