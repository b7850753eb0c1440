import * as prompts from '@clack/prompts'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join, relative, resolve } from 'node:path'
import { MotiaError } from '../../runtime/errors.ts'
import { assertContained, downloadRemote } from '../create/fetch-template.ts'
import { folderOf, packageNameProblem } from '../create/package-name.ts'
import { scaffold } from '../create/scaffold.ts'
import { builtinTemplates, isRemoteSource, type BuiltinTemplate } from '../create/templates.ts'
import { createProgress } from '../progress.ts'

interface CreateOptions {
  template?: string
  cursor?: boolean
  install?: boolean
  force?: boolean
}

/**
 * `motia create [name]`: asks for what is missing when a person is at a terminal, never waits
 * for input otherwise (defaults, or one line naming the missing flag).
 */
export async function create(nameArg: string | undefined, opts: CreateOptions): Promise<void> {
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY && !process.env.CI)
  if (interactive) prompts.intro('motia create')
  const name = nameArg ?? (interactive ? await askName() : missing('a project name: motia create <name> (or "." for this folder)'))
  const { dir, packageName } = target(name)
  if (existsSync(dir) && !isEmpty(dir) && !opts.force) throw new MotiaError(`[motia] ${relative(process.cwd(), dir) || '.'} is not empty: choose another name, or pass --force to write into it`)

  const template = opts.template ?? (interactive ? await askTemplate() : 'starter')
  const install = opts.install ?? (interactive ? await ask(prompts.confirm({ message: 'Install dependencies now (bun install)?', initialValue: true })) : true)
  const progress = createProgress()

  if (isRemoteSource(template)) {
    const staging = mkdtempSync(join(tmpdir(), 'motia-template-'))
    try {
      progress.phase(`downloading ${template}`)
      await downloadRemote(template, staging)
      assertContained(staging)
      if (isEmpty(staging)) throw new MotiaError(`[motia] template "${template}" is empty: check the path after the repository name`)
      mkdirSync(dir, { recursive: true })
      scaffold({ from: staging, to: dir, packageName, cursor: Boolean(opts.cursor) })
    } finally {
      rmSync(staging, { recursive: true, force: true })
    }
  } else {
    const builtin = builtinTemplates().find((t) => t.name === template)
    if (!builtin) {
      const names = builtinTemplates().map((t) => t.name).join(', ')
      throw new MotiaError(`[motia] unknown template "${template}": use one of ${names}, or a remote source like gh:owner/repo/path`)
    }
    mkdirSync(dir, { recursive: true })
    scaffold({ from: builtin.dir, to: dir, packageName, cursor: Boolean(opts.cursor) })
  }
  progress.done(`created ${packageName} from ${template} in ${relative(process.cwd(), dir) || '.'}`)

  if (install) await installDependencies(dir)
  const cd = dir === process.cwd() ? '' : `cd ${relative(process.cwd(), dir)} && `
  const next = `${cd}${install ? '' : 'bun install && '}bun run dev`
  if (interactive) prompts.outro(`Next: ${next}`)
  else process.stdout.write(`\nNext: ${next}\n`)
}

// --- internal ---

function target(name: string): { dir: string; packageName: string } {
  if (name === '.' || name === './') {
    const dir = process.cwd()
    const packageName = basename(dir)
    const problem = packageNameProblem(packageName)
    if (problem) throw new MotiaError(`[motia] this folder's name "${packageName}" is not a valid npm package name (${problem}): rename it, or create into a new folder with motia create <name>`)
    return { dir, packageName }
  }
  const problem = packageNameProblem(name)
  if (problem) throw new MotiaError(`[motia] "${name}" is not a valid npm package name: ${problem}. Try "${suggest(name)}"`)
  return { dir: resolve(folderOf(name)), packageName: name }
}

function suggest(name: string): string {
  return (
    name
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9-._~@/]+/g, '-')
      .replace(/^[._-]+/, '')
      .replace(/-+$/, '') || 'my-motia-app'
  )
}

function isEmpty(dir: string): boolean {
  return readdirSync(dir).every((entry) => entry === '.git' || entry === '.DS_Store')
}

function missing(what: string): never {
  throw new MotiaError(`[motia] missing ${what}`)
}

async function ask<T>(answer: Promise<T | symbol>): Promise<Exclude<T, symbol>> {
  const value = await answer
  if (prompts.isCancel(value)) {
    prompts.cancel('cancelled')
    throw new MotiaError('[motia] cancelled')
  }
  return value as Exclude<T, symbol>
}

async function askName(): Promise<string> {
  return ask(
    prompts.text({
      message: 'Project name',
      placeholder: 'my-motia-app',
      defaultValue: 'my-motia-app',
      validate: (value) => {
        if (!value || value === '.' || value === './') return undefined
        const problem = packageNameProblem(value)
        return problem ? `npm would reject it: ${problem}` : undefined
      },
    }),
  )
}

async function askTemplate(): Promise<string> {
  const language = await ask(
    prompts.select({
      message: 'Language',
      options: [
        { value: 'typescript', label: 'TypeScript' },
        { value: 'javascript', label: 'JavaScript' },
      ],
    }),
  )
  const choices: Array<BuiltinTemplate | { name: 'remote'; description: string }> = [
    ...builtinTemplates().filter((t) => t.language === language),
    { name: 'remote', description: 'a remote template: gh:owner/repo/path, gitlab:…, https://….tar.gz' },
  ]
  const picked = await ask(prompts.select({ message: 'Template', options: choices.map((t) => ({ value: t.name, label: t.name, hint: t.description })) }))
  if (picked !== 'remote') return picked
  return ask(prompts.text({ message: 'Template source', placeholder: 'gh:owner/repo/path', validate: (v) => (v && /^[\w+.-]+:/.test(v) ? undefined : 'e.g. gh:owner/repo/path') }))
}

async function installDependencies(dir: string): Promise<void> {
  const progress = createProgress()
  progress.phase('installing dependencies (bun install)')
  const proc = Bun.spawn([process.execPath, 'install'], { cwd: dir, stdout: 'pipe', stderr: 'pipe', env: { ...process.env, BUN_BE_BUN: '1' } })
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
  if (code !== 0) {
    progress.failed('install failed')
    const reason = `${err}\n${out}`.split('\n').map((l) => l.trim()).find((l) => /error/i.test(l)) ?? `bun install exited with ${code}`
    throw new MotiaError(`[motia] installing dependencies failed: ${reason}. The project is written; run bun install in it yourself`)
  }
  progress.done('dependencies installed')
}
