/**
 * Serves a worker's context calls (`call` frames) against the run's own context, so a Python
 * step's state, streams and enqueues go through exactly what a TypeScript step's do: the same
 * stores (embedded or Redis), the same checks (undeclared topics, subscriber schemas, stream
 * schemas) and the same trace records.
 */
import { MotiaError } from '../errors.ts'
import type { FlowContext } from '../types/context.ts'

const stateOps = new Set(['get', 'set', 'update', 'delete', 'list', 'getGroup', 'entries', 'listGroups', 'clear'])
const streamOps = new Set(['get', 'set', 'update', 'delete', 'getGroup', 'list', 'listGroups', 'send'])

/** Every method a worker may call, for the protocol doc and error messages. */
export const contextMethods = ['enqueue', ...[...stateOps].map((op) => `state.${op}`), ...[...streamOps].map((op) => `streams.${op}`)]

/** Runs one context call; throws a `MotiaError` for a call that is not one. */
export function serveContextCall(ctx: FlowContext, method: unknown, args: unknown): Promise<unknown> {
  if (typeof method !== 'string' || !Array.isArray(args)) throw badCall(`a call frame has a method (string) and args (array), got ${JSON.stringify(method)}`)
  if (method === 'enqueue' || method === 'emit') {
    if (typeof ctx.enqueue !== 'function') throw badCall('enqueue is not available here (a stream hook cannot enqueue)')
    return ctx.enqueue(args[0] as never)
  }
  const dot = method.indexOf('.')
  const area = method.slice(0, dot)
  const op = method.slice(dot + 1)
  if (area === 'state' && stateOps.has(op)) {
    return (ctx.state as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[op]!(...args)
  }
  if (area === 'streams' && streamOps.has(op)) {
    const [name, ...rest] = args
    if (typeof name !== 'string' || name === '') throw badCall(`${method} takes the stream's name first, got ${JSON.stringify(name)}`)
    const handle = (ctx.streams as unknown as Record<string, Record<string, (...a: unknown[]) => Promise<unknown>>>)[name]!
    return handle[op]!(...rest)
  }
  throw badCall(`unknown method ${JSON.stringify(method)}; known: ${contextMethods.join(', ')}`)
}

// --- internal ---

function badCall(message: string): MotiaError {
  return new MotiaError(`[motia] ${message}`, { code: 'BAD_CALL', status: 400 })
}
