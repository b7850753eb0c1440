import * as prompts from '@clack/prompts'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join, relative, resolve } from 'node:path'
import { UsageError } from '../errors.ts'
import { assertContained, downloadRemote } from './fetch-template.ts'
import { choosePackageManager, commandsFor, type PackageManager } from './package-manager.ts'
import { folderOf, packageNameProblem, suggestPackageName } from './package-name.ts'
import { scaffold } from './scaffold.ts'
import { builtinTemplates, isRemoteSource, templateLanguages, type BuiltinTemplate } from './templates.ts'
import { createProgress } from '../progress.ts'

interface CreateOptions {
  template?: string
  cursor?: boolean
  install?: boolean
  force?: boolean
}

/**
 * What `motia create [name]` does (cli/commands/create.ts declares it): asks for what is missing
 * when a person is at a terminal, never waits for input otherwise (defaults, or one line naming the
 * missing flag).
 */
export async function create(nameArg: string | undefined, opts: CreateOptions): Promise<void> {
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY && !process.env.CI)
  if (interactive) prompts.intro('motia create')
  const name = nameArg ?? (interactive ? await askName() : missing('a project name: motia create <name> (or "." for this folder)'))
  const { dir, packageName } = target(name)
  const manager = choosePackageManager({ userAgent: process.env.npm_config_user_agent, which: Bun.which })
  if (existsSync(dir) && !isEmpty(dir) && !opts.force) throw new UsageError(`[motia] ${relative(process.cwd(), dir) || '.'} is not empty: choose another name, or pass --force to write into it`)

  const template = opts.template ?? (interactive ? await askTemplate() : 'starter')
  const install = opts.install ?? (interactive ? await ask(prompts.confirm({ message: `Install dependencies now (${manager.install})?`, initialValue: true })) : true)
  const progress = createProgress()

  if (isRemoteSource(template)) {
    const staging = mkdtempSync(join(tmpdir(), 'motia-template-'))
    try {
      progress.phase(`downloading ${template}`)
      await downloadRemote(template, staging)
      assertContained(staging)
      if (isEmpty(staging)) throw new UsageError(`[motia] template "${template}" is empty: check the path after the repository name`)
      mkdirSync(dir, { recursive: true })
      scaffold({ from: staging, to: dir, packageName, cursor: Boolean(opts.cursor) })
    } finally {
      rmSync(staging, { recursive: true, force: true })
    }
  } else {
    const builtin = builtinTemplates().find((t) => t.name === template)
    if (!builtin) {
      const names = builtinTemplates().map((t) => t.name).join(', ')
      throw new UsageError(`[motia] unknown template "${template}": use one of ${names}, or a remote source like gh:owner/repo/path`)
    }
    mkdirSync(dir, { recursive: true })
    scaffold({ from: builtin.dir, to: dir, packageName, cursor: Boolean(opts.cursor) })
  }
  writeCommandsFor(dir, manager)
  progress.done(`created ${packageName} from ${template} in ${relative(process.cwd(), dir) || '.'}`)

  if (install) await installDependencies(dir, manager)
  const cd = dir === process.cwd() ? '' : `cd ${shellWord(relative(process.cwd(), dir))} && `
  const next = `${cd}${install ? '' : `${manager.install} && `}${manager.run('dev')}`
  if (interactive) prompts.outro(`Next: ${next}`)
  else process.stdout.write(`\nNext: ${next}\n`)
}

// --- internal ---

/**
 * The folder and package name `name` stands for: "." is this folder, a path (`../my-app`,
 * `apps/api`) is that folder named after its last part, anything else is a package name whose
 * folder is its last part (`@acme/api` → `api`).
 */
