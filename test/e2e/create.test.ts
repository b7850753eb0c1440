/**
 * End to end: `motia create` in temp folders — built-in templates, the interactive flow in a
 * pseudo-terminal, remote templates from a local tarball server, and every refusal.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { packageNameProblem } from '../../cli/create/package-name.ts'
import { builtinTemplates } from '../../cli/create/templates.ts'
import { freePort, makeProject, repoRoot, type TempProject } from '../helpers/project.ts'
import { runCli, startCli } from '../helpers/cli.ts'

const workspace: TempProject = makeProject()
afterAll(() => workspace.cleanup())

describe('built-in templates', () => {
  for (const template of builtinTemplates().map((t) => t.name)) {
    test(`${template}: created non-interactively, its dev server runs`, async () => {
      const result = await runCli(['create', `app-${template}`, '-t', template, '--no-install'], workspace.root)
      expect(result.stderr).toBe('')
      expect(result.code).toBe(0)
      const dir = join(workspace.root, `app-${template}`)
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
      expect(manifest.name).toBe(`app-${template}`)
      // A plugin package (templates/plugin) has motia as a peer, and for its own tests as a dev dependency.
      expect(manifest.dependencies?.motia ?? manifest.devDependencies.motia).toBe(`file:${repoRoot}`)
      expect(existsSync(join(dir, 'template.json'))).toBe(false)
      expect(existsSync(join(dir, 'README.md'))).toBe(true)
      const server = await startCli(['dev', '--port', String(freePort())], dir)
      try {
        const health = (await server.json('/__motia/health')) as { steps: number }
        expect(health.steps).toBeGreaterThan(0)
        expect(server.output()).not.toContain('"level":"error"')
      } finally {
        await server.stop()
      }
    }, 60_000)
  }

  test('--cursor adds the AI editor rules and AGENTS.md', async () => {
    const result = await runCli(['create', 'with-rules', '--cursor', '--no-install'], workspace.root)
    expect(result.code).toBe(0)
    const dir = join(workspace.root, 'with-rules')
    const rules = readdirSync(join(dir, '.cursor/rules'))
    expect(rules).toEqual(expect.arrayContaining(['motia-steps.mdc', 'motia-triggers.mdc', 'motia-context.mdc', 'motia-testing.mdc']))
    expect(readFileSync(join(dir, 'AGENTS.md'), 'utf8')).toContain('Handlers<typeof config>')
    expect(existsSync(join(workspace.root, 'app-starter/AGENTS.md'))).toBe(false)
  })

  test('motia templates lists each with a description', async () => {
    const result = await runCli(['templates', '--json'], workspace.root)
    const listed = JSON.parse(result.stdout) as Array<{ name: string; description: string }>
    expect(listed.map((t) => t.name)).toEqual(builtinTemplates().map((t) => t.name))
    expect(listed.every((t) => t.description.length > 0)).toBe(true)
  })
})

describe('install', () => {
  test('a created project installs with bun (as bunx motia create does) and runs right away, outside this checkout', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'motia-create-'))
    try {
      // bun's package cache is one folder per user: two suites installing the same packages into it
      // at the same moment can fail one install. Each checkout keeps its own.
      const cache = join(repoRoot, '.tmp/bun-install-cache')
      const result = await runCli(['create', 'installed-app'], outside, { npm_config_user_agent: 'bun/1.4.5 npm/? node/v24.0.0 linux x64', BUN_INSTALL_CACHE_DIR: cache })
      expect(result.stderr).toBe('')
      expect(result.stdout).toContain('✓ dependencies installed')
      expect(result.stdout).toContain('Next: cd installed-app && bun run dev')
      const dir = join(outside, 'installed-app')
      expect(existsSync(join(dir, 'node_modules/.bin/motia'))).toBe(true)
      const port = freePort()
      const proc = Bun.spawn([join(dir, 'node_modules/.bin/motia'), 'dev', '--port', String(port)], {
        cwd: dir,
        env: { PATH: `${join(dir, 'node_modules/.bin')}:/usr/bin:/bin`, HOME: process.env.HOME ?? '/tmp' },
        stdout: 'pipe',
        stderr: 'pipe',
      })
      try {
        let body: unknown
        for (let i = 0; i < 300 && body === undefined; i++) {
          body = await fetch(`http://127.0.0.1:${port}/default`).then((res) => res.json()).catch(() => Bun.sleep(25).then(() => undefined))
        }
        expect(body).toEqual({ message: 'Hello World from Motia!' })
      } finally {
        proc.kill('SIGTERM')
        await proc.exited
      }
    } finally {
      rmSync(outside, { recursive: true, force: true })
    }
  }, 120_000)
})

describe('refusals, in one line each', () => {
  test('a folder that is not empty, unless --force', async () => {
    mkdirSync(join(workspace.root, 'busy'))
    writeFileSync(join(workspace.root, 'busy/notes.txt'), 'mine')
    const refused = await runCli(['create', 'busy', '--no-install'], workspace.root)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toBe('[motia] busy is not empty: choose another name, or pass --force to write into it\n')
    const forced = await runCli(['create', 'busy', '--no-install', '--force'], workspace.root)
    expect(forced.code).toBe(0)
    expect(readFileSync(join(workspace.root, 'busy/notes.txt'), 'utf8')).toBe('mine')
    expect(existsSync(join(workspace.root, 'busy/steps'))).toBe(true)
  })

  test('names npm would reject, with a suggestion npm accepts', async () => {
    for (const [name, problem] of [
      ['My App', 'it has uppercase letters'],
      ['.hidden', 'it starts with "." or "_"'],
      ['fs', '"fs" is a Node.js core module'],
      ['node_modules', '"node_modules" is reserved'],
      ['x'.repeat(215), 'it is longer than 214 characters'],
      ['Ünïcödé Äpp', 'it has uppercase letters'],
    ]) {
      const result = await runCli(['create', name!, '--no-install'], workspace.root)
      expect(result.code).toBe(1)
      expect(result.stderr).toStartWith(`[motia] "${name}" is not a valid npm package name: ${problem}.`)
      const suggestion = /Try "([^"]*)"/.exec(result.stderr)?.[1]
      expect({ name, problem: packageNameProblem(suggestion ?? '') }).toEqual({ name, problem: undefined })
    }
  })

  test('a path creates that folder, named after its last part', async () => {
    const result = await runCli(['create', 'nested/path-app', '--no-install'], workspace.root)
    expect(result.code).toBe(0)
    expect(JSON.parse(readFileSync(join(workspace.root, 'nested/path-app/package.json'), 'utf8')).name).toBe('path-app')
    expect(result.stdout).toMatch(/Next: cd nested\/path-app && \w+ install && \w+ run dev/)
    const refused = await runCli(['create', 'nested/Bad Name', '--no-install'], workspace.root)
    expect(refused.stderr).toBe('[motia] the folder name "Bad Name" is not a valid npm package name (it has uppercase letters): create into a folder named like "nested/bad-name" instead\n')
  })

  test('a failed install says what the package manager said last, and that the project is written', async () => {
    const bin = join(workspace.root, 'failing-pnpm')
    mkdirSync(bin)
    writeFileSync(join(bin, 'pnpm'), '#!/bin/sh\necho "Progress: resolved 12, reused 12"\necho "lockfile is busy, try again" >&2\nexit 3\n', { mode: 0o755 })
    const result = await runCli(['create', 'failed-install'], workspace.root, { npm_config_user_agent: 'pnpm/10.18.0 npm/? node/v24.0.0 linux x64', PATH: `${bin}:${process.env.PATH}` })
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('[motia] installing dependencies failed: pnpm install exited with 3: lockfile is busy, try again. The project is written; run pnpm install in it yourself')
    expect(existsSync(join(workspace.root, 'failed-install/package.json'))).toBe(true)
  })

  test('missing name without a terminal names what is missing', async () => {
    const result = await runCli(['create', '--no-install'], workspace.root)
    expect(result.code).toBe(1)
    expect(result.stderr).toBe('[motia] missing a project name: motia create <name> (or "." for this folder)\n')
  })

  test('an unknown template lists the built-in ones', async () => {
    const result = await runCli(['create', 'x', '-t', 'nope', '--no-install'], workspace.root)
    expect(result.stderr).toStartWith('[motia] unknown template "nope": use one of starter')
  })

  test('"." creates into the current folder, named after it', async () => {
    const here = join(workspace.root, 'dot-app')
    mkdirSync(here)
    const result = await runCli(['create', '.', '--no-install'], here)
    expect(result.code).toBe(0)
    expect(JSON.parse(readFileSync(join(here, 'package.json'), 'utf8')).name).toBe('dot-app')
  })
})

describe('remote templates through giget', () => {
  const tag = Math.random().toString(36).slice(2, 8)
  let server: ReturnType<typeof Bun.serve>
  let tarballs: string

  beforeAll(async () => {
    tarballs = mkdtempSync(join(tmpdir(), 'motia-tarballs-'))
    /** Packs `files` under one top folder, as GitHub archives are; `rename` rewrites entry names. */
    const pack = async (name: string, files: Record<string, string>, rename?: string) => {
      const top = join(tarballs, `src-${name}`, 'remote-template')
      for (const [path, content] of Object.entries(files)) {
        mkdirSync(join(top, path, '..'), { recursive: true })
        writeFileSync(join(top, path), content)
      }
      const transform = rename ? ['--transform', rename] : []
      const proc = Bun.spawn(['tar', 'czf', join(tarballs, `${name}.tar.gz`), '-C', join(tarballs, `src-${name}`), 'remote-template', ...transform])
      expect(await proc.exited).toBe(0)
    }
    await pack(`good-${tag}`, {
      'package.json': JSON.stringify({ name: 'remote', dependencies: { zod: '^4.1.0' } }),
      'steps/http/ping.get.step.ts': `export const handler = async () => ({ status: 200, body: { pong: 'remote' } })\n`,
    })
    await pack(`evil-${tag}`, { 'package.json': '{}', 'escape.txt': 'pwned' }, 's,^remote-template/escape.txt,remote-template/../../escape.txt,')
    server = Bun.serve({
      port: 0,
      hostname: '127.0.0.1',
      fetch(request) {
        const path = new URL(request.url).pathname.slice(1)
        if (path.endsWith('.json')) {
          const name = path.slice(0, -'.json'.length)
          return Response.json({ name, tar: `http://127.0.0.1:${server.port}/${name}.tar.gz` })
        }
        const file = Bun.file(join(tarballs, path))
        return file.size ? new Response(file, { headers: { 'content-type': 'application/gzip' } }) : new Response('not found', { status: 404 })
      },
    })
  })

  afterAll(() => {
    server.stop(true)
    rmSync(tarballs, { recursive: true, force: true })
  })

  test('from a registry provider (motia:<name>), and it runs', async () => {
    const env = { MOTIA_TEMPLATE_REGISTRY: `http://127.0.0.1:${server.port}` }
    const result = await runCli(['create', 'from-registry', '-t', `motia:good-${tag}`, '--no-install'], workspace.root, env)
    expect(result.stderr).toBe('')
    const dir = join(workspace.root, 'from-registry')
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))).toMatchObject({ name: 'from-registry', dependencies: { zod: '^4.1.0', motia: `file:${repoRoot}` } })
    const app = await startCli(['dev', '--port', String(freePort())], dir)
    try {
      expect(await app.json('/ping')).toEqual({ pong: 'remote' })
    } finally {
      await app.stop()
    }
  }, 60_000)

  test('from a tarball URL', async () => {
    const result = await runCli(['create', 'from-url', '-t', `http://127.0.0.1:${server.port}/good-${tag}.tar.gz`, '--no-install'], workspace.root)
    expect(result.stderr).toBe('')
    expect(existsSync(join(workspace.root, 'from-url/steps/http/ping.get.step.ts'))).toBe(true)
  })

  test('a download failure is one clear line', async () => {
    const result = await runCli(['create', 'missing', '-t', `http://127.0.0.1:${server.port}/missing-${tag}.tar.gz`, '--no-install'], workspace.root)
    expect(result.code).toBe(1)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(result.stderr).toStartWith(`[motia] could not download template "http://127.0.0.1:${server.port}/missing-${tag}.tar.gz": `)
    expect(existsSync(join(workspace.root, 'missing'))).toBe(false)
  })

  test('a template with a file that escapes the project folder is refused and writes nothing', async () => {
    const env = { MOTIA_TEMPLATE_REGISTRY: `http://127.0.0.1:${server.port}` }
    const result = await runCli(['create', 'evil', '-t', `motia:evil-${tag}`, '--no-install'], workspace.root, env)
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(`[motia] template "motia:evil-${tag}" has files outside its folder (../../escape.txt): refusing to use this template\n`)
    expect(existsSync(join(workspace.root, 'evil'))).toBe(false)
    expect(existsSync(join(workspace.root, '..', 'escape.txt'))).toBe(false)
  })
})

