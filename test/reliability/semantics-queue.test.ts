/**
 * Queue semantics that a one-line slip in the queue trigger would break while every other test
 * passes: a step's own `backoff`, `type: 'fifo'`, and the re-validation of data on delivery.
 * Each runs through the real runtime, with the in-memory and with the embedded SQLite adapters.
 */
import { afterEach, describe, expect, test } from 'bun:test'
import { waitFor } from '../../runtime/testing/wait.ts'
import type { ConsumeOptions, QueueAdapter } from '../../runtime/adapters/queue/types.ts'
import { adapterKinds, bootRuntime, type BootedRuntime } from '../helpers/runtime.ts'

let booted: BootedRuntime | undefined

afterEach(async () => {
  await booted?.stop()
  booted = undefined
})

/** A queue step that fails until its `attempts`-th attempt and records when each attempt started. */
const retrying = (topic: string, options: string, attempts: number) => `
  const started = []
  export const config = { triggers: [{ type: 'queue', topic: '${topic}', config: { maxRetries: ${attempts}, ${options} } }] }
  export const handler = async (data, { state }) => {
    started.push(Date.now())
    await state.set('attempts', '${topic}', started)
    if (started.length < ${attempts}) throw new Error('not yet')
  }
`

describe.each(adapterKinds)('queue semantics (%s)', (kind) => {
  test("the trigger hands the step's own options to the adapter", async () => {
    const seen: ConsumeOptions[] = []
    const spy = (queue: QueueAdapter): QueueAdapter => ({ ...queue, consume: (options, handler) => (seen.push(options), queue.consume(options, handler)) })
    booted = await bootRuntime(
      kind,
      {
        'steps/queue/custom.step.ts': `
          export const config = { triggers: [{ type: 'queue', topic: 'custom', config: { maxRetries: 7, backoff: { type: 'fixed', delayMs: 1234 }, visibilityTimeoutMs: 4321, concurrency: 3, type: 'fifo' } }] }
          export const handler = async () => {}
        `,
        'steps/queue/plain.step.ts': `
          export const config = { triggers: [{ type: 'queue', topic: 'plain' }] }
          export const handler = async () => {}
        `,
      },
      { wrapQueue: spy },
    )
    const byStep = Object.fromEntries(seen.map((options) => [options.step, options]))
    const { onDeadLetter, ...custom } = byStep.Custom!
    expect(typeof onDeadLetter).toBe('function')
    // timeoutMs defaults to the visibility timeout.
    expect(custom).toEqual({ topic: 'custom', step: 'Custom', maxRetries: 7, backoff: { type: 'fixed', delayMs: 1234 }, visibilityTimeoutMs: 4321, timeoutMs: 4321, concurrency: 3, fifo: true })
    expect(byStep.Plain).toMatchObject({ topic: 'plain', backoff: { type: 'exponential', delayMs: 1000 }, fifo: false })
  })

  test('retries are spaced by the configured backoff: fixed stays flat, exponential doubles', async () => {
    // What each retry waits is said by the retry line (exact, whatever the load); that the adapter
    // really waits it is shown by the times between attempts, bounded from below only: on a loaded
    // machine timers can be late, never early. The default (exponential from 1000 ms) fails both.
    booted = await bootRuntime(kind, {
      'steps/queue/flat.step.ts': retrying('flat', "backoff: { type: 'fixed', delayMs: 1300 }", 3),
      'steps/queue/doubling.step.ts': retrying('doubling', "backoff: { type: 'exponential', delayMs: 300 }", 3),
    })
    const { runtime, logs } = booted
    await Promise.all([runtime.enqueue({ topic: 'flat', data: {} }), runtime.enqueue({ topic: 'doubling', data: {} })])
    const times = async (topic: string) => (await runtime.state.get<number[]>('attempts', topic)) ?? []
    await waitFor(async () => (await times('flat')).length === 3 && (await times('doubling')).length === 3, 30_000)
    const waits = (topic: string) => logs.filter((entry) => entry.topic === topic && entry.retryInMs !== undefined).map((entry) => entry.retryInMs)
    expect(waits('flat')).toEqual([1300, 1300])
    expect(waits('doubling')).toEqual([300, 600])
    const gaps = (t: number[]) => [t[1]! - t[0]!, t[2]! - t[1]!]
    const [flat1, flat2] = gaps(await times('flat'))
    expect(flat1).toBeGreaterThanOrEqual(1250)
    expect(flat2).toBeGreaterThanOrEqual(1250)
    const [doubling1, doubling2] = gaps(await times('doubling'))
    expect(doubling1).toBeGreaterThanOrEqual(280)
    expect(doubling2).toBeGreaterThanOrEqual(580)
    expect(await runtime.queue.deadLetters()).toEqual([])
  }, 60_000)

  test("a fifo step with concurrency > 1 runs one message of a group at a time, in order, and groups in parallel", async () => {
    booted = await bootRuntime(kind, {
      'steps/queue/ordered.step.ts': `
        const running = {}, max = {}, done = {}
        let runningAll = 0, maxAll = 0
        export const config = { triggers: [{ type: 'queue', topic: 'ordered', config: { type: 'fifo', concurrency: 4 } }] }
        export const handler = async (m, { state }) => {
          running[m.group] = (running[m.group] ?? 0) + 1
          max[m.group] = Math.max(max[m.group] ?? 0, running[m.group])
          maxAll = Math.max(maxAll, ++runningAll)
          // Uneven durations: without fifo, later messages of a group would overtake earlier ones.
          await Bun.sleep(m.seq % 3 === 0 ? 40 : 5)
          running[m.group]--
          runningAll--
          ;(done[m.group] ??= []).push(m.seq)
          await state.set('fifo', m.group, { max: max[m.group], done: [...done[m.group]] })
          await state.set('fifo', 'all', { max: maxAll })
        }
      `,
    })
    const { runtime } = booted
    const groups = ['a', 'b', 'c']
    const perGroup = 9
    const sends = []
    for (let seq = 0; seq < perGroup; seq++) {
      for (const group of groups) sends.push(runtime.enqueue({ topic: 'ordered', data: { group, seq }, messageGroupId: group }))
    }
    await Promise.all(sends)
    const result = (group: string) => runtime.state.get<{ max: number; done: number[] }>('fifo', group)
    await waitFor(async () => (await Promise.all(groups.map(result))).every((r) => r?.done.length === perGroup), 15_000)
    const inOrder = Array.from({ length: perGroup }, (_, i) => i)
    for (const group of groups) expect(await result(group)).toEqual({ max: 1, done: inOrder })
    expect((await runtime.state.get<{ max: number }>('fifo', 'all'))!.max).toBeGreaterThanOrEqual(2)
  }, 60_000)

  describe('data is validated again on delivery', () => {
    const strict = `
      import { z } from 'zod'
      export const config = { triggers: [{ type: 'queue', topic: 'strict', input: z.object({ n: z.number(), tag: z.string().default('none') }), config: { maxRetries: 3 } }] }
      export const handler = async (data, { state }) => { await state.set('strict', String(data.n), data) }
    `

    test('a message put straight into the adapter that fails the schema is dead-lettered, not run', async () => {
      booted = await bootRuntime(kind, { 'steps/queue/strict.step.ts': strict })
      const { runtime } = booted
      await runtime.queue.publish('strict', ['Strict'], { n: 'not a number' }, { traceId: 'fuzzed' })
      await waitFor(async () => (await runtime.queue.deadLetters({ step: 'Strict' })).length === 1)
      const [letter] = await runtime.queue.deadLetters({ step: 'Strict' })
      expect(letter).toMatchObject({ topic: 'strict', attempts: 1, data: { n: 'not a number' } })
      expect(letter!.error).toContain('does not match the input schema of "Strict"')
      expect(await runtime.state.list('strict')).toEqual([])
    })

    test('the handler gets the parsed value (defaults applied)', async () => {
      booted = await bootRuntime(kind, { 'steps/queue/strict.step.ts': strict })
      const { runtime } = booted
      await runtime.queue.publish('strict', ['Strict'], { n: 1 }, { traceId: 'direct' })
      await waitFor(async () => (await runtime.state.get('strict', '1')) !== undefined)
      expect(await runtime.state.get('strict', '1')).toEqual({ n: 1, tag: 'none' })
    })

    test('a message enqueued before its schema changed is dead-lettered under the new schema', async () => {
      booted = await bootRuntime(kind, { 'steps/queue/strict.step.ts': strict })
      const { runtime, project } = booted
      await runtime.enqueue({ topic: 'strict', data: { n: 2 }, delayMs: 400 })
      project.write('steps/queue/strict.step.ts', strict.replace('n: z.number()', 'n: z.string()'))
      await runtime.reload()
      await waitFor(async () => (await runtime.queue.deadLetters({ step: 'Strict' })).length === 1)
      expect((await runtime.queue.deadLetters({ step: 'Strict' }))[0]!.error).toContain('does not match the input schema')
      expect(await runtime.state.list('strict')).toEqual([])
    })
  })
})
