import { afterEach, expect, test } from 'bun:test'
import { createTestRuntime, type TestRuntime } from './testing/index.ts'
import { makeProject, type TempProject } from '../test/helpers/project.ts'

let project: TempProject | undefined
let app: TestRuntime | undefined

afterEach(async () => {
  await app?.stop()
  project?.cleanup()
})

test('a plugin adds a trigger type that steps use like a built-in one', async () => {
  project = makeProject({
    'motia.config.ts': `
      import { defineConfig, definePlugin } from 'motia'
      import { z } from 'zod'
      export const bus = new EventTarget()
      const webhooks = definePlugin({
        name: 'webhooks',
        triggers: [{
          type: 'webhook',
          schema: z.object({ type: z.literal('webhook'), source: z.string() }),
          register(step, trigger, runtime) {
            const listener = (event) => void runtime.run(step, trigger, event.detail, { traceName: 'webhook ' + trigger.source })
            bus.addEventListener(trigger.source, listener)
            return () => bus.removeEventListener(trigger.source, listener)
          },
        }],
      })
      export default defineConfig({ plugins: [webhooks] })
    `,
    'steps/on-github.step.ts': `
      export const config = { triggers: [{ type: 'webhook', source: 'github' }] }
      export const handler = async (payload, { state, trigger }) => { await state.set('hooks', 'last', { payload, type: trigger.type }) }
    `,
  })
  app = await createTestRuntime({ root: project.root })
  const { bus } = (await import(`${project.root}/motia.config.ts`)) as { bus: EventTarget }
  bus.dispatchEvent(new CustomEvent('github', { detail: { action: 'push' } }))
  await app.waitFor(async () => (await app!.runtime.state.get('hooks', 'last')) !== undefined)
  expect(await app.runtime.state.get('hooks', 'last')).toEqual({ payload: { action: 'push' }, type: 'webhook' })
})

test('a trigger schema rejects a bad config with the issue', async () => {
  project = makeProject({
    'motia.config.ts': `
      import { definePlugin } from 'motia'
      import { z } from 'zod'
      export default { plugins: [definePlugin({ name: 'p', triggers: [{ type: 'webhook', schema: z.object({ source: z.string() }), register: () => () => {} }] })] }
    `,
    'steps/bad.step.ts': `export const config = { triggers: [{ type: 'webhook' }] }\nexport const handler = async () => {}`,
  })
  app = await createTestRuntime({ root: project.root })
  expect(app.runtime.steps()).toEqual([])
  expect(app.logs.find((l) => l.level === 'error')?.msg).toContain('invalid webhook trigger #1: source:')
})

test('hooks wrap every handler and observe every run', async () => {
  project = makeProject({
    'motia.config.ts': `
      export const seen = []
      export default {
        plugins: [{
          name: 'audit',
          hooks: {
            async wrapHandler(run, next) { seen.push('before ' + run.step.name); const out = await next(); seen.push('after'); return out },
            onStepRun(run, outcome) { seen.push(run.step.name + ' ' + (outcome.ok ? 'ok' : 'failed')) },
          },
        }],
      }
    `,
    'steps/http/ping.get.step.ts': `export const handler = async () => ({ status: 200, body: 'pong' })`,
  })
  app = await createTestRuntime({ root: project.root })
  expect(await (await app.request('GET', '/ping')).text()).toBe('pong')
  const { seen } = (await import(`${project.root}/motia.config.ts`)) as { seen: string[] }
  expect(seen).toEqual(['before GetPing', 'after', 'GetPing ok'])
})
