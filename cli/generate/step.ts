/**
 * `motia generate step`: what the new step is (from flags, or from questions at a terminal) and
 * its source, in TypeScript or JavaScript, at the place the folder conventions give its trigger.
 * The config names its route, topic or schedule explicitly as well, so the file loads as written
 * wherever it is moved later.
 */
import { Cron } from 'croner'
import { UsageError } from '../errors.ts'

export const triggerKinds = ['http', 'queue', 'cron', 'state'] as const
export type TriggerKind = (typeof triggerKinds)[number]
export const httpMethods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const

export interface StepSpec {
  name: string
  trigger: TriggerKind
  language: 'ts' | 'js'
  /** http */
  method?: string
  /** http, `/users/:id` */
  path?: string
  /** queue */
  topic?: string
  /** cron */
  cron?: string
}

/** Flags as commander gives them: anything may be missing. */
export type StepFlags = Partial<Record<'name' | 'trigger' | 'language' | 'method' | 'path' | 'topic' | 'cron', string>>

/** Asks for one missing value at a terminal; `validate` returns a problem or undefined. */
export interface Asker {
  text(question: { message: string; initial?: string; validate: (value: string) => string | undefined }): Promise<string>
  select(question: { message: string; options: ReadonlyArray<{ value: string; label: string }>; initial?: string }): Promise<string>
}

/**
 * Completes the flags into a spec: with an `ask`, missing values are asked for (suggesting the
 * defaults); without one, defaults fill what has one (language: `defaultLanguage`, method GET, path
 * from the name) and a missing name, trigger, topic or schedule fails naming its flag.
 */
export async function resolveStepSpec(flags: StepFlags, options: { ask?: Asker; defaultLanguage: 'ts' | 'js' }): Promise<StepSpec> {
  const { ask } = options
  const need = async (flag: keyof typeof missing, value: string | undefined, question: () => Promise<string>): Promise<string> => {
    if (value !== undefined) return value
    if (!ask) throw new UsageError(`[motia] missing ${flag}: ${missing[flag]}`)
    return question()
  }
  const name = await need('--name', flags.name, () => ask!.text({ message: 'Step name (PascalCase)', validate: nameProblem }))
  check(nameProblem(name))
  const trigger = (
    await need('--trigger', flags.trigger, () => ask!.select({ message: 'Trigger', options: triggerKinds.map((kind) => ({ value: kind, label: triggerLabels[kind] })) }))
  ).toLowerCase()
  if (!isTriggerKind(trigger)) throw new UsageError(`[motia] --trigger must be one of ${triggerKinds.join(', ')}, got "${trigger}"`)
  const language = flags.language?.toLowerCase() ?? (ask ? await ask.select({ message: 'Language', options: languages, initial: options.defaultLanguage }) : options.defaultLanguage)
  if (language !== 'ts' && language !== 'js') throw new UsageError(`[motia] --language must be ts or js, got "${language}"`)
  for (const flag of ['method', 'path', 'topic', 'cron'] as const) {
    if (flags[flag] !== undefined && !flagsOf[trigger].includes(flag)) {
      throw new UsageError(`[motia] --${flag} does not apply to ${trigger === 'http' ? 'an' : 'a'} ${trigger} step${flagsOf[trigger].length ? ` (it takes ${flagsOf[trigger].map((f) => `--${f}`).join(', ')})` : ''}`)
    }
  }
  const spec: StepSpec = { name, trigger, language }
  if (trigger === 'http') {
    const method = flags.method ?? (ask ? await ask.select({ message: 'HTTP method', options: httpMethods.map((m) => ({ value: m, label: m })), initial: 'GET' }) : 'GET')
    spec.method = method.toUpperCase()
    check(methodProblem(spec.method))
    const suggested = `/${kebabCase(name)}`
    spec.path = flags.path ?? (ask ? await ask.text({ message: 'Route path', initial: suggested, validate: pathProblem }) : suggested)
    check(pathProblem(spec.path))
  } else if (trigger === 'queue') {
    spec.topic = await need('--topic', flags.topic, () => ask!.text({ message: 'Topic to subscribe to', validate: topicProblem }))
    check(topicProblem(spec.topic))
  } else if (trigger === 'cron') {
    spec.cron = await need('--cron', flags.cron, () => ask!.text({ message: 'Schedule (cron expression)', initial: '0 * * * *', validate: cronProblem }))
    check(cronProblem(spec.cron))
  }
  return spec
}

/** The new step's path (relative to the project) and source. Expects a spec from `resolveStepSpec`. */
export function stepFile(spec: StepSpec): { file: string; source: string } {
  const base = kebabCase(spec.name)
  const ext = `step.${spec.language}`
  switch (spec.trigger) {
    case 'http': {
      const method = spec.method ?? 'GET'
      const path = spec.path ?? `/${base}`
      const segments = path.split('/').filter(Boolean).map((s) => (s.startsWith(':') ? `[${s.slice(1)}]` : s))
      const place = segments.length ? segments.join('/') : 'index'
      return { file: `steps/http/${place}.${method.toLowerCase()}.${ext}`, source: httpSource(spec, method, path) }
    }
    case 'queue':
      return { file: `steps/queue/${spec.topic}/${base}.${ext}`, source: queueSource(spec, spec.topic!) }
    case 'cron':
      return { file: `steps/cron/${base}.${ext}`, source: cronSource(spec, spec.cron!) }
    case 'state':
      return { file: `steps/state/${base}.${ext}`, source: stateSource(spec) }
  }
}

// --- internal ---

const usage = `motia generate step --name <Name> --trigger <${triggerKinds.join('|')}>`

const missing = {
  '--name': usage,
  '--trigger': usage,
  '--topic': 'a queue step subscribes to a topic, e.g. --topic user-created',
  '--cron': 'a cron step needs a schedule, e.g. --cron "0 * * * *"',
}

