import { afterEach, expect, test } from 'bun:test'
import { createTestRuntime, type TestRuntime } from './testing/index.ts'
import { makeProject, type TempProject } from '../test/helpers/project.ts'
import { runCli } from '../test/helpers/cli.ts'

let project: TempProject | undefined
let app: TestRuntime | undefined

afterEach(async () => {
  await app?.stop()
  app = undefined
  project?.cleanup()
})

const greeter = `
  import { definePlugin } from 'motia'
  import { z } from 'zod'
  export function greeter(options) {
    return definePlugin({
      name: 'greeter',
      options,
      optionsSchema: z.object({ greeting: z.string().min(1), times: z.number().int().optional() }),
      context: { greet: (ctx) => (who) => options.greeting + ', ' + who + ' from ' + ctx.step },
      routes: [{ method: 'GET', path: '/__greeter', handler: () => Response.json({ greeting: options.greeting }) }],
      commands: [{ name: 'greet', description: 'prints a greeting', usage: '<who>', run: (args, { log, config }) => log(options.greeting + ', ' + args.join(' ') + ' (' + config.plugins.length + ' plugin)') }],
    })
  }
`

test('options that fail the plugin schema refuse the config with a message naming the plugin', async () => {
  project = makeProject({
    'plugins/greeter.ts': greeter,
    'motia.config.ts': `import { greeter } from './plugins/greeter.ts'\nexport default { plugins: [greeter({ greeting: 42 })] }`,
  })
  const error = await createTestRuntime({ root: project.root }).catch((e: Error) => e)
  expect(error).toBeInstanceOf(Error)
  expect((error as Error).message).toMatch(/^\[motia\] plugin "greeter" has invalid options in motia\.config\.ts: greeting: .*expected string/)
})

test('a function in plugins (a factory not called, or a Motia Workbench plugin) is left out with a warning naming the fix', async () => {
  project = makeProject({
    'plugins/greeter.ts': greeter,
    'motia.config.ts': `import { greeter } from './plugins/greeter.ts'\nexport default { plugins: [greeter] }`,
  })
  const app = await createTestRuntime({ root: project.root })
  try {
    const warnings = app.logs.filter((entry) => entry.level === 'warn' && entry.msg.includes('plugins[0]'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]!.msg).toContain('it is a function, not a plugin object. If it is a plugin of this runtime, call it: plugins: [greeter({ ... })]')
    expect(app.runtime.config.plugins).toEqual([])
  } finally {
    await app.stop()
  }
})

test('a plugin adds context members, built once per run, and routes', async () => {
  project = makeProject({
    'plugins/greeter.ts': greeter,
    'motia.config.ts': `import { greeter } from './plugins/greeter.ts'\nexport default { plugins: [greeter({ greeting: 'hi' })] }`,
    'steps/hello.step.ts': `
      export const config = { triggers: [{ type: 'http', method: 'GET', path: '/hello' }] }
      export const handler = async (_req, ctx) => ({ status: 200, body: { text: ctx.greet('ann'), same: ctx.greet === ctx.greet } })
    `,
  })
  app = await createTestRuntime({ root: project.root })
  expect(await (await app.request('GET', '/hello')).json()).toEqual({ text: 'hi, ann from Hello', same: true })
  expect(await (await app.request('GET', '/__greeter')).json()).toEqual({ greeting: 'hi' })
})

test('transformTraces and transformLogSink see every span and log line', async () => {
  project = makeProject({
    'motia.config.ts': `
      export const seen = { spans: [], logs: [] }
      export default { plugins: [{
        name: 'spy',
        hooks: {
          transformTraces: (store) => ({ ...store, startSpan: (t, step, trig, at) => (seen.spans.push(step + ':' + trig), store.startSpan(t, step, trig, at)), get: store.get.bind(store), list: store.list.bind(store) }),
          transformLogSink: (sink) => (entry) => { seen.logs.push(entry.msg); sink(entry) },
        },
      }] }
    `,
    'steps/hello.step.ts': `
      export const config = { triggers: [{ type: 'http', method: 'GET', path: '/hello' }] }
      export const handler = async (_req, { logger }) => { logger.info('said hello'); return { status: 200, body: 'ok' } }
    `,
  })
  app = await createTestRuntime({ root: project.root })
  expect((await app.request('GET', '/hello')).status).toBe(200)
  const { seen } = (await import(`${project.root}/motia.config.ts`)) as { seen: { spans: string[]; logs: string[] } }
  expect(seen.spans).toEqual(['Hello:http'])
  expect(seen.logs).toContain('said hello')
  expect(app.logs.map((l) => l.msg)).toContain('said hello')
})

test('motia <command> runs a command a plugin adds, in the project folder', async () => {
  project = makeProject({
    'plugins/greeter.ts': greeter,
    'motia.config.ts': `import { greeter } from './plugins/greeter.ts'\nexport default { plugins: [greeter({ greeting: 'hello' })] }`,
  })
  const ran = await runCli(['greet', 'big', 'world'], project.root)
  expect(ran.stderr).toBe('')
  expect(ran.stdout).toBe('hello, big world (1 plugin)\n')
  const unknown = await runCli(['gret'], project.root)
  expect(unknown.code).toBe(1)
  expect(unknown.stderr).toContain("unknown command 'gret'")
})
