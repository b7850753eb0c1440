/**
 * Finds step files, loads them, merges folder conventions into their config and validates the
 * result. Every problem becomes a `ConfigError` naming the file and the fix; one broken step
 * never stops the others from loading.
 */
import { statSync } from 'node:fs'
import { relative, resolve } from 'node:path'
import { ConfigError } from '../errors.ts'
import { compileSchema, formatIssues } from '../step/schema.ts'
import type { FiredTrigger } from '../types/context.ts'
import type { StepConfig } from '../step/types.ts'
import type { TriggerType } from '../types/runtime.ts'
import { inferFromPath, stepRoots } from './conventions.ts'
import { mergeTriggers } from './merge.ts'
import { stepRootFiles } from './project-files.ts'
import type { AnyTrigger, LoadedStep, StepLoader } from './loaded-step.ts'
import { adaptStepModule } from '../compat/step-module.ts'
import { isProvidedMotiaModule, unknownMotiaPackage } from '../compat/config.ts'
import { validateCondition } from '../triggers/conditions.ts'
import { workflowLimits } from '../workflows/options.ts'
import { languageExtensions, stepLanguageOf } from '../languages/registry.ts'
import { closest } from '../suggest.ts'

export interface LoadResult {
  steps: LoadedStep[]
  errors: ConfigError[]
  warnings: string[]
  /**
   * Steps of the previous load whose file now fails to load, kept only for their queue
   * subscriptions: messages to their topics wait in their queues until the file loads again.
   */
  kept: LoadedStep[]
  /** Languages that cannot run here (no interpreter), one line each naming what to install; also in `warnings`. */
  unavailable: string[]
}

/** Every step file under the project's step roots that one of `loaders` handles, sorted, absolute. */
export function findStepFiles(root: string, loaders: readonly StepLoader[]): string[] {
  return scanStepFiles(root).filter((path) => loaders.some((l) => l.accepts(path)))
}

/** Files under the project's step roots (not in node_modules) with one of `extensions` that `keep` accepts, sorted, absolute. */
export function scanStepRoots(root: string, extensions: readonly string[], keep: (path: string) => boolean): string[] {
  const suffixes = extensions.map((extension) => `.${extension}`)
  const named = (name: string) => suffixes.some((suffix) => name.endsWith(suffix) && name.length > suffix.length)
  const files: string[] = []
  for (const dir of stepRoots) {
    const base = resolve(root, dir)
    if (!isDirectory(base)) continue
    for (const path of stepRootFiles(base, named)) if (keep(path)) files.push(path)
  }
  return files.sort()
}

/** The step files under the project's step roots, of every language, whether a loader handles them or not. */
export function scanStepFiles(root: string): string[] {
  return scanStepRoots(root, ['ts', 'js', 'mjs', ...languageExtensions], isStepFile)
}

/** True for `*.step.ts|js|mjs` and the step files of the registered languages (`*.step.py`, `*_step.py`). */
export function isStepFile(path: string): boolean {
  return /\.step\.(ts|js|mjs)$/.test(path) || stepLanguageOf(path) !== undefined
}

/**
 * Loads and validates every step file; returns the good steps and the problems. `previous` (the
 * steps of the last load, kept ones included) lets a step whose file now fails keep its queue
 * subscriptions (see `LoadResult.kept`).
 */
export async function loadSteps(options: {
  root: string
  files: readonly string[]
  loaders: readonly StepLoader[]
  triggerTypes: ReadonlyMap<string, TriggerType>
  previous?: readonly LoadedStep[]
}): Promise<LoadResult> {
  const result: LoadResult = { steps: [], errors: [], warnings: [], kept: [], unavailable: [] }
  const unavailable = new Map<string, string[]>()
  for (const file of options.files) {
    try {
      result.steps.push(await loadStep(file, options, result.warnings))
    } catch (error) {
      // A language that cannot run here (no interpreter) is one warning, not an error per file.
      if ((error as { code?: unknown })?.code === 'LANGUAGE_UNAVAILABLE') unavailable.set((error as Error).message, [...(unavailable.get((error as Error).message) ?? []), relative(options.root, file)])
      else result.errors.push(await asConfigError(error, relative(options.root, file), options.root, file))
    }
  }
  for (const [message, files] of unavailable) {
    result.unavailable.push(`${message} (not loaded: ${files.join(', ')})`)
    result.warnings.push(result.unavailable.at(-1)!)
  }
  rejectDuplicates(result, options.triggerTypes)
  keepSubscriptions(result, options.previous ?? [])
  warnUnsubscribedTopics(result)
  return result
}

// --- internal ---

const motiaModules = { isProvided: isProvidedMotiaModule, noCounterpart: unknownMotiaPackage }