const triggerLabels: Record<TriggerKind, string> = {
  http: 'http: an API endpoint',
  queue: 'queue: runs for each message on a topic',
  cron: 'cron: runs on a schedule',
  state: 'state: runs after a state change',
}

const languages = [
  { value: 'ts', label: 'TypeScript' },
  { value: 'js', label: 'JavaScript' },
]

const flagsOf: Record<TriggerKind, ReadonlyArray<'method' | 'path' | 'topic' | 'cron'>> = { http: ['method', 'path'], queue: ['topic'], cron: ['cron'], state: [] }

function isTriggerKind(value: string): value is TriggerKind {
  return (triggerKinds as readonly string[]).includes(value)
}

function check(problem: string | undefined): void {
  if (problem) throw new UsageError(`[motia] ${problem}`)
}

function nameProblem(name: string): string | undefined {
  return /^[A-Za-z][A-Za-z0-9]*$/.test(name) ? undefined : `--name must be letters and digits, starting with a letter (e.g. SendWelcomeEmail), got "${name}"`
}

function methodProblem(method: string): string | undefined {
  return (httpMethods as readonly string[]).includes(method) ? undefined : `--method must be one of ${httpMethods.join(', ')}, got "${method}"`
}

function pathProblem(path: string): string | undefined {
  return /^\/(?:(?:[\w-]+|:\w+)(?:\/(?:[\w-]+|:\w+))*)?$/.test(path) ? undefined : `--path must start with "/" and hold segments of letters, digits, "-" and "_" or ":param" (e.g. /users/:id), got "${path}"`
}

function topicProblem(topic: string): string | undefined {
  return /^[\w-][\w.-]*$/.test(topic) ? undefined : `--topic may hold letters, digits, ".", "_" and "-" (e.g. user-created), got "${topic}"`
}

/** The same checks the cron trigger makes at load time, so a generated step never fails there. */
function cronProblem(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/).length
  if (fields < 5 || fields > 7) return `--cron needs 5 fields (min hour day month weekday), 6 (seconds first) or 7 (year last), got "${expression}"`
  try {
    new Cron(expression, { paused: true }).stop()
    return undefined
  } catch (error) {
    return `--cron "${expression}" is not a valid cron expression: ${(error as Error).message}`
  }
}

/** `SendWelcomeEmail` → `send-welcome-email`. */
function kebabCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/([A-Z])([A-Z][a-z])/g, '$1-$2').toLowerCase()
}

function source(spec: StepSpec, parts: { comment: string; zod: boolean; config: string[]; args: string; body: string[] }): string {
  const ts = spec.language === 'ts'
  const imports = [...(ts ? ["import type { Handlers, StepConfig } from 'motia'"] : []), ...(parts.zod ? ["import { z } from 'zod'"] : [])]
  const config = [`  name: '${spec.name}',`, '  flows: [],', ...parts.config.map((line) => `  ${line}`)].join('\n')
  return [
    ...imports,
    ...(imports.length ? [''] : []),
    `// ${parts.comment}`,
    ts ? `export const config = {\n${config}\n} as const satisfies StepConfig` : `export const config = /** @type {const} */ ({\n${config}\n})`,
    '',
    ts ? `export const handler: Handlers<typeof config> = async (${parts.args}) => {` : `/** @type {import('motia').Handlers<typeof config>} */\nexport const handler = async (${parts.args}) => {`,
    ...parts.body.map((line) => `  ${line}`),
    '}',
    '',
  ].join('\n')
}

function httpSource(spec: StepSpec, method: string, path: string): string {
  const withBody = method === 'POST' || method === 'PUT' || method === 'PATCH'
  const trigger = [
    "type: 'http',",
    `method: '${method}',`,
    `path: '${path}',`,
    ...(withBody ? ['bodySchema: z.object({ name: z.string() }),'] : []),
    `responseSchema: { 200: z.object({ ${withBody ? 'name: z.string()' : 'ok: z.boolean()'} }) },`,
  ]
  return source(spec, {
    comment: `${method} ${path}`,
    zod: true,
    config: ['triggers: [', '  {', ...trigger.map((line) => `    ${line}`), '  },', '],'],
    args: 'req, { logger }',
    body: [
      `logger.info('${spec.name} called', { path: req.path })`,
      withBody ? 'return { status: 200, body: { name: req.body.name } }' : 'return { status: 200, body: { ok: true } }',
    ],
  })
}

function queueSource(spec: StepSpec, topic: string): string {
  return source(spec, {
    comment: `Runs for every message on the "${topic}" topic; enqueue checks messages against input`,
    zod: true,
    config: [`triggers: [{ type: 'queue', topic: '${topic}', input: z.object({ id: z.string() }), config: { maxRetries: 3 } }],`],
    args: 'data, { logger }',
    body: [`logger.info('${spec.name} received a message', { id: data.id })`],
  })
}

function cronSource(spec: StepSpec, expression: string): string {
  return source(spec, {
    comment: `Runs on the schedule "${expression}"`,
    zod: false,
    config: [`triggers: [{ type: 'cron', expression: '${expression}' }],`],
    args: 'tick, { logger }',
    body: [`logger.info('${spec.name} ran', { scheduledAt: tick.scheduledAt.toISOString() })`],
  })
}

function stateSource(spec: StepSpec): string {
  return source(spec, {
    comment: "Runs after every state change; add group: '<group>' to the trigger to watch one group",
    zod: false,
    config: ["triggers: [{ type: 'state' }],"],
    args: 'change, { logger }',
    body: [`logger.info('${spec.name} saw a change', { event: change.event, group: change.group, key: change.key })`],
  })
}
