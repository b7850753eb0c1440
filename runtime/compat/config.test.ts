import { afterEach, expect, test } from 'bun:test'
import { loadConfig } from '../config.ts'
import { makeProject, type TempProject } from '../../test/helpers/project.ts'

let project: TempProject | undefined

afterEach(() => {
  project?.cleanup()
  project = undefined
})

const load = (config: string, env: Record<string, string> = {}) => {
  project = makeProject({ 'motia.config.ts': config })
  return loadConfig(project.root, {}, env)
}

test("Motia 1.0's `config` from motia, with redis.useMemoryServer: the embedded store, said once", async () => {
  const config = await load(`import { config } from 'motia'\nexport default config({ redis: { useMemoryServer: true } })`)
  expect(config.redisUrl).toBeUndefined()
  expect(config.notices).toEqual([{ level: 'info', msg: expect.stringContaining('redis.useMemoryServer is served by the embedded store') }])
})

test('redis host and port become the Redis URL; REDIS_URL wins over them', async () => {
  const file = `import { defineConfig } from '@motiadev/core'\nexport default defineConfig({ redis: { host: 'cache.lan', port: 6380, username: 'u', password: 'p w', db: 2 } })`
  expect((await load(file)).redisUrl).toBe('redis://u:p%20w@cache.lan:6380/2')
  project?.cleanup()
  expect((await load(file, { REDIS_URL: 'redis://other:6379' })).redisUrl).toBe('redis://other:6379')
})

test('an @motiadev package with no counterpart fails the config with its name and the fix', async () => {
  const error = await load(`import x from '@motiadev/plugin-unheard-of/plugin'\nexport default { plugins: [x] }`).catch((e: Error) => e)
  expect(error).toBeInstanceOf(Error)
  expect((error as Error).message).toContain('@motiadev/plugin-unheard-of is a Motia package with no counterpart here: remove its import and its entry in plugins')
})

test("a Motia server export imported from @motiadev/core is named with the fix", async () => {
  const error = await load(`import { MotiaServerOnly } from '@motiadev/core'\nexport default { plugins: [MotiaServerOnly] }`).catch((e: Error) => e)
  expect((error as Error).message).toContain("MotiaServerOnly is part of Motia's server and has no counterpart here")
})

test("Motia's adapters (events, cron, a Motia state adapter) are left out with a warning each; ours are kept", async () => {
  const config = await load(`
    import { createMemoryState } from 'motia/adapters'
    class RedisStateAdapter { async get() {} async set() {} }
    const ours = createMemoryState()
    export default { adapters: { events: {}, cron: {}, state: new RedisStateAdapter(), streams: undefined, traces: undefined } }
    export const keep = { adapters: { state: ours } }
  `)
  expect(config.adapters.state).toBeUndefined()
  expect(config.adapters).not.toHaveProperty('events')
  const warnings = config.notices.filter((n) => n.level === 'warn').map((n) => n.msg)
  expect(warnings).toHaveLength(3)
  expect(warnings.find((w) => w.includes('adapters.state (RedisStateAdapter) is a Motia adapter'))).toBeDefined()
  expect(warnings.find((w) => w.includes("adapters.events is Motia's and is not used"))).toBeDefined()
  expect(warnings.find((w) => w.includes("adapters.cron is Motia's and is not used"))).toBeDefined()
})

test('an adapter of ours under state is kept as it is', async () => {
  const config = await load(`import { createMemoryState } from 'motia/adapters'\nexport default { adapters: { state: createMemoryState } }`)
  expect(typeof config.adapters.state).toBe('function')
  expect(config.notices).toEqual([])
})
