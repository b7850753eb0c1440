import { afterEach, describe, expect, test } from 'bun:test'
import { makeProject, type TempProject } from '../../test/helpers/project.ts'
import { builtinTriggers } from '../triggers/index.ts'
import { findStepFiles, loadSteps } from './load-steps.ts'
import { forgetProjectModules, moduleLoader } from './module-loader.ts'

const triggerTypes = new Map(builtinTriggers.map((t) => [t.type, t]))
const ok = `export const handler = async () => ({ status: 200, body: {} })\n`
let project: TempProject | undefined

afterEach(() => project?.cleanup())

async function load(files: Record<string, string>) {
  project = makeProject(files)
  const loaders = [moduleLoader]
  return loadSteps({ root: project.root, files: findStepFiles(project.root, loaders), loaders, triggerTypes })
}

describe('loadSteps', () => {
  test('finds step files under steps/ and src/ only', async () => {
    const result = await load({
      'steps/http/a.get.step.ts': ok,
      'src/b.step.ts': `export const config = { triggers: [{ type: 'state' }] }\n${ok}`,
      'lib/c.step.ts': ok,
      'steps/helper.ts': 'export const x = 1',
    })
    expect(result.errors).toEqual([])
    expect(result.steps.map((s) => s.relativePath)).toEqual(['src/b.step.ts', 'steps/http/a.get.step.ts'])
  })

  test('merges conventions with explicit config, explicit fields winning', async () => {
    const result = await load({ 'steps/http/users/index.post.step.ts': `export const config = { name: 'Create', triggers: [{ type: 'http', method: 'PUT' }] }\n${ok}` })
    expect(result.steps[0]!.name).toBe('Create')
    expect(result.steps[0]!.triggers).toEqual([{ type: 'http', method: 'PUT', path: '/users', index: 0 }])
  })

  test('a missing handler names the file and shows the fix', async () => {
    const result = await load({ 'steps/queue/jobs/run.step.ts': 'export const config = {}' })
    expect(result.errors[0]!.message).toContain('steps/queue/jobs/run.step.ts does not export a handler')
    expect(result.errors[0]!.message).toContain('export const handler')
  })

  test('duplicate step names are reported with both files', async () => {
    const result = await load({
      'steps/queue/a/x.step.ts': `export const config = { name: 'Same' }\n${ok}`,
      'steps/queue/b/y.step.ts': `export const config = { name: 'Same' }\n${ok}`,
    })
    expect(result.steps).toHaveLength(1)
    expect(result.errors[0]!.message).toMatch(/duplicate step name "Same" in steps\/queue\/a\/x.step.ts and steps\/queue\/b\/y.step.ts/)
  })

  test('duplicate routes are reported, even with different parameter names', async () => {
    const result = await load({
      'steps/http/users/[id].get.step.ts': ok,
      'steps/other.step.ts': `export const config = { triggers: [{ type: 'http', method: 'GET', path: '/users/:userId' }] }\n${ok}`,
    })
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]!.message).toContain('duplicate route GET /users/:')
  })

  test('an unknown trigger type lists the known ones', async () => {
    const result = await load({ 'steps/x.step.ts': `export const config = { triggers: [{ type: 'webhok' }] }\n${ok}` })
    expect(result.errors[0]!.message).toContain('unknown trigger type "webhok". Known types: http, queue, cron, state')
  })

  test('a malformed cron expression is refused at load time', async () => {
    const result = await load({ 'steps/cron/nightly.step.ts': `export const config = { triggers: [{ type: 'cron', expression: '61 * * * *' }] }\n${ok}` })
    expect(result.errors[0]!.message).toContain('invalid cron expression "61 * * * *"')
    expect(result.errors[0]!.message).toContain('steps/cron/nightly.step.ts')
  })

  test('a cron expression with the wrong number of fields says how many it needs', async () => {
    const result = await load({ 'steps/cron/x.step.ts': `export const config = { triggers: [{ type: 'cron', expression: '* * *' }] }\n${ok}` })
    expect(result.errors[0]!.message).toContain('has 3 fields; use 5')
  })

  test('an http step without a method says to set it or rename the file', async () => {
    const result = await load({ 'steps/http/health.step.ts': ok })
    expect(result.errors[0]!.message).toContain('http trigger needs a method')
    expect(result.errors[0]!.message).toContain('<name>.<method>.step.ts')
  })

  test('a step with no trigger says where to put it', async () => {
    const result = await load({ 'steps/lonely.step.ts': ok })
    expect(result.errors[0]!.message).toContain('has no triggers')
  })

  test('a syntax error gives the file and line, and other steps still load', async () => {
    const result = await load({
      'steps/queue/jobs/broken.step.ts': 'export const config = {\n  name: "x",\n  oops: = 1\n}\n',
      'steps/queue/jobs/fine.step.ts': ok,
    })
    expect(result.steps.map((s) => s.name)).toEqual(['Fine'])
    expect(result.errors[0]!.message).toMatch(/steps\/queue\/jobs\/broken\.step\.ts:3:\d+/)
  })

  test('enqueueing a topic nobody subscribes to is a warning', async () => {
    const result = await load({ 'steps/http/a.post.step.ts': `export const config = { enqueues: ['nowhere'] }\n${ok}` })
    expect(result.errors).toEqual([])
    expect(result.warnings[0]).toContain('enqueues "nowhere" but no step subscribes to it')
  })

  test('invalid queue options name the field', async () => {
    const result = await load({ 'steps/queue/jobs/x.step.ts': `export const config = { triggers: [{ type: 'queue', config: { concurrency: 0 } }] }\n${ok}` })
    expect(result.errors[0]!.message).toContain('config.concurrency must be a whole number ≥ 1')
  })

  test('a queue option outside config is refused with the right place shown', async () => {
    const result = await load({ 'steps/queue/jobs/x.step.ts': `export const config = { triggers: [{ type: 'queue', concurrency: 5 }] }\n${ok}` })
    expect(result.errors[0]!.message).toBe(
      `[motia] step "X" (steps/queue/jobs/x.step.ts): unknown queue trigger field "concurrency": queue options go in config, e.g. { type: 'queue', topic: 'jobs', config: { concurrency: ... } }`,
    )
  })
})

