/**
 * What `motia generate types | openapi | step` do (cli/commands/generate.ts declares them). The
 * text comes from the other files of cli/generate/; this one loads the project, asks at a terminal
 * and writes files.
 */
import * as prompts from '@clack/prompts'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import type { LoadedStep } from '../../runtime/discovery/loaded-step.ts'
import { UsageError } from '../errors.ts'
import { generateOpenApi } from './openapi.ts'
import { resolveStepSpec, stepFile, type Asker, type StepFlags } from './step.ts'
import { generateTypes, writeIfChanged } from './types.ts'
import { loadFailure, loadProjectFiles } from '../../runtime/project.ts'

interface OutputOptions {
  dir: string
  /** Relative to the project folder. */
  out: string
}

/** `motia generate types`: writes types.d.ts so that enqueue checks data against each topic's subscribers. */
export async function types(opts: OutputOptions): Promise<void> {
  const root = resolve(opts.dir)
  const out = resolve(root, opts.out)
  const loaded = await projectOf(root)
  mkdirSync(dirname(out), { recursive: true })
  const wrote = writeIfChanged(out, generateTypes(loaded.steps, dirname(out), loaded.streams))
  process.stdout.write(`${wrote ? 'wrote' : 'unchanged:'} ${shown(out)}\n`)
}

/** `motia generate openapi`: writes an OpenAPI 3.1 document of the http steps. */
export async function openapi(opts: OutputOptions & { title?: string }): Promise<void> {
  const root = resolve(opts.dir)
  const out = resolve(root, opts.out)
  const steps = await stepsOf(root)
  const manifest = readManifest(root)
  const document = generateOpenApi(steps, { title: opts.title ?? manifest.name ?? 'API', version: manifest.version ?? '0.0.0', description: manifest.description })
  mkdirSync(dirname(out), { recursive: true })
  writeFileSync(out, `${JSON.stringify(document, null, 2)}\n`)
  const count = Object.keys(document.paths).length
  process.stdout.write(`wrote ${shown(out)} (${count} path${count === 1 ? '' : 's'})\n`)
}

/** `motia generate step`: asks for what the flags leave out at a terminal; never waits for input otherwise. */
export async function step(opts: StepFlags & { dir: string }): Promise<void> {
  const root = resolve(opts.dir)
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY && !process.env.CI)
  if (interactive) prompts.intro('motia generate step')
  const defaultLanguage = existsSync(join(root, 'tsconfig.json')) ? 'ts' : 'js'
  const spec = await resolveStepSpec(opts, { ask: interactive ? terminal : undefined, defaultLanguage })
  const { file, source } = stepFile(spec)
  const target = join(root, file)
  if (existsSync(target)) throw new UsageError(`[motia] ${shown(target)} already exists: choose another --name${spec.trigger === 'http' ? ' or --path' : ''}`)
  mkdirSync(dirname(target), { recursive: true })
  writeFileSync(target, source)
  if (interactive) prompts.outro(`wrote ${shown(target)}`)
  else process.stdout.write(`wrote ${shown(target)}\n`)
}

// --- internal ---

/** The project's steps; a step that fails to load would be missing from the output, so it stops the command. */
async function stepsOf(root: string): Promise<LoadedStep[]> {
  return (await projectOf(root)).steps
}

/** The project's steps and streams, loaded as `motia start` loads them; any error stops the command. */
async function projectOf(root: string) {
  const loaded = await loadProjectFiles({ root })
  if (loaded.errors.length > 0) throw loadFailure(loaded.errors)
  return loaded
}

function shown(path: string): string {
  return relative(process.cwd(), path) || '.'
}

function readManifest(root: string): { name?: string; version?: string; description?: string } {
  try {
    return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name?: string; version?: string; description?: string }
  } catch {
    return {}
  }
}

const terminal: Asker = {
  text: (question) =>
    answer(
      prompts.text({
        message: question.message,
        placeholder: question.initial,
        defaultValue: question.initial,
        // An empty answer takes the suggestion, when there is one.
        validate: (value) => (!value && question.initial ? undefined : question.validate(value ?? '')),
      }),
    ),
  select: (question) => answer(prompts.select({ message: question.message, options: [...question.options], initialValue: question.initial })),
}

async function answer(pending: Promise<string | symbol>): Promise<string> {
  const value = await pending
  if (prompts.isCancel(value)) {
    prompts.cancel('cancelled')
    throw new UsageError('[motia] cancelled')
  }
  return value as string
}
