import { afterEach, describe, expect, test } from 'bun:test'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { assertContained } from './fetch-template.ts'
import { choosePackageManager, commandsFor } from './package-manager.ts'
import { folderOf, packageNameProblem, suggestPackageName } from './package-name.ts'
import { motiaDependency, scaffold } from './scaffold.ts'

describe('packageNameProblem', () => {
  test('accepts what npm accepts', () => {
    for (const name of ['my-app', 'app2', '@acme/api', 'a.b_c-d']) expect(packageNameProblem(name)).toBeUndefined()
  })

  test("refuses the characters npm refuses in new packages (~'!()*)", () => {
    for (const name of ['a~b', "it's", 'wow!', 'f(x)', 'star*']) expect(packageNameProblem(name)).toContain('may only contain')
  })

  test('names what npm would reject', () => {
    expect(packageNameProblem('')).toBe('it is empty')
    expect(packageNameProblem('x'.repeat(215))).toBe('it is longer than 214 characters')
    expect(packageNameProblem('_private')).toBe('it starts with "." or "_"')
    expect(packageNameProblem('node_modules')).toBe('"node_modules" is reserved')
    expect(packageNameProblem('http')).toBe('"http" is a Node.js core module')
    expect(packageNameProblem('a b')).toContain('may only contain')
  })

  test('every suggestion for a bad name is itself a valid name', () => {
    const bad = [
      'My App', '  padded  ', '.hidden', '_private', '..', '._-', '-dash-', 'UPPER_CASE', 'x'.repeat(300), '@Acme/My App',
      `@${'s'.repeat(120)}/${'n'.repeat(120)}`, 'node_modules', 'favicon.ico', 'FAVICON.ICO', 'http', 'fs', '@acme/node_modules',
      'Café Crème', '日本語', '🚀🚀', '', ' ', '@/x', '@acme/', 'a~b', "it's (mine)!", 'a//b', 'tab\there', 'ｆｕｌｌｗｉｄｔｈ',
    ]
    for (const name of bad) {
      const suggestion = suggestPackageName(name)
      expect({ name, suggestion, problem: packageNameProblem(suggestion) }).toEqual({ name, suggestion, problem: undefined })
    }
  })

  test('a suggestion stays close to what was typed', () => {
    expect(suggestPackageName('My App')).toBe('my-app')
    expect(suggestPackageName('@Acme/My App')).toBe('@acme/my-app')
    expect(suggestPackageName('.hidden')).toBe('hidden')
    expect(suggestPackageName('Café Crème')).toBe('cafe-creme')
    expect(suggestPackageName('node_modules')).toBe('node_modules-app')
    expect(suggestPackageName('http')).toBe('http-app')
    expect(suggestPackageName('日本語')).toBe('my-motia-app')
    expect(suggestPackageName('x'.repeat(300))).toHaveLength(214)
  })

  test('random input never yields an invalid suggestion', () => {
    const alphabet = 'aZ9 ._-~@/!()*\'"é日🚀\t'
    for (let i = 0; i < 2000; i++) {
      const length = Math.floor(Math.random() * 40)
      const name = Array.from({ length }, () => [...alphabet][Math.floor(Math.random() * [...alphabet].length)]).join('')
      expect(packageNameProblem(suggestPackageName(name))).toBeUndefined()
    }
  })

  test('a scoped name gets the folder of its last part', () => {
    expect(folderOf('@acme/api')).toBe('api')
  })
})

describe('assertContained', () => {
  const dirs: string[] = []
  const fresh = () => {
    const dir = mkdtempSync(join(tmpdir(), 'motia-contained-'))
    dirs.push(dir)
    return dir
  }
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })

  test('allows links that stay inside', () => {
    const dir = fresh()
    mkdirSync(join(dir, 'a'))
    writeFileSync(join(dir, 'a/file.txt'), 'x')
    symlinkSync('a/file.txt', join(dir, 'link'))
    expect(() => assertContained(dir)).not.toThrow()
  })

  test('refuses a link that leaves the folder, however deep', () => {
    const dir = fresh()
    mkdirSync(join(dir, 'deep/er'), { recursive: true })
    symlinkSync('../../../outside', join(dir, 'deep/er/escape'))
    expect(() => assertContained(dir)).toThrow(`the template's "deep/er/escape" points outside the project`)
    symlinkSync('/etc', join(dir, 'absolute'))
    expect(() => assertContained(dir)).toThrow('points outside the project')
  })
})

