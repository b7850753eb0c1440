/**
 * Motia 0.x step files (type: 'api' | 'event' | 'cron' | 'noop', emits/subscribes, ctx.emit) load
 * with one deprecation warning each and behave as they did; files that match no shape, or import
 * what cannot be found, get one error that says what and how to fix it.
 */
import { describe, expect, test } from 'bun:test'
import type { TestRuntime } from '../testing/index.ts'
import { testRuntimeEachTest } from '../../test/helpers/runtime.ts'

const { start } = testRuntimeEachTest()

const messages = (t: TestRuntime, level: string) => t.logs.filter((l) => l.level === level).map((l) => l.msg)

const legacyProject = {
  'steps/submit.step.ts': `
    import { z } from 'zod'
    export const config = {
      type: 'api', name: 'Submit', path: '/tickets', method: 'POST',
      bodySchema: z.object({ title: z.string() }),
      emits: [{ topic: 'ticket.submitted', label: 'submitted' }], flows: ['support'],
    }
    export const handler = async (req, { emit }) => {
      await emit({ topic: 'ticket.submitted', data: { title: req.body.title } })
      return { status: 202, body: { queued: true } }
    }
  `,
  'steps/triage.step.ts': `
    import { z } from 'zod'
    export const config = {
      type: 'event', name: 'Triage', subscribes: ['ticket.submitted'], emits: ['ticket.triaged'],
      input: z.object({ title: z.string() }), flows: ['support'],
    }
    export const handler = async (input, { emit, state }) => {
      await state.set('tickets', input.title, { title: input.title, triaged: true })
      await emit({ topic: 'ticket.triaged', data: { title: input.title } })
    }
  `,
  'steps/notify.step.ts': `
    export const config = { type: 'event', name: 'Notify', subscribes: ['ticket.triaged'], emits: [], flows: ['support'] }
    export const handler = async (input, { state }) => {
      const all = await state.getGroup('tickets')
      await state.set('notified', input.title, all.length)
    }
  `,
  'steps/sweep.step.ts': `
    export const config = { type: 'cron', name: 'Sweep', cron: '* * * * * *', emits: [], flows: ['support'] }
    export const handler = async ({ state, logger, traceId }) => { await state.set('sweep', 'last', { traceId: typeof traceId }) }
  `,
  'steps/human.step.ts': `
    export const config = { type: 'noop', name: 'HumanReview', virtualEmits: ['ticket.reviewed'], virtualSubscribes: ['ticket.triaged'], flows: ['support'] }
  `,
}

