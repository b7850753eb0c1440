/**
 * Every built-in template loads cleanly, type-checks, and does what its README says.
 */
import { afterEach, describe, expect, test } from 'bun:test'
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { builtinTemplates } from '../../cli/create/templates.ts'
import { generateTypes, typesFile } from '../../cli/generate/types.ts'
import { loadProjectFiles } from '../../runtime/project.ts'
import { createTestRuntime, type TestRuntime } from '../../runtime/testing/index.ts'
import { repoRoot } from '../helpers/project.ts'
import { typeCheck } from '../helpers/typecheck.ts'

let app: TestRuntime | undefined
afterEach(async () => {
  await app?.stop()
  app = undefined
})

const templates = builtinTemplates()

test('the built-in templates are starter, starter-js and flow at least', () => {
  expect(templates.map((t) => t.name)).toEqual(expect.arrayContaining(['starter', 'starter-js', 'flow']))
})

describe.each(templates.map((t) => [t.name, t] as const))('template %s', (_name, template) => {
  test('has a description, a README and a .gitignore that keeps .motia/ out', () => {
    expect(template.description.length).toBeGreaterThan(10)
    expect(existsSync(join(template.dir, 'README.md'))).toBe(true)
    expect(readFileSync(join(template.dir, '.gitignore'), 'utf8')).toContain('.motia/')
  })

  test('has typecheck and test scripts that work with only Node and npm, and an example test', () => {
    const manifest = JSON.parse(readFileSync(join(template.dir, 'package.json'), 'utf8'))
    expect(manifest.scripts).toMatchObject({ dev: 'motia dev', test: 'bun test', typecheck: expect.stringMatching(/^tsc --noEmit\b/) })
    // A template with a React page (public/*.tsx) also needs React's types.
    const react = existsSync(join(template.dir, 'public')) && readdirSync(join(template.dir, 'public')).some((file) => file.endsWith('.tsx'))
    expect(Object.keys(manifest.devDependencies).sort()).toEqual(['@types/bun', ...(react ? ['@types/react', '@types/react-dom'] : []), 'bun', 'typescript'])
    if (react) expect(Object.keys(manifest.dependencies)).toEqual(expect.arrayContaining(['react', 'react-dom']))
    expect(manifest.allowScripts).toEqual({ bun: true, 'msgpackr-extract': false })
    const config = template.language === 'javascript' ? 'jsconfig.json' : 'tsconfig.json'
    expect(existsSync(join(template.dir, config))).toBe(true)
    const tests = readdirSync(join(template.dir, 'test')).filter((file) => /\.test\.[jt]s$/.test(file))
    expect(tests).toHaveLength(1)
    expect(readFileSync(join(template.dir, 'test', tests[0]!), 'utf8')).toContain("from 'motia/testing'")
  })

  test('every step loads with no error or warning', async () => {
    app = await createTestRuntime({ root: template.dir })
    expect(app.logs.filter((entry) => entry.level === 'error' || entry.level === 'warn')).toEqual([])
    // The plugin template is a package with one example step; the project templates have more.
    expect(app.runtime.steps().length).toBeGreaterThan(template.name === 'plugin' ? 0 : 3)
  })

  test('type-checks (its pages too, against the types `motia dev` generates)', async () => {
    const config = join(template.dir, 'tsconfig.check.json')
    // The pages' hooks are typed from the project's streams: write types.d.ts as `motia dev` does.
    const types = join(template.dir, typesFile)
    const loaded = await loadProjectFiles({ root: template.dir, mode: 'dev' })
    if (loaded.streams.length) writeFileSync(types, generateTypes(loaded.steps, template.dir, loaded.streams))
    writeFileSync(
      config,
      JSON.stringify({
        extends: ['tsconfig.json', 'jsconfig.json'].filter((file) => existsSync(join(template.dir, file))).map((file) => `./${file}`)[0],
        compilerOptions: {
          target: 'ESNext',
          module: 'Preserve',
          moduleResolution: 'bundler',
          types: ['bun'],
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          allowImportingTsExtensions: true,
          allowJs: true,
          checkJs: true,
          typeRoots: [join(repoRoot, 'node_modules/@types')],
        },
        include: ['steps', 'lib', 'test', 'public', '*.ts'],
      }),
    )
    try {
      expect(await typeCheck(template.dir, config)).toBe('')
    } finally {
      rmSync(config, { force: true })
      if (loaded.streams.length) rmSync(types, { force: true })
    }
  }, 300_000)
})

describe('what the READMEs promise', () => {
  const post = (path: string, body: unknown) => app!.request('POST', path, body)

  for (const name of ['starter', 'starter-js']) {
    test(`${name}: hello, then an order goes through the queue into state`, async () => {
      app = await createTestRuntime({ root: join(repoRoot, 'templates', name) })
      expect(await (await app.request('GET', '/default')).json()).toEqual({ message: 'Hello World from Motia!' })
      const placed = await post('/orders', { item: 'book', quantity: 2 })
      expect(placed.status).toBe(202)
      const { id } = (await placed.json()) as { id: string }
      await app.waitFor(async () => (await app!.request('GET', `/orders/${id}`)).status === 200)
      expect(await (await app.request('GET', `/orders/${id}`)).json()).toMatchObject({ id, item: 'book', quantity: 2, status: 'recorded' })
      expect((await post('/orders', { item: '', quantity: 0 })).status).toBe(400)
    })
  }

  test('flow: a ticket is triaged, its customer notified, and it can be resolved', async () => {
    app = await createTestRuntime({ root: join(repoRoot, 'templates/flow') })
    const opened = await post('/tickets', { title: 'Refund for invoice 42', customer: 'ada@example.com', priority: 'urgent' })
    expect(opened.status).toBe(202)
    const { id } = (await opened.json()) as { id: string }
    await app.waitFor(async () => (await app!.runtime.state.get('notifications', id)) !== undefined)
    expect(await (await app.request('GET', `/tickets/${id}`)).json()).toMatchObject({ status: 'triaged', team: 'billing' })
    expect(await app.runtime.state.get('notifications', id)).toMatchObject({ to: 'ada@example.com', text: `Your ticket ${id} is with our billing team.` })
    expect(await (await post(`/tickets/${id}/resolve`, {})).json()).toMatchObject({ status: 'resolved' })
    const list = (await (await app.request('GET', '/tickets')).json()) as { stats: Record<string, unknown> }
    expect(list.stats).toMatchObject({ triaged: 1, resolved: 1, byTeam: { billing: 1 } })
  })

  test('flow: the SLA sweep escalates a triaged ticket that waited too long', async () => {
    app = await createTestRuntime({ root: join(repoRoot, 'templates/flow') })
    const old = Date.now() - 10 * 60_000
    await app.runtime.state.set('tickets', 't-old', { id: 't-old', title: 'Down', customer: 'a@b.co', priority: 'urgent', status: 'triaged', openedAt: old, triagedAt: old })
    await app.runtime.state.set('tickets', 't-new', { id: 't-new', title: 'Slow', customer: 'a@b.co', priority: 'urgent', status: 'triaged', openedAt: Date.now(), triagedAt: Date.now() })
    const sweep = app.runtime.steps().find((step) => step.name === 'SlaSweep')!
    await app.runtime.run(sweep, sweep.triggers[0]!, { scheduledAt: new Date() })
    expect(await app.runtime.state.get('tickets', 't-old')).toMatchObject({ status: 'escalated' })
    expect(await app.runtime.state.get('tickets', 't-new')).toMatchObject({ status: 'triaged' })
  })
})
