/**
 * `motia generate step`: the file for a new step, at the place the folder conventions give its
 * trigger, in TypeScript or JavaScript. The result loads as it is.
 */
import { MotiaError } from '../../runtime/errors.ts'

export type TriggerKind = 'http' | 'queue' | 'cron' | 'state'

export interface StepSpec {
  name: string
  trigger: TriggerKind
  language: 'ts' | 'js'
  method?: string
  path?: string
  topic?: string
  cron?: string
}

export const triggerKinds: readonly TriggerKind[] = ['http', 'queue', 'cron', 'state']

/** The step's path (relative to the project) and its source. */
export function stepFile(spec: StepSpec): { file: string; source: string } {
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(spec.name)) {
    throw new MotiaError(`[motia] step name "${spec.name}" must be letters and digits starting with a letter, e.g. SendWelcomeEmail`)
  }
  const kebab = spec.name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()
  const ext = `step.${spec.language}`
  switch (spec.trigger) {
    case 'http': {
      const method = (spec.method ?? 'GET').toUpperCase()
      if (!['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) throw new MotiaError(`[motia] --method must be GET, POST, PUT, PATCH or DELETE, got "${spec.method}"`)
      const path = spec.path ?? `/${kebab}`
      if (!/^\/[\w\-/:.]*$/.test(path)) throw new MotiaError(`[motia] --path must start with "/" and use letters, digits, "-", "/" and ":param", got "${path}"`)
      const segments = path.split('/').filter(Boolean).map((s) => (s.startsWith(':') ? `[${s.slice(1)}]` : s))
      const file = `steps/http/${segments.length ? segments.join('/') : 'index'}.${method.toLowerCase()}.${ext}`
      return { file, source: http(spec, method, path) }
    }
    case 'queue': {
      const topic = spec.topic ?? kebab
      if (!/^[\w.-]+$/.test(topic)) throw new MotiaError(`[motia] --topic may use letters, digits, ".", "_" and "-", got "${topic}"`)
      return { file: `steps/queue/${topic}/${kebab}.${ext}`, source: queue(spec) }
    }
    case 'cron':
      return { file: `steps/cron/${kebab}.${ext}`, source: cron(spec, spec.cron ?? '*/5 * * * *') }
    case 'state':
      return { file: `steps/state/${kebab}.${ext}`, source: state(spec) }
    default:
      throw new MotiaError(`[motia] --trigger must be one of ${triggerKinds.join(', ')}, got "${spec.trigger as string}"`)
  }
}

// --- internal ---

function head(spec: StepSpec, imports: string[]): string {
  const lines = spec.language === 'ts' ? imports : imports.filter((line) => !line.startsWith('import type'))
  return lines.length ? `${lines.join('\n')}\n\n` : ''
}

function configBlock(spec: StepSpec, body: string): string {
  return spec.language === 'ts' ? `export const config = {\n${body}} as const satisfies StepConfig\n\n` : `export const config = /** @type {const} */ ({\n${body}})\n\n`
}

function handlerHead(spec: StepSpec, args: string): string {
  return spec.language === 'ts'
    ? `export const handler: Handlers<typeof config> = async (${args}) => {\n`
    : `/** @type {import('motia').Handlers<typeof config>} */\nexport const handler = async (${args}) => {\n`
}

function http(spec: StepSpec, method: string, path: string): string {
  const withBody = ['POST', 'PUT', 'PATCH'].includes(method)
  const trigger = withBody ? `{ type: 'http', method: '${method}', path: '${path}', bodySchema: z.object({ name: z.string() }) }` : `{ type: 'http', method: '${method}', path: '${path}' }`
  return (
    head(spec, withBody ? ["import type { Handlers, StepConfig } from 'motia'", "import { z } from 'zod'"] : ["import type { Handlers, StepConfig } from 'motia'"]) +
    configBlock(spec, `  name: '${spec.name}',\n  flows: [],\n  triggers: [${trigger}],\n`) +
    handlerHead(spec, 'req, { logger }') +
    `  logger.info('${spec.name} called', { path: req.path })\n` +
    `  return { status: 200, body: { ok: true${withBody ? ', name: req.body.name' : ''} } }\n}\n`
  )
}

function queue(spec: StepSpec): string {
  return (
    head(spec, ["import type { Handlers, StepConfig } from 'motia'", "import { z } from 'zod'"]) +
    configBlock(spec, `  name: '${spec.name}',\n  flows: [],\n  triggers: [{ type: 'queue', input: z.object({ id: z.string() }), config: { maxRetries: 3 } }],\n`) +
    handlerHead(spec, 'data, { logger }') +
    `  logger.info('${spec.name} received a message', { id: data.id })\n}\n`
  )
}

function cron(spec: StepSpec, expression: string): string {
  return (
    head(spec, ["import type { Handlers, StepConfig } from 'motia'"]) +
    configBlock(spec, `  name: '${spec.name}',\n  flows: [],\n  triggers: [{ type: 'cron', expression: '${expression}' }],\n`) +
    handlerHead(spec, 'tick, { logger }') +
    `  logger.info('${spec.name} ran', { scheduledAt: tick.scheduledAt.toISOString() })\n}\n`
  )
}

function state(spec: StepSpec): string {
  return (
    head(spec, ["import type { Handlers, StepConfig } from 'motia'"]) +
    configBlock(spec, `  name: '${spec.name}',\n  flows: [],\n  triggers: [{ type: 'state' }],\n`) +
    handlerHead(spec, 'change, { logger }') +
    `  logger.info('${spec.name} saw a change', { event: change.event, group: change.group, key: change.key })\n}\n`
  )
}