describe('Motia 0.x configs', () => {
  test('api/event/cron/noop steps run, talking through emit, subscribes and state', async () => {
    const t = await start(legacyProject)
    expect(messages(t, 'error')).toEqual([])
    const res = await t.request('POST', '/tickets', { title: 'printer' })
    expect(res.status).toBe(202)
    await t.waitFor(async () => (await t.runtime.state.get('notified', 'printer')) === 1)
    expect(await t.runtime.state.get('tickets', 'printer')).toEqual({ title: 'printer', triaged: true })
    // 0.x cron handlers get the context as their first argument
    await t.waitFor(async () => (await t.runtime.state.get('sweep', 'last')) !== undefined, 3000)
    expect(await t.runtime.state.get('sweep', 'last')).toEqual({ traceId: 'string' })
    const human = t.runtime.steps().find((s) => s.name === 'HumanReview')!
    expect(human.triggers).toEqual([])
    expect(human.config).toMatchObject({ virtualEnqueues: ['ticket.reviewed'], virtualSubscribes: ['ticket.triaged'] })
  }, 60_000)

  test('one deprecation warning per 0.x file, naming the 1.0 equivalent', async () => {
    const t = await start(legacyProject)
    const warnings = messages(t, 'warn').filter((m) => m.includes('Motia 0.x'))
    expect(warnings).toHaveLength(5)
    expect(warnings.find((w) => w.includes('steps/triage.step.ts'))).toContain(
      "write triggers: [{ type: 'queue', topic: 'ticket.submitted' }], enqueues: ['ticket.triaged'] and ctx.enqueue for ctx.emit",
    )
    expect(warnings.find((w) => w.includes('steps/submit.step.ts'))).toContain("triggers: [{ type: 'http', method: 'POST', path: '/tickets' }]")
    expect(warnings.find((w) => w.includes('steps/sweep.step.ts'))).toContain("{ type: 'cron', expression: '* * * * * *' }")
  })

  test("an event step's input schema is enforced: data that does not fit is refused at enqueue", async () => {
    const t = await start(legacyProject)
    await expect(t.runtime.enqueue({ topic: 'ticket.submitted', data: { title: 42 } })).rejects.toThrow(/Triage/)
    const res = await t.request('POST', '/tickets', { title: 7 })
    expect(res.status).toBe(400)
  })

  test("0.x streams.<name>.set answers the stored item, as 0.x did (a 1.0 step's answers { new_value, old_value }); the rest of the context is intact", async () => {
    const t = await start({
      'steps/note.stream.ts': `import { z } from 'zod'\nexport const config = { name: 'note', schema: z.object({ text: z.string() }), baseConfig: { storageType: 'default' } }`,
      'steps/old.step.ts': `
        export const config = { type: 'api', name: 'Old', path: '/old', method: 'POST', emits: ['noted'] }
        export const handler = async (req, { streams, state, emit, traceId }) => {
          const item = await streams.note.set('g', 'a', { text: req.body.text })
          await state.set('old', 'traceId', typeof traceId)
          await emit({ topic: 'noted', data: {} })
          return { status: 200, body: { item, got: await streams.note.get('g', 'a') } }
        }
      `,
      'steps/new.step.ts': `
        export const config = { name: 'New', triggers: [{ type: 'http', method: 'POST', path: '/new' }] }
        export const handler = async (req, { streams }) => ({ status: 200, body: await streams.note.set('g', 'a', { text: req.body.text }) })
      `,
    })
    const old = await t.request('POST', '/old', { text: 'one' })
    expect(await old.json()).toEqual({ item: { text: 'one', id: 'a' }, got: { text: 'one', id: 'a' } })
    expect(await t.runtime.state.get('old', 'traceId')).toBe('string')
    expect(await (await t.request('POST', '/new', { text: 'two' })).json()).toEqual({ new_value: { text: 'two', id: 'a' }, old_value: { text: 'one', id: 'a' } })
  })

  test("infrastructure.queue.visibilityTimeout is in seconds, as in Motia: 0.x event steps and 1.0 queue triggers are cut off after that many seconds", async () => {
    const hang = 'export const handler = async () => { await new Promise(() => {}) }'
    const t = await start({
      'steps/slow-0x.step.ts': `export const config = { type: 'event', name: 'Slow0x', subscribes: ['slow'], emits: [], infrastructure: { queue: { visibilityTimeout: 1, maxRetries: 0 } } }\n${hang}`,
      'steps/slow-1.step.ts': `export const config = { name: 'Slow1', triggers: [{ type: 'queue', topic: 'slow', infrastructure: { queue: { visibilityTimeout: 1, maxRetries: 0 } } }] }\n${hang}`,
    })
    const configs = t.runtime.steps().map((step) => [step.name, (step.triggers[0] as { config?: unknown }).config])
    expect(configs.sort()).toEqual([
      ['Slow0x', { maxRetries: 0, visibilityTimeoutMs: 1000 }],
      ['Slow1', { maxRetries: 0, visibilityTimeoutMs: 1000 }],
    ])
    await t.runtime.enqueue({ topic: 'slow', data: {} })
    await t.waitFor(async () => (await t.runtime.queue.deadLetters()).length === 2, 20_000)
    expect((await t.runtime.queue.deadLetters()).map((letter) => [letter.step, letter.error]).sort()).toEqual([
      ['Slow0x', 'timed out after 1000 ms'],
      ['Slow1', 'timed out after 1000 ms'],
    ])
  })

  test('an event step without subscribes is refused with the fix', async () => {
    const t = await start({ 'steps/x.step.ts': `export const config = { type: 'event', name: 'X', subscribes: [] }\nexport const handler = async () => {}` })
    expect(messages(t, 'error').join('\n')).toContain("steps/x.step.ts (Motia 0.x event step): subscribes must list the topics it listens to, e.g. subscribes: ['order-placed']")
  })
})

describe('files matching no shape', () => {
  const handler = '\nexport const handler = async () => ({ status: 200 })'
  test.each([
    [`{ name: 'A', path: '/a', method: 'GET' }`, "a Motia 0.x api step needs type: 'api'; in Motia 1.0 form write triggers: [{ type: 'http', method: 'GET', path: '/a' }]"],
    [`{ name: 'B', subscribes: ['t'] }`, "a Motia 0.x event step needs type: 'event'; in Motia 1.0 form write triggers: [{ type: 'queue', topic: 't' }]"],
    [`{ name: 'C', cron: '0 * * * *' }`, "a Motia 0.x cron step needs type: 'cron'"],
    [`{ name: 'D', type: 'http', path: '/d', method: 'GET' }`, `config.type is "http": "http" is a trigger type: write triggers: [{ type: 'http', ... }]`],
    [`{ name: 'E', type: 'job' }`, `config.type is "job": it is neither a Motia 0.x step (type: 'api' | 'event' | 'cron' | 'noop') nor a step with config.triggers`],
  ])('%s is recognised', async (config, expected) => {
    const t = await start({ 'steps/odd.step.ts': `export const config = ${config}${handler}` })
    const errors = messages(t, 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain('[motia] steps/odd.step.ts: config matches no step shape: ')
    expect(errors[0]).toContain(expected)
  })
})

describe('missing imports', () => {
  test('a step file reports every import that cannot be found, not just the first', async () => {
    const t = await start({
      'steps/imports.step.ts': `
        import { thing } from 'not-installed-pkg'
        import { other } from '@scope/also-missing/sub'
        import { helper } from '../lib/nowhere.ts'
        import type { Only } from 'types-only-pkg'
        export const config = { triggers: [{ type: 'http', method: 'GET', path: '/i' }] }
        export const handler = async () => ({ status: 200, body: [thing, other, helper] })
      `,
    })
    const errors = messages(t, 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0]).toBe(
      "[motia] steps/imports.step.ts imports 3 modules that cannot be found: 'not-installed-pkg' (install it: bun add not-installed-pkg), '@scope/also-missing/sub' (install it: bun add @scope/also-missing), '../lib/nowhere.ts' (no such file)",
    )
  })
})