describe('loadSteps after a failed reload', () => {
  const queueStep = (topic: string) => `export const config = { triggers: [{ type: 'queue', topic: '${topic}' }] }\nexport const handler = async () => {}\n`

  test('a step whose file now fails keeps its queue subscriptions from the last good load', async () => {
    const first = await load({ 'steps/queue/jobs/run.step.ts': queueStep('jobs'), 'steps/http/a.get.step.ts': ok, 'lib/helper.ts': 'export const x = 1\n' })
    project!.write('steps/queue/jobs/run.step.ts', `import { x } from '../../../lib/helper.ts'\nexport const used = x\n${queueStep('jobs')}`)
    project!.write('lib/helper.ts', 'export const x = = 1\n')
    forgetProjectModules(project!.root)
    const loaders = [moduleLoader]
    const second = await loadSteps({ root: project!.root, files: findStepFiles(project!.root, loaders), loaders, triggerTypes, previous: first.steps })
    expect(second.steps.map((s) => s.name)).toEqual(['GetA'])
    expect(second.kept.map((s) => s.name)).toEqual(['Run'])
    expect(second.warnings).toContain('[motia] step "Run" (steps/queue/jobs/run.step.ts) failed to load: messages to "jobs" wait in its queue and run once the file loads again')
    // Once fixed, the helper runs again (Bun would otherwise rethrow its old syntax error).
    project!.write('lib/helper.ts', 'export const x = 2\n')
    forgetProjectModules(project!.root)
    const third = await loadSteps({ root: project!.root, files: findStepFiles(project!.root, loaders), loaders, triggerTypes, previous: [...second.steps, ...second.kept] })
    expect(third.errors).toEqual([])
    expect(third.kept).toEqual([])
    expect(third.steps.map((s) => s.name).sort()).toEqual(['GetA', 'Run'])
  })

  test('a deleted step, or one that never loaded, keeps nothing', async () => {
    const first = await load({ 'steps/queue/jobs/run.step.ts': queueStep('jobs'), 'steps/queue/other.step.ts': 'export const config = {' })
    project!.remove('steps/queue/jobs/run.step.ts')
    const loaders = [moduleLoader]
    const second = await loadSteps({ root: project!.root, files: findStepFiles(project!.root, loaders), loaders, triggerTypes, previous: first.steps })
    expect(second.kept).toEqual([])
    expect(second.errors.map((e) => e.file)).toEqual(['steps/queue/other.step.ts'])
  })
})
