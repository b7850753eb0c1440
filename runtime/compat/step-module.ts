/**
 * Maps what a step file exports onto our step shape, at load, before folder conventions merge in:
 * - Motia 0.x configs (`type: 'api' | 'event' | 'cron' | 'noop'`, `emits`, `subscribes`, …)
 *   become triggers and `enqueues`, with one deprecation warning per file naming the 1.0 form;
 * - Motia 1.0 triggers get their Motia-only fields mapped (`infrastructure.queue` → `config`);
 * - a config that is neither gets an error saying what it looks like and how to fix it.
 */
import { ConfigError } from '../errors.ts'
import type { StepInvoker, StepLoader } from '../discovery/loaded-step.ts'
import type { StepConfig } from '../step/types.ts'
import { withLegacyStreams } from './streams-0x.ts'

type Loaded = Awaited<ReturnType<StepLoader['load']>>

/** A loaded module after mapping; `virtual` steps (0.x noop) load with no trigger and never run. */
export interface AdaptedStep extends Loaded {
  virtual: boolean
  /** A deprecation warning to print once for this file. */
  warning?: string
}

const legacyTypes = ['api', 'event', 'cron', 'noop']
const triggerTypes = ['http', 'queue', 'cron', 'state', 'stream']

/** Maps one loaded step module; throws `ConfigError` when its config matches no known shape. */
export function adaptStepModule(loaded: Loaded, relativePath: string): AdaptedStep {
  const config = loaded.config as Record<string, unknown> | undefined
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return { ...loaded, virtual: false }
  if (typeof config.type === 'string' && config.triggers === undefined) return fromLegacy(loaded, config, relativePath)
  if (config.type !== undefined && config.triggers === undefined) throw shapeError(relativePath, `config.type is ${JSON.stringify(config.type)}`)
  recogniseStray(config, relativePath)
  const triggers = Array.isArray(config.triggers) ? config.triggers.map(mapTrigger) : config.triggers
  const legacyEdges = config.emits !== undefined || config.virtualEmits !== undefined
  const mapped = { ...config, triggers, ...edges(config) } as StepConfig
  const warning = legacyEdges
    ? `[motia] ${relativePath}: "emits"/"virtualEmits" are Motia 0.x names; they work, but write enqueues/virtualEnqueues (docs/migrating-from-motia.md)`
    : undefined
  return { ...loaded, config: mapped, virtual: false, warning }
}

// --- internal ---

function fromLegacy(loaded: Loaded, config: Record<string, unknown>, relativePath: string): AdaptedStep {
  const type = config.type as string
  if (!legacyTypes.includes(type)) {
    const hint = triggerTypes.includes(type)
      ? `"${type}" is a trigger type: write triggers: [{ type: '${type}', ... }] instead of a top-level type`
      : `it is neither a Motia 0.x step (type: 'api' | 'event' | 'cron' | 'noop') nor a step with config.triggers`
    throw shapeError(relativePath, `config.type is "${type}": ${hint}`)
  }
  const where = `${relativePath} (Motia 0.x ${type} step)`
  const { triggers, equivalent } = legacyTriggers(type, config, where)
  const mapped: StepConfig = {
    name: config.name as string | undefined,
    description: config.description as string | undefined,
    flows: config.flows as string[] | undefined,
    triggers,
    ...edges(config),
    virtualSubscribes: config.virtualSubscribes as string[] | undefined,
    includeFiles: config.includeFiles as string[] | undefined,
  }
  const enqueues = mapped.enqueues?.length ? `, enqueues: [${mapped.enqueues.map((e) => `'${typeof e === 'string' ? e : e.topic}'`).join(', ')}]` : ''
  const warning = `[motia] ${relativePath} uses the Motia 0.x config (type: '${type}'); it runs, but is deprecated: write triggers: [${equivalent}]${enqueues} and ctx.enqueue for ctx.emit (docs/migrating-from-motia.md)`
  // 0.x cron handlers take the context first: handler(ctx).
  const invoke: StepInvoker | undefined =
    type === 'cron' && loaded.invoke ? (_input, ctx) => loaded.invoke!(ctx, ctx) : type === 'noop' ? (loaded.invoke ?? (async () => undefined)) : loaded.invoke
  // 0.x's streams.<name>.set answered the item, not { new_value, old_value }.
  return { ...loaded, config: mapped, invoke: invoke && withLegacyStreams(invoke), virtual: type === 'noop', warning }
}

