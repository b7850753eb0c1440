/**
 * What crosses the protocol for a run: the input as the worker gets it (plain JSON per trigger
 * type), the run's context fields, and how long the run may take before it is cut off.
 */
import { queueDefaults } from '../adapters/queue/types.ts'
import type { FiredTrigger, FlowContext, HttpRequest, QueueTriggerConfig, StateChange } from '../types/context.ts'
import { defaultCronTimeoutMs } from '../triggers/cron-schedule.ts'
import type { InvokeContext, TriggerInfo } from './protocol.ts'

/** The input of a run as JSON: an http request's parts, a state change's fields, null for cron. */
export function wireInput(trigger: FiredTrigger, input: unknown): unknown {
  switch (trigger.type) {
    case 'http': {
      const req = input as HttpRequest
      return { method: req.method, path: req.path, pathParams: req.params, queryParams: req.query, headers: req.headers, body: req.body }
    }
    case 'cron':
      return null
    case 'state': {
      const change = input as StateChange
      return { group: change.group, key: change.key, event: change.event, oldValue: change.oldValue ?? null, newValue: change.newValue ?? null }
    }
    default:
      return input
  }
}

/** The context fields the worker rebuilds its `ctx` from. */
export function wireContext(ctx: FlowContext, trigger: FiredTrigger): InvokeContext {
  return { traceId: ctx.traceId, step: ctx.step, flows: ctx.flows, attempt: ctx.attempt ?? 1, trigger: triggerInfo(trigger) }
}

/** How long one run may take, when its trigger says: a queue's `timeoutMs` (as the queue trigger reads it), a cron's. */
export function runTimeoutMs(trigger: FiredTrigger): number | undefined {
  if (trigger.type === 'queue') {
    const c = (trigger as QueueTriggerConfig).config ?? {}
    return c.timeoutMs ?? c.visibilityTimeoutMs ?? queueDefaults.visibilityTimeoutMs
  }
  if (trigger.type === 'cron') return (trigger as { timeoutMs?: number }).timeoutMs ?? defaultCronTimeoutMs
  return undefined
}

// --- internal ---

const infos = new WeakMap<FiredTrigger, TriggerInfo>()

/** A trigger's plain fields (type, index, method, path, topic, ...), computed once per trigger. */
function triggerInfo(trigger: FiredTrigger): TriggerInfo {
  let info = infos.get(trigger)
  if (!info) {
    info = {}
    for (const [key, value] of Object.entries(trigger)) {
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') info[key] = value
    }
    infos.set(trigger, info)
  }
  return info
}
