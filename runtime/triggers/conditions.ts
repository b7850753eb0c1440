/**
 * `condition` on every trigger type (Motia 1.0): `(input, ctx) => boolean | Promise<boolean>`,
 * checked before the handler runs. The runtime's `run` applies it to queue, cron and plugin
 * triggers (a false answer acknowledges the message or skips the tick, and the trace shows a
 * skipped span); the http trigger answers 404, as if no route had matched; the state trigger
 * checks it per write and records nothing when false (it sees every write of the project).
 */
import { ConfigError } from '../errors.ts'
import type { SpanHandle, TraceStore } from '../adapters/traces/types.ts'
import type { LoadedStep } from '../discovery/loaded-step.ts'
import type { FiredTrigger, FlowContext, TriggerCondition } from '../types/context.ts'

/** The check `run` applies for this trigger and input, or undefined when it has no condition. */
export function conditionOf(trigger: FiredTrigger, input: unknown): ((ctx: FlowContext) => boolean | Promise<boolean>) | undefined {
  const condition = (trigger as { condition?: TriggerCondition }).condition
  return typeof condition === 'function' ? (ctx) => condition(input, ctx) : undefined
}

/** Records a run that its condition skipped: a span with one log event, so the trace shows why. */
export function recordSkip(traces: TraceStore, step: LoadedStep, trigger: FiredTrigger, traceId: string): void {
  const now = Date.now()
  const span: SpanHandle = traces.startSpan(traceId, step.name, trigger.type, now)
  traces.addEvent(span, { type: 'log', level: 'info', msg: `skipped: the ${trigger.type} trigger's condition is false`, at: now })
  traces.endSpan(span, now)
}

/** Refuses a `condition` that is set but not a function (`condition: undefined` is fine). */
export function validateCondition(trigger: { type: string; condition?: unknown; index?: number }, step: LoadedStep): void {
  if (trigger.condition === undefined || typeof trigger.condition === 'function') return
  throw new ConfigError(
    `[motia] step "${step.name}" (${step.relativePath}): the ${trigger.type} trigger's condition must be a function (input, ctx) => boolean, got ${typeof trigger.condition}`,
    { file: step.relativePath },
  )
}

/** The status an http request gets when its trigger's condition is false. */
export const httpSkippedStatus = 404

/**
 * The http condition, as a run's `around`: checks it with the run's context before the
 * middleware and handler; when false the answer is 404 (the route does not take this request).
 */
export function httpCondition(
  condition: TriggerCondition,
  req: unknown,
  inner: (ctx: FlowContext, next: () => Promise<unknown>) => Promise<unknown>,
): (ctx: FlowContext, next: () => Promise<unknown>) => Promise<unknown> {
  return async (ctx, next) => {
    if (await condition(req, ctx)) return inner(ctx, next)
    ctx.logger.info('skipped: the http trigger\'s condition is false')
    return { status: httpSkippedStatus, body: { error: 'Not Found' } }
  }
}