function legacyTriggers(type: string, config: Record<string, unknown>, where: string): { triggers: StepConfig['triggers']; equivalent: string } {
  if (type === 'api') {
    const { method, path, bodySchema, queryParams, responseSchema, middleware } = config
    const trigger = definedOnly({ type: 'http', method: typeof method === 'string' ? method.toUpperCase() : method, path, bodySchema, queryParams, responseSchema, middleware })
    return { triggers: [trigger as never], equivalent: `{ type: 'http', method: '${String(method)}', path: '${String(path)}' }` }
  }
  if (type === 'event') {
    const subscribes = config.subscribes
    if (!Array.isArray(subscribes) || subscribes.length === 0 || !subscribes.every((t) => typeof t === 'string')) {
      throw new ConfigError(`[motia] ${where}: subscribes must list the topics it listens to, e.g. subscribes: ['order-placed']`, { file: where })
    }
    const options = queueOptions(config.infrastructure)
    const triggers = subscribes.map((topic: string) => definedOnly({ type: 'queue', topic, input: config.input, config: options }))
    return { triggers: triggers as never, equivalent: subscribes.map((t: string) => `{ type: 'queue', topic: '${t}' }`).join(', ') }
  }
  if (type === 'cron') {
    return { triggers: [{ type: 'cron', expression: config.cron as string }], equivalent: `{ type: 'cron', expression: '${String(config.cron)}' }` }
  }
  return { triggers: [], equivalent: '' }
}

/** Motia 1.0 trigger fields we spell differently. */
function mapTrigger(trigger: unknown): unknown {
  if (typeof trigger !== 'object' || trigger === null) return trigger
  const t = trigger as Record<string, unknown>
  // Some 1.0 release candidates still called the http trigger 'api'.
  const type = t.type === 'api' ? 'http' : t.type
  if (!('infrastructure' in t) && !('condition' in t && t.condition === undefined) && type === t.type) return trigger
  const { infrastructure, ...rest } = t
  const mapped: Record<string, unknown> = definedOnly({ ...rest, type })
  if (type === 'queue' && infrastructure !== undefined) mapped.config = { ...queueOptions(infrastructure), ...(rest.config as object | undefined) }
  return mapped
}

/** Motia's `infrastructure.queue` onto our queue options (its timeouts are in seconds). */
function queueOptions(infrastructure: unknown): Record<string, unknown> | undefined {
  const queue = (infrastructure as { queue?: Record<string, unknown> } | undefined)?.queue
  if (!queue) return undefined
  const options = definedOnly({
    maxRetries: queue.maxRetries,
    type: queue.type,
    visibilityTimeoutMs: typeof queue.visibilityTimeout === 'number' ? queue.visibilityTimeout * 1000 : undefined,
  })
  return Object.keys(options).length ? options : undefined
}

function edges(config: Record<string, unknown>): Pick<StepConfig, 'enqueues' | 'virtualEnqueues'> {
  const enqueues = (config.enqueues ?? config.emits) as StepConfig['enqueues']
  const virtualEnqueues = (config.virtualEnqueues ?? config.virtualEmits) as StepConfig['virtualEnqueues']
  return definedOnly({ enqueues, virtualEnqueues })
}

/** A config without triggers that carries another shape's fields: say which, and the fix. */
function recogniseStray(config: Record<string, unknown>, relativePath: string): void {
  if (config.triggers !== undefined) return
  if (typeof config.path === 'string' || typeof config.method === 'string') {
    throw shapeError(relativePath, `it has path/method but no triggers: a Motia 0.x api step needs type: 'api'; in Motia 1.0 form write triggers: [{ type: 'http', method: '${String(config.method ?? 'GET')}', path: '${String(config.path ?? '/')}' }]`)
  }
  if (Array.isArray(config.subscribes)) {
    throw shapeError(relativePath, `it has subscribes but no triggers: a Motia 0.x event step needs type: 'event'; in Motia 1.0 form write triggers: [{ type: 'queue', topic: '${String(config.subscribes[0])}' }]`)
  }
  if (typeof config.cron === 'string') {
    throw shapeError(relativePath, `it has cron but no triggers: a Motia 0.x cron step needs type: 'cron'; in Motia 1.0 form write triggers: [{ type: 'cron', expression: '${config.cron}' }]`)
  }
}

function shapeError(relativePath: string, what: string): ConfigError {
  return new ConfigError(`[motia] ${relativePath}: config matches no step shape: ${what}`, { file: relativePath })
}

function definedOnly<T extends Record<string, unknown>>(object: T): T {
  for (const key of Object.keys(object)) if (object[key] === undefined) delete object[key]
  return object
}