async function loadStep(
  file: string,
  options: { root: string; loaders: readonly StepLoader[]; triggerTypes: ReadonlyMap<string, TriggerType> },
  warnings: string[],
): Promise<LoadedStep> {
  const relativePath = relative(options.root, file)
  const loader = options.loaders.find((l) => l.accepts(file))
  if (!loader) throw new ConfigError(`[motia] ${relativePath}: no loader handles this kind of file`, { file: relativePath })
  // Motia 1.0 / 0.x shapes are mapped onto ours here (runtime/compat/).
  const loaded = adaptStepModule(await loader.load(file), relativePath)
  if (loaded.warning) warnings.push(loaded.warning)
  const config: StepConfig = loaded.config ?? {}
  if (typeof config !== 'object' || config === null) {
    throw new ConfigError(`[motia] ${relativePath}: "config" must be an object, e.g. export const config = { triggers: [...] } satisfies StepConfig`, { file: relativePath })
  }
  // Every mistake of the file is reported together: fixing one per restart wastes the user's time.
  const problems: ConfigError[] = []
  if (!loaded.invoke) {
    problems.push(new ConfigError(`[motia] ${relativePath} does not export a handler. Add: export const handler: Handlers<typeof config> = async (input, ctx) => { ... }`, { file: relativePath }))
  }
  const underRoot = relativePath.replace(/^(steps|src)[\\/]/, '')
  const inferred = inferFromPath(underRoot)
  const name = config.name ?? inferred.name
  const where = `step "${name}" (${relativePath})`
  const triggers = mergeTriggers(config.triggers ?? [], inferred.trigger)
  if (triggers.length === 0 && !loaded.virtual) {
    problems.push(
      new ConfigError(
        `[motia] ${where} has no triggers: add config.triggers (e.g. [{ type: 'queue', topic: 'user-created' }]) or move the file under steps/http, steps/queue, steps/cron or steps/state`,
        { file: relativePath },
      ),
    )
  }
  const step: LoadedStep = {
    name,
    file,
    relativePath,
    language: loaded.language,
    description: config.description,
    config,
    triggers: triggers.map((t, index) => ({ ...t, index }) as FiredTrigger),
    flows: config.flows ?? [],
    enqueues: (config.enqueues ?? []).map((e) => (typeof e === 'string' ? e : e.topic)),
    invoke: loaded.invoke!,
  }
  for (const trigger of step.triggers) {
    try {
      validateTrigger(trigger, step, options.triggerTypes)
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
      const hint = placementHint(trigger, underRoot)
      problems.push(hint ? new ConfigError(`${error.message}${hint}`, { file: relativePath, cause: error }) : error)
    }
  }
  if (config.workflow !== undefined) {
    try {
      workflowLimits(step)
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
      problems.push(error)
    }
  }
  if (problems.length === 1) throw problems[0]
  if (problems.length > 1) {
    const list = problems.map((problem, i) => `  ${i + 1}. ${problem.message.replace(/^\[motia\] /, '').replace(`${where}: `, '')}`).join('\n')
    throw new ConfigError(`[motia] ${where} has ${problems.length} problems:\n${list}`, { file: relativePath })
  }
  return step
}

function validateTrigger(trigger: FiredTrigger, step: LoadedStep, types: ReadonlyMap<string, TriggerType>): void {
  const where = `step "${step.name}" (${step.relativePath})`
  const type = types.get(trigger.type)
  if (!type) {
    const known = [...types.keys()]
    const near = closest(trigger.type, known)
    throw new ConfigError(
      `[motia] ${where}: unknown trigger type "${trigger.type}".${near ? ` Did you mean "${near}"?` : ''} Known types: ${known.join(', ')}. A plugin in motia.config.ts can add more.`,
      { file: step.relativePath },
    )
  }
  if (type.schema) {
    const result = compileSchema(type.schema)(trigger)
    if (result instanceof Promise) throw new ConfigError(`[motia] trigger type "${trigger.type}" has an async schema; trigger schemas must be synchronous`)
    if (!result.ok) {
      throw new ConfigError(`[motia] ${where}: invalid ${trigger.type} trigger #${trigger.index + 1}: ${formatIssues(result.issues)}`, { file: step.relativePath })
    }
  }
  type.validate?.(trigger as AnyTrigger & { type: string }, step)
  validateCondition(trigger, step)
}

/** Why an http trigger has no path: only files under steps/http/ get one from their location. */
function placementHint(trigger: FiredTrigger, underRoot: string): string {
  if (trigger.type !== 'http' || typeof (trigger as { path?: unknown }).path === 'string' || /^http[\\/]/.test(underRoot)) return ''
  return ". Only files under steps/http/ get their path from their location: add path: '/…' to the trigger, or move the file under steps/http/ (e.g. steps/http/orders/index.post.step.ts is POST /orders)"
}