function target(name: string): { dir: string; packageName: string } {
  if (isPath(name)) {
    const dir = resolve(name)
    const packageName = basename(dir)
    const problem = packageNameProblem(packageName)
    if (!problem) return { dir, packageName }
    if (dir === process.cwd()) {
      throw new UsageError(`[motia] this folder's name "${packageName}" is not a valid npm package name (${problem}): rename it, or create into a new folder with motia create ${suggestPackageName(packageName)}`)
    }
    const renamed = join(relative(process.cwd(), resolve(dir, '..')), suggestPackageName(packageName))
    throw new UsageError(`[motia] the folder name "${packageName}" is not a valid npm package name (${problem}): create into a folder named like "${renamed}" instead`)
  }
  const problem = packageNameProblem(name)
  if (problem) throw new UsageError(`[motia] "${name}" is not a valid npm package name: ${problem}. Try "${suggestPackageName(name)}"`)
  return { dir: resolve(folderOf(name)), packageName: name }
}

/** "." or a name with a slash that is not `@scope/name`. */
function isPath(name: string): boolean {
  return name === '.' || name === './' || (/[\\/]/.test(name) && !/^@[^/\\]+\/[^/\\]+$/.test(name))
}

/** Quotes a path for the printed next steps when a shell would split or expand it. */
function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`
}

/** The README and AGENTS.md say the commands of the package manager that created the project. */
function writeCommandsFor(dir: string, manager: PackageManager): void {
  for (const file of ['README.md', 'AGENTS.md']) {
    const path = join(dir, file)
    if (existsSync(path)) writeFileSync(path, commandsFor(readFileSync(path, 'utf8'), manager))
  }
}

function isEmpty(dir: string): boolean {
  return readdirSync(dir).every((entry) => entry === '.git' || entry === '.DS_Store')
}

function missing(what: string): never {
  throw new UsageError(`[motia] missing ${what}`)
}

async function ask<T>(answer: Promise<T | symbol>): Promise<Exclude<T, symbol>> {
  const value = await answer
  if (prompts.isCancel(value)) {
    prompts.cancel('cancelled')
    throw new UsageError('[motia] cancelled')
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
        const name = isPath(value) ? basename(resolve(value)) : value
        const problem = packageNameProblem(name)
        return problem ? `npm would reject "${name}": ${problem} (try "${suggestPackageName(name)}")` : undefined
      },
    }),
  )
}

async function askTemplate(): Promise<string> {
  const language = await ask(prompts.select({ message: 'Language', options: templateLanguages.map((l) => ({ ...l })) }))
  const choices: Array<BuiltinTemplate | { name: 'remote'; description: string }> = [
    ...builtinTemplates().filter((t) => t.language === language),
    { name: 'remote', description: 'a remote template: gh:owner/repo/path, gitlab:…, https://….tar.gz' },
  ]
  const picked = await ask(prompts.select({ message: 'Template', options: choices.map((t) => ({ value: t.name, label: t.name, hint: t.description })) }))
  if (picked !== 'remote') return picked
  return ask(prompts.text({ message: 'Template source', placeholder: 'gh:owner/repo/path', validate: (v) => (v && /^[\w+.-]+:/.test(v) ? undefined : 'e.g. gh:owner/repo/path') }))
}

async function installDependencies(dir: string, manager: PackageManager): Promise<void> {
  const progress = createProgress()
  progress.phase(`installing dependencies (${manager.install})`)
  // bun installs with the binary running us; npm, pnpm and yarn come from PATH.
  const command = manager.name === 'bun' ? [process.execPath, 'install'] : [Bun.which(manager.name) ?? manager.name, 'install']
  const proc = Bun.spawn(command, { cwd: dir, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe', env: { ...process.env, BUN_BE_BUN: '1' } })
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
  if (code !== 0) {
    progress.failed('install failed')
    const lines = (text: string) => text.split('\n').map((l) => l.trim()).filter(Boolean)
    const said = lines(err).at(-1) ?? lines(out).at(-1)
    const reason = lines(`${err}\n${out}`).find((l) => /error/i.test(l)) ?? `${manager.install} exited with ${code}${said ? `: ${said}` : ''}`
    throw new UsageError(`[motia] installing dependencies failed: ${reason}. The project is written; run ${manager.install} in it yourself`)
  }
  progress.done('dependencies installed')
}