describe('interactive', () => {
  const languages = [
    { label: 'JavaScript', keys: '\x1b[B\r', stepFile: /\.step\.js$/ },
    { label: 'Python', keys: '\x1b[B\x1b[B\r', stepFile: /_step\.py$/ },
  ]
  test.each(languages)('asks name, language ($label), template and install in a terminal', async ({ label, keys, stepFile }) => {
    const dir = join(workspace.root, `interactive-${label}`)
    mkdirSync(dir)
    let screen = ''
    const env: Record<string, string> = { ...(process.env as Record<string, string>), TERM: 'xterm-256color' }
    delete env.CI
    const proc = Bun.spawn([process.execPath, join(repoRoot, 'cli/index.ts'), 'create'], {
      cwd: dir,
      env,
      terminal: { cols: 100, rows: 30, data: (_terminal: unknown, data: Uint8Array) => void (screen += new TextDecoder().decode(data)) },
    } as Parameters<typeof Bun.spawn>[1])
    const terminal = (proc as unknown as { terminal: { write(text: string): void } }).terminal
    const answer = async (prompt: string, keys: string) => {
      const deadline = Date.now() + 30_000
      while (!screen.includes(prompt)) {
        if (Date.now() > deadline) throw new Error(`prompt "${prompt}" never appeared:\n${screen}`)
        await Bun.sleep(20)
      }
      screen = ''
      await Bun.sleep(50)
      terminal.write(keys)
    }
    await answer('Project name', 'pty-app\r')
    await answer('Language', keys) // arrow down to the language
    await answer('Template', '\r')
    await answer('Install dependencies', 'n\r')
    expect(await proc.exited).toBe(0)
    const manifest = JSON.parse(readFileSync(join(dir, 'pty-app/package.json'), 'utf8'))
    expect(manifest.name).toBe('pty-app')
    expect(readdirSync(join(dir, 'pty-app/steps'), { recursive: true }).some((f) => stepFile.test(String(f)))).toBe(true)
    expect(existsSync(join(dir, 'pty-app/node_modules'))).toBe(false)
  }, 60_000)
})