function rejectDuplicates(result: LoadResult, types: ReadonlyMap<string, TriggerType>): void {
  const names = new Map<string, LoadedStep>()
  const keys = new Map<string, LoadedStep>()
  result.steps = result.steps.filter((step) => {
    const same = names.get(step.name)
    if (same) {
      result.errors.push(
        new ConfigError(`[motia] duplicate step name "${step.name}" in ${same.relativePath} and ${step.relativePath}: rename one (config.name)`, { file: step.relativePath }),
      )
      return false
    }
    for (const trigger of step.triggers) {
      const key = types.get(trigger.type)?.key?.(trigger)
      if (key === undefined) continue
      const owner = keys.get(key)
      if (owner) {
        result.errors.push(
          new ConfigError(`[motia] duplicate ${key} in ${owner.relativePath} and ${step.relativePath}: change the path or method of one`, { file: step.relativePath }),
        )
        return false
      }
    }
    names.set(step.name, step)
    for (const trigger of step.triggers) {
      const key = types.get(trigger.type)?.key?.(trigger)
      if (key !== undefined) keys.set(key, step)
    }
    return true
  })
}

/** Keeps the queue subscriptions of previously loaded steps whose file failed this time. */
function keepSubscriptions(result: LoadResult, previous: readonly LoadedStep[]): void {
  const failed = new Set(result.errors.map((error) => error.file))
  const loaded = new Set(result.steps.flatMap((step) => [step.name, step.file]))
  for (const step of previous) {
    const topics = step.triggers.flatMap((t) => (t.type === 'queue' && typeof t.topic === 'string' ? [t.topic] : []))
    if (topics.length === 0 || !failed.has(step.relativePath) || loaded.has(step.name) || loaded.has(step.file)) continue
    result.kept.push(step)
    const quoted = topics.map((topic) => `"${topic}"`).join(', ')
    result.warnings.push(`[motia] step "${step.name}" (${step.relativePath}) failed to load: messages to ${quoted} wait in its queue and run once the file loads again`)
  }
}

/**
 * Topics enqueued that no step subscribes to, and (when a near name is enqueued) topics subscribed
 * that no step enqueues. A near name on the other side is most likely the same topic misspelled:
 * the warning names it and asks for the two to match, rather than for the typo to be added.
 * A subscription with no near enqueue is left alone: its messages may come from outside
 * (`motia enqueue`, a plugin, `runtime.enqueue`).
 */
function warnUnsubscribedTopics(result: LoadResult): void {
  const subscribers = new Map<string, LoadedStep>()
  for (const step of [...result.steps, ...result.kept]) {
    for (const t of step.triggers) if (t.type === 'queue' && typeof t.topic === 'string' && !subscribers.has(t.topic)) subscribers.set(t.topic, step)
    // A workflow step waiting for a topic hears it as a subscriber does (runtime/workflows/).
    const workflow = step.config.workflow
    if (typeof workflow === 'object' && workflow !== null && Array.isArray(workflow.waitsFor)) for (const topic of workflow.waitsFor) if (!subscribers.has(topic)) subscribers.set(topic, step)
  }
  const enqueuers = new Map<string, LoadedStep>()
  for (const step of result.steps) for (const topic of step.enqueues) if (!enqueuers.has(topic)) enqueuers.set(topic, step)
  const named = (step: LoadedStep) => `step "${step.name}" (${step.relativePath})`
  for (const step of result.steps) {
    for (const topic of step.enqueues) {
      if (subscribers.has(topic)) continue
      const near = closest(topic, subscribers.keys())
      result.warnings.push(
        near
          ? `[motia] ${named(step)} enqueues "${topic}" but no step subscribes to it. Did you mean "${near}", which ${named(subscribers.get(near)!)} subscribes to? Make the two names match`
          : `[motia] ${named(step)} enqueues "${topic}" but no step subscribes to it: add a queue step for "${topic}" or remove it from config.enqueues`,
      )
    }
  }
  for (const [topic, step] of subscribers) {
    if (enqueuers.has(topic)) continue
    const near = closest(topic, enqueuers.keys())
    if (near) result.warnings.push(`[motia] ${named(step)} subscribes to "${topic}", which no step enqueues. Did you mean "${near}", which ${named(enqueuers.get(near)!)} enqueues? Make the two names match`)
  }
}

/** The failure of loading `file` as a `ConfigError`; the helpers that describe it load only when a file fails. */
async function asConfigError(failure: unknown, relativePath: string, root: string, file: string): Promise<ConfigError> {
  const [{ describeLoadFailure }, { describeAt, locateError }] = await Promise.all([import('./missing-imports.ts'), import('./code-frame.ts')])
  const error = describeLoadFailure(failure, file, root, motiaModules)
  if (error instanceof ConfigError) return error
  const message = error instanceof Error ? error.message : String(error)
  const location = locateError(error, root)
  if (location) {
    const at = { file: relative(root, location.file), line: location.line, column: location.column }
    const lead = at.file === relativePath ? '' : `${relativePath} failed to load: `
    return new ConfigError(`[motia] ${lead}${describeAt(location, message, root)}`, { file: relativePath, location: at, cause: error })
  }
  return new ConfigError(`[motia] ${relativePath} failed to load: ${message}`, { file: relativePath, cause: error })
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}
