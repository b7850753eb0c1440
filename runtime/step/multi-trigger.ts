/**
 * The multi-trigger helpers of the handler context, as Motia names them: `ctx.is.<type>(input)`,
 * `ctx.getData()` and `ctx.match({ http, queue, cron, state, stream, default })`. They read only
 * which trigger fired, so they cost nothing until a handler calls them.
 */
import { MotiaError } from '../errors.ts'
import type { FiredTrigger, MatchHandlers, TriggerGuards } from '../types/context.ts'

const types = ['http', 'queue', 'cron', 'state', 'stream'] as const

/** The `ctx.is` object for a trigger type; one shared object per type. */
export function guardsFor(type: string): TriggerGuards {
  let guards = guardsByType.get(type)
  if (!guards) {
    guards = Object.fromEntries(types.map((t) => [t, () => t === type])) as unknown as TriggerGuards
    guardsByType.set(type, guards)
  }
  return guards
}

/** `ctx.getData()`: the http body, the queue data, the state/stream change; undefined for cron. */
export function dataOf(trigger: FiredTrigger, input: unknown): unknown {
  if (trigger.type === 'http') return (input as { body?: unknown } | undefined)?.body
  if (trigger.type === 'cron') return undefined
  return input
}

/**
 * `ctx.match(handlers)`: calls the function for the trigger that fired, else `default`. With
 * neither it resolves `undefined`, as Motia does, and warns once per step naming the missing
 * handler; an http request left so without an answer gets a 500 (see `missedMatch`), never an
 * empty success.
 */
export async function matchTrigger(
  step: string,
  trigger: FiredTrigger,
  input: unknown,
  handlers: MatchHandlers<unknown, unknown>,
  logger: { warn(msg: string): void },
): Promise<unknown> {
  const fn = (handlers as Record<string, ((input?: unknown) => unknown) | undefined>)[trigger.type]
  if (typeof fn === 'function') return trigger.type === 'cron' ? fn() : fn(input)
  if (typeof handlers.default === 'function') return handlers.default(input)
  const given = Object.keys(handlers).join(', ') || 'none'
  const message = `[motia] step "${step}": ctx.match() has no "${trigger.type}" handler and no default (given: ${given}), so it resolved undefined: add ${trigger.type}: async (input) => { ... } or default`
  if (trigger.type === 'http' && typeof input === 'object' && input !== null) unmatched.set(input, message)
  const key = `${step}\0${trigger.type}`
  if (!warned.has(key)) {
    warned.add(key)
    logger.warn(message)
  }
  return undefined
}

/** Why an http request got no answer: its step's `ctx.match` had no handler for it. */
export function missedMatch(request: object): string | undefined {
  return unmatched.get(request)
}

// --- internal ---

const unmatched = new WeakMap<object, string>()
/** Steps (and trigger types) already warned about, so a busy route logs its missing handler once. */
const warned = new Set<string>()

const guardsByType = new Map<string, TriggerGuards>()
