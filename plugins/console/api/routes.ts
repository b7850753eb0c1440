/**
 * The console's JSON API under `/__motia/api/` (documented in docs/console.md). Every route is a
 * control route: open on a loopback `motia dev`, behind the `x-motia-token` otherwise.
 */
import type { MotiaRuntime } from 'motia'
import { endpoints } from './endpoints.ts'
import { flowGraph } from './graph.ts'
import { createLiveFeed } from './live.ts'
import { createLogBuffer, logFilterOf, logsJson } from './log-buffer.ts'
import { trackProblems } from './problems.ts'
import { listDeadLetters, listQueues, purge, replay } from './queues.ts'
import { answering, json } from './respond.ts'
import type { RunStats } from './run-stats.ts'
import { deleteValue, getValue, listGroup, listGroups, putValue } from './state.ts'
import { listItems, listStreams } from './streams.ts'
import { listTraces, traceDetail, traceFilterOf } from './traces.ts'

/** Registers the API; returns the function that ends its live streams and stops collecting logs. */
export interface ApiOptions {
  logCapacity: number
  logBytes: number
  liveClientBytes: number
}

export function registerApi(runtime: MotiaRuntime, stats: RunStats, options: ApiOptions): () => void {
  const logs = createLogBuffer({ capacity: options.logCapacity, maxBytes: options.logBytes })
  const live = createLiveFeed(runtime, stats, { clientBytes: options.liveClientBytes })
  // One listener: each line is clipped and serialized once, kept, then offered to the live feed.
  const stopLogs = runtime.on('log', (entry) => live.log(logs.push(entry)))
  const stopLive = runtime.on('stop', live.close)
  const problems = trackProblems(runtime)
  const base = '/__motia/api'
  const get = (path: string, handler: (request: Request, params: Record<string, string>) => Response | Promise<Response>) =>
    runtime.http.route({ method: 'GET', path: base + path, handler })
  const query = (request: Request) => new URL(request.url).searchParams

  // What the console holds now, so that its bounds can be watched.
  const holding = () => ({ logBytes: logs.bytes(), live: live.size() })
  get('', () => json({ name: 'motia console API', mode: runtime.mode, routes: ['flows', 'endpoints', 'traces', 'logs', 'live', 'state', 'queues', 'streams', 'problems'], holding: holding() }))
  get('/problems', () => json(problems.current()))
  get('/flows', () => json(flowGraph(runtime.steps(), stats, runtime.streams?.names() ?? [])))
  get('/flows/:step/runs', (_r, p) => json({ step: p.step, ...stats.of(p.step!) }))
  get('/endpoints', () => json({ endpoints: endpoints(runtime.steps()) }))
  get('/traces', (request) => {
    const filter = traceFilterOf(query(request))
    return typeof filter === 'string' ? json({ error: filter }, 400) : json({ traces: listTraces(runtime.traces, filter) })
  })
  get('/traces/:id', (_r, p) => {
    const trace = runtime.traces.get(p.id!)
    return trace ? json(traceDetail(trace, runtime.steps())) : json({ error: `no trace "${p.id}" (the store keeps the newest traces only)` }, 404)
  })
  get('/logs', (request) => {
    const filter = logFilterOf(query(request))
    const limit = Number(query(request).get('limit') ?? 500)
    if (typeof filter === 'string') return json({ error: filter }, 400)
    return new Response(logsJson(logs.list(filter, Number.isInteger(limit) && limit > 0 ? limit : 500)), { headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } })
  })
  get('/live', (request) => live.handle(request))
  get('/state', () => listGroups(runtime.state))
  get('/state/:group', (_r, p) => listGroup(runtime.state, p.group!))
  get('/state/:group/:key', (_r, p) => getValue(runtime.state, p.group!, p.key!))
  runtime.http.route({ method: 'PUT', path: `${base}/state/:group/:key`, handler: (request, p) => putValue(runtime.state, p.group!, p.key!, request) })
  runtime.http.route({ method: 'DELETE', path: `${base}/state/:group/:key`, handler: (_r, p) => deleteValue(runtime.state, p.group!, p.key!) })
  get('/streams', () => listStreams(runtime.streams))
  get('/streams/:stream/:group', (_r, p) => listItems(runtime.streams, p.stream!, p.group!))
  get('/queues', () => answering(() => listQueues(runtime.queue, runtime.steps())))
  get('/queues/dead-letters', (request) => answering(() => listDeadLetters(runtime.queue, query(request))))
  runtime.http.route({ method: 'POST', path: `${base}/queues/replay`, handler: (request) => answering(() => replay(runtime.queue, request)) })
  runtime.http.route({ method: 'POST', path: `${base}/queues/purge`, handler: (request) => answering(() => purge(runtime.queue, request)) })

  return () => {
    stopLogs()
    stopLive()
    problems.stop()
    live.close()
  }
}
