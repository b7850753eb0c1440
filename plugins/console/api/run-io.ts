/**
 * A run's input and output on its span, for the Traces page: recorded from the `onStepRun` hook,
 * so only while the console is enabled (`motia dev`, or a config that lists `consolePlugin()`);
 * with no console the runtime calls no hook and records nothing.
 *
 * The trace store keeps a bounded copy (its `maxStringLength` of strings and keys per value: 4096
 * characters in memory, 2048 in Redis) that counts against its byte budget, so a 1 MB body costs
 * a few KB. An http run's input is the request as the handler saw it (method, path, params,
 * query, headers, body), with credential-like headers and query parameters masked (the runtime's
 * `mask`, from motia.config.ts).
 */
import type { HttpRequest, HttpResponse, Masker, PluginHooks, TraceStore } from 'motia'

/**
 * The hook that records input and output into `traces()` (read at each run: set at setup), for at
 * most `perSecond` runs a second: a developer's requests are all recorded, while a load test pays
 * for a bounded number of copies instead of one per request.
 */
export function createRunRecorder(target: () => { traces: TraceStore; mask: Masker } | undefined, perSecond = 100): NonNullable<PluginHooks['onStepRun']> {
  let second = 0
  let recorded = 0
  return (run, outcome) => {
    if (!run.span) return
    const at = outcome.endedAt
    const now = Math.floor(at / 1000)
    if (now !== second) (second = now), (recorded = 0)
    if (++recorded > perSecond) return
    const { traces: store, mask } = target() ?? {}
    if (!store || !mask) return
    const http = run.trigger.type === 'http'
    store.addEvent(run.span, { type: 'input', value: http ? requestOf(run.input as HttpRequest, mask) : run.input, at })
    if (outcome.ok && outcome.output !== undefined) store.addEvent(run.span, { type: 'output', value: http ? responseOf(outcome.output, mask) : outcome.output, at })
  }
}

// --- internal ---

function requestOf(req: HttpRequest, mask: Masker): unknown {
  return { method: req.method, path: req.path, params: req.params, query: req.query && mask.mask(req.query), headers: req.headers && mask.mask(req.headers), body: req.body }
}

function responseOf(output: unknown, mask: Masker): unknown {
  if (output instanceof Response) return { status: output.status, headers: mask.mask(Object.fromEntries(output.headers as unknown as Iterable<[string, string]>)), body: '[a Response: its body is not recorded]' }
  const res = output as HttpResponse
  if (typeof res !== 'object' || res === null) return output
  const body = res.body !== null && typeof res.body === 'object' && Symbol.asyncIterator in res.body ? '[an event stream: its events are not recorded]' : res.body
  return { status: res.status, ...(res.headers && { headers: mask.mask(res.headers) }), body }
}