describe('choosePackageManager', () => {
  const none = () => null
  test('the one that started us, from npm_config_user_agent', () => {
    expect(choosePackageManager({ userAgent: 'npm/11.19.1 node/v20.20.2 linux x64 workspaces/false', which: () => '/usr/bin/bun' }).name).toBe('npm')
    expect(choosePackageManager({ userAgent: 'bun/1.4.5 npm/? node/v26.3.0 linux x64', which: none }).name).toBe('bun')
    expect(choosePackageManager({ userAgent: 'pnpm/10.0.0 npm/? node/v22.0.0', which: none }).run('dev')).toBe('pnpm dev')
  })

  test('scripts and binaries as each one is typed', () => {
    const as = (agent: string) => choosePackageManager({ userAgent: `${agent}/1.0.0 node/v22.0.0`, which: none })
    expect(['dev', 'start', 'test'].map((script) => ['npm', 'pnpm', 'yarn', 'bun'].map((agent) => as(agent).run(script)))).toEqual([
      ['npm run dev', 'pnpm dev', 'yarn dev', 'bun run dev'],
      ['npm start', 'pnpm start', 'yarn start', 'bun run start'],
      ['npm test', 'pnpm test', 'yarn test', 'bun run test'],
    ])
    expect(['npm', 'pnpm', 'yarn', 'bun'].map((agent) => as(agent).exec('motia dlq list'))).toEqual(['npx motia dlq list', 'pnpm exec motia dlq list', 'yarn motia dlq list', 'bunx motia dlq list'])
  })

  test("a README's npm commands in another manager's, comments kept in their column, npm publish left alone", () => {
    const bun = choosePackageManager({ userAgent: 'bun/1.4.5', which: none })
    const readme = ['npm install', 'npm run dev                    # http://localhost:3111', 'npx motia runs list            # runs', '`npm test` runs it; `npm publish` publishes', 'npm install --save-dev bun'].join('\n')
    expect(commandsFor(readme, bun).split('\n')).toEqual([
      'bun install',
      'bun run dev                    # http://localhost:3111',
      'bunx motia runs list           # runs',
      '`bun run test` runs it; `npm publish` publishes',
      'npm install --save-dev bun',
    ])
    expect(commandsFor(readme, choosePackageManager({ userAgent: 'npm/11.0.0', which: none }))).toBe(readme)
  })

  test('otherwise bun when it is on PATH, else npm', () => {
    expect(choosePackageManager({ which: (command) => (command === 'bun' ? '/usr/local/bin/bun' : null) }).install).toBe('bun install')
    expect(choosePackageManager({ userAgent: 'something/1.0', which: none }).install).toBe('npm install')
  })
})

describe('scaffold', () => {
  const dirs: string[] = []
  const fresh = () => {
    const dir = mkdtempSync(join(tmpdir(), 'motia-scaffold-'))
    dirs.push(dir)
    return dir
  }
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })

  test('gives a project the tools its scripts need with only Node and npm', () => {
    const from = fresh()
    const to = fresh()
    writeFileSync(join(from, 'package.json'), JSON.stringify({ name: 't', scripts: { test: 'bun test' }, dependencies: { zod: '^4.1.0' } }))
    scaffold({ from, to, packageName: 'my-app', cursor: false })
    const manifest = JSON.parse(readFileSync(join(to, 'package.json'), 'utf8'))
    expect(manifest).toMatchObject({ name: 'my-app', private: true, scripts: { dev: 'motia dev', test: 'bun test' }, allowScripts: { bun: true, 'msgpackr-extract': false } })
    expect(Object.keys(manifest.devDependencies).sort()).toEqual(['@types/bun', 'bun', 'typescript'])
    expect(manifest.dependencies).toEqual({ zod: '^4.1.0', motia: motiaDependency() })
  })

  test('writes a .gitignore when the template has none (npm leaves them out of packages)', () => {
    const from = fresh()
    const to = fresh()
    writeFileSync(join(from, 'package.json'), '{}')
    scaffold({ from, to, packageName: 'my-app', cursor: false })
    expect(readFileSync(join(to, '.gitignore'), 'utf8')).toContain('.motia/')
  })
})

describe('motiaDependency', () => {
  const dirs: string[] = []
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })
  /** A project with motia in node_modules, as npm records it in node_modules/.package-lock.json. */
  const installed = (entry?: object) => {
    const root = mkdtempSync(join(tmpdir(), 'motia-dep-'))
    dirs.push(root)
    mkdirSync(join(root, 'node_modules/motia'), { recursive: true })
    if (entry) writeFileSync(join(root, 'node_modules/.package-lock.json'), JSON.stringify({ packages: { 'node_modules/motia': entry } }))
    return root
  }

  test('a checkout: file: that checkout, which npm and bun both install', () => {
    expect(motiaDependency('/home/ada/motia')).toBe('file:/home/ada/motia')
  })

  test('installed from the registry (or by bun): the released version', () => {
    expect(motiaDependency(join(installed({ resolved: 'https://registry.npmjs.org/motia/-/motia-0.1.0.tgz' }), 'node_modules/motia'))).toMatch(/^\^\d/)
    expect(motiaDependency(join(installed(), 'node_modules/motia'))).toMatch(/^\^\d/)
  })

  test('installed from a tarball or a folder: the same, by absolute path', () => {
    const root = installed({ resolved: 'file:../motia-0.1.0.tgz' })
    expect(motiaDependency(join(root, 'node_modules/motia'))).toBe(`file:${join(root, '../motia-0.1.0.tgz')}`)
    const linked = installed({ resolved: '../src/motia', link: true })
    expect(motiaDependency(join(linked, 'node_modules/motia'))).toBe(`file:${join(linked, '../src/motia')}`)
  })
})
