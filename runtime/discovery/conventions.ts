/**
 * Folder conventions: the trigger a step's location implies. Paths are relative to a steps root
 * (`steps/` or `src/`).
 *
 * | file                                   | trigger                       |
 * | -------------------------------------- | ----------------------------- |
 * | http/users/index.post.step.ts          | http POST /users              |
 * | http/users/[id].get.step.ts            | http GET /users/:id           |
 * | queue/user-created/send-email.step.ts  | queue on topic user-created   |
 * | queue/user-created.step.ts             | queue on topic user-created   |
 * | cron/nightly-report.step.ts            | cron (expression from config) |
 * | state/*.step.ts                        | state                         |
 * | stream/<name>/*.step.ts                | stream <name>                 |
 */
import type { AnyTrigger } from './loaded-step.ts'

/** Folders searched for steps (and streams), relative to the project root. */
export const stepRoots = ['steps', 'src']

const methods = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options'])

export interface Inferred {
  trigger?: Partial<AnyTrigger> & { type: string }
  /** Default step name for this file. */
  name: string
}

/** The trigger and default name implied by a file's path under its steps root. */
export function inferFromPath(relativeToRoot: string): Inferred {
  const parts = relativeToRoot.split(/[\\/]/)
  const file = parts.pop() ?? ''
  // `x.step.ts`, `x_step.py`, and Motia's `x.job_step.py` / `x.cron_step.py`.
  const stem = file.replace(/(\.(job|cron))?[._]step\.[a-z]+$/, '')
  const [folder, ...rest] = parts
  if (folder === 'http') return inferHttp(rest, stem)
  if (folder === 'queue') {
    const topic = rest[0] ?? stem
    return { trigger: { type: 'queue', topic }, name: pascalCase(stem) }
  }
  if (folder === 'cron') return { trigger: { type: 'cron' }, name: pascalCase(stem) }
  if (folder === 'state') return { trigger: { type: 'state' }, name: pascalCase(stem) }
  if (folder === 'stream' && rest[0]) return { trigger: { type: 'stream', streamName: rest[0] }, name: pascalCase(stem) }
  return { name: pascalCase(stem) }
}

/** `send-email` → `SendEmail`, `[id]` → `ById`. */
export function pascalCase(text: string): string {
  return text
    .replace(/\[\.\.\.(\w+)\]/g, 'all-$1')
    .replace(/\[(\w+)\]/g, 'by-$1')
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('')
}

// --- internal ---

function inferHttp(folders: string[], stem: string): Inferred {
  const dot = stem.lastIndexOf('.')
  const suffix = dot >= 0 ? stem.slice(dot + 1).toLowerCase() : ''
  const method = methods.has(suffix) ? suffix.toUpperCase() : undefined
  const base = method ? stem.slice(0, dot) : stem
  const segments = base === 'index' ? folders : [...folders, base]
  const path = `/${segments.map(toRouteSegment).join('/')}`
  const trigger = method ? { type: 'http', method, path } : { type: 'http', path }
  return { trigger: trigger as Inferred['trigger'], name: pascalCase([method?.toLowerCase() ?? '', ...segments].join('-')) || 'Index' }
}

function toRouteSegment(segment: string): string {
  const catchAll = /^\[\.\.\.(\w+)\]$/.exec(segment)
  if (catchAll) return '*'
  const param = /^\[(\w+)\]$/.exec(segment)
  return param ? `:${param[1]}` : segment
}
