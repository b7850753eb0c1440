import * as prompts from '@clack/prompts'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { MotiaError } from '../../runtime/errors.ts'
import { generateOpenApi, openapiFile } from '../generate/openapi.ts'
import { stepFile, triggerKinds, type StepSpec, type TriggerKind } from '../generate/step.ts'
import { generateTypes, typesFile } from '../generate/types.ts'
import { loadProjectSteps } from '../project-steps.ts'

interface Common {
  dir: string
  out?: string
}

/** `motia generate types`: writes types.d.ts so enqueue checks data per topic. */
export async function types(opts: Common): Promise<void> {
  const root = resolve(opts.dir)
  const steps = await loadedSteps(root)
  const out = resolve(root, opts.out ?? typesFile)
  writeFileSync(out, generateTypes(root, steps))
  process.stdout.write(`wrote ${relative(process.cwd(), out) || out}\n`)
}

/** `motia generate openapi`: writes an OpenAPI 3.1 document of the http steps. */
export async function openapi(opts: Common & { title?: string }): Promise<void> {
  const root = resolve(opts.dir)
  const steps = await loadedSteps(root)
  const manifest = readManifest(root)
  const document = generateOpenApi(steps, { title: opts.title ?? manifest.name ?? 'API', version: manifest.version ?? '0.0.0' })
  const out = resolve(root, opts.out ?? openapiFile)
  writeFileSync(out, `${JSON.stringify(document, null, 2)}\n`)
  process.stdout.write(`wrote ${relative(process.cwd(), out) || out} (${Object.keys(document.paths as object).length} paths)\n`)
}

/** `motia generate step`: asks what it needs at a terminal, else takes it from flags. */
export async function step(opts: { dir: string; name?: string; trigger?: string; language?: string; method?: string; path?: string; topic?: string; cron?: string }): Promise<void> {
  const root = resolve(opts.dir)
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY && !process.env.CI)
  const ask = async (value: string | undefined, flag: string, question: () => Promise<string | symbol>): Promise<string> => {
    if (value !== undefined) return value
    if (!interactive) throw new MotiaError(`[motia] missing ${flag}: motia generate step --name <Name> --trigger <${triggerKinds.join('|')}>`)
    const answer = await question()
    if (prompts.isCancel(answer)) throw new MotiaError('[motia] cancelled')
    return answer as string
  }
  const name = await ask(opts.name, '--name', () => prompts.text({ message: 'Step name', placeholder: 'SendWelcomeEmail' }))
  const trigger = (await ask(opts.trigger, '--trigger', () =>
    prompts.select({ message: 'Trigger', options: triggerKinds.map((kind) => ({ value: kind, label: kind })) }),
  )) as TriggerKind
  if (!triggerKinds.includes(trigger)) throw new MotiaError(`[motia] --trigger must be one of ${triggerKinds.join(', ')}, got "${trigger}"`)
  // Without a terminal the language follows the project: TypeScript when it has a tsconfig.json.
  const projectLanguage = existsSync(join(root, 'tsconfig.json')) ? 'ts' : 'js'
  const language = (await ask(opts.language ?? (interactive ? undefined : projectLanguage), '--language', () =>
    prompts.select({ message: 'Language', options: [{ value: 'ts', label: 'TypeScript' }, { value: 'js', label: 'JavaScript' }] }),
  )) as StepSpec['language']
  if (language !== 'ts' && language !== 'js') throw new MotiaError(`[motia] --language must be ts or js, got "${language}"`)
  const { file, source } = stepFile({ name, trigger, language, method: opts.method, path: opts.path, topic: opts.topic, cron: opts.cron })
  const target = join(root, file)
  if (existsSync(target)) throw new MotiaError(`[motia] ${file} already exists: choose another --name or --path`)
  mkdirSync(dirname(target), { recursive: true })
  writeFileSync(target, source)
  process.stdout.write(`wrote ${file}\n`)
}

// --- internal ---

async function loadedSteps(root: string) {
  const loaded = await loadProjectSteps(root)
  if (loaded.errors.length > 0) throw new MotiaError(loaded.errors.map((error) => error.message).join('\n'))
  return loaded.steps
}

function readManifest(root: string): { name?: string; version?: string } {
  try {
    return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name?: string; version?: string }
  } catch {
    return {}
  }
}
