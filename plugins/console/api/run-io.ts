/**
 * A run's input and output on its span, for the Traces page: recorded from the `onStepRun` hook,
 * so only while the console is enabled (`motia dev`, or a config that lists `consolePlugin()`);
 * with no console the runtime calls no hook and records nothing.
 *
 * The trace store keeps a bounded copy (its `maxStringLength` of strings and keys per value: 4096
 * characters in memory, 2048 in Redis) that counts against its byte budget, so a 1 MB body costs
 * a few KB. An http run's input is the request as the handler saw it (method, path, params,
 * query, headers, body), with credentials masked.
 */
import type { HttpRequest, HttpResponse, PluginHooks, TraceStore } from 'motia'

/**
 * The hook that records input and output into `traces()` (read at each run: set at setup), for at
 * most `perSecond` runs a second: a developer's requests are all recorded, while a load test pays
 * for a bounded number of copies instead of one per request.
 */
export function createRunRecorder(traces: () => TraceStore | undefined, perSecond = 100): NonNullable<PluginHooks['onStepRun']> {
  let second = 0
  let recorded = 0
  return (run, outcome) => {
    const store = traces()
    if (!store || !run.span) return
    const at = outcome.endedAt
    const now = Math.floor(at / 1000)
    if (now !== second) (second = now), (recorded = 0)
    if (++recorded > perSecond) return
    const http = run.trigger.type === 'http'
    store.addEvent(run.span, { type: 'input', value: http ? requestOf(run.input as HttpRequest) : run.input, at })
    if (outcome.ok && outcome.output !== undefined) store.addEvent(run.span, { type: 'output', value: http ? responseOf(outcome.output) : outcome.output, at })
  }
}

// --- internal ---

/** Headers whose values are secrets: shown as masked. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-motia-token', 'x-api-key'])

function requestOf(req: HttpRequest): unknown {
  return { method: req.method, path: req.path, params: req.params, query: req.query, headers: masked(req.headers), body: req.body }
}

function responseOf(output: unknown): unknown {
  if (output instanceof Response) return { status: output.status, headers: masked(Object.fromEntries(output.headers as unknown as Iterable<[string, string]>)), body: '[a Response: its body is not recorded]' }
  const res = output as HttpResponse
  if (typeof res !== 'object' || res === null) return output
  const body = res.body !== null && typeof res.body === 'object' && Symbol.asyncIterator in res.body ? '[an event stream: its events are not recorded]' : res.body
  return { status: res.status, ...(res.headers && { headers: masked(res.headers) }), body }
}

function masked(headers: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!headers) return headers
  let out: Record<string, string> | undefined
  for (const name in headers) {
    if (!SECRET_HEADERS.has(name.toLowerCase())) continue
    out ??= { ...headers }
    out[name] = '[masked]'
  }
  return out ?? headers
}
