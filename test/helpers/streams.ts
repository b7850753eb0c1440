/**
 * Helpers for stream tests: a runtime listening on a free port of 127.0.0.1 with a project's
 * files, and a raw WebSocket client that records every frame it receives.
 */
import { createRuntime, type Runtime } from '../../runtime/runtime.ts'
import type { LogEntry } from '../../runtime/observability/logger.ts'
import { waitFor } from '../../runtime/testing/wait.ts'
import { makeProject, type TempProject } from './project.ts'

export interface ServedProject {
  runtime: Runtime
  project: TempProject
  logs: LogEntry[]
  url: string
  wsUrl: string
  stop(): Promise<void>
}

/** Writes `files`, loads and listens (port 0); `stop` stops and removes the project. */
export async function serveProject(files: Record<string, string>, project = makeProject(files)): Promise<ServedProject> {
  const logs: LogEntry[] = []
  const runtime = await createRuntime({ root: project.root, mode: 'test', logSink: (entry) => logs.push(entry), env: {}, flags: { port: 0, host: '127.0.0.1' } })
  await runtime.load()
  const url = (await runtime.listen()).replace(/\/$/, '')
  let stopped: Promise<void> | undefined
  return {
    runtime,
    project,
    logs,
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    stop: () => (stopped ??= runtime.stop().finally(() => project.cleanup())),
  }
}

export interface Frame {
  streamName?: string
  groupId?: string
  id?: string
  subscriptionId?: string
  timestamp: number
  event: { type: string; data?: any; event?: { type: string; data: unknown } }
}

export interface TestSocket {
  ws: WebSocket
  frames: Frame[]
  closed: Promise<{ code: number; reason: string }>
  send(frame: unknown): void
  join(streamName: string, groupId: string, id?: string, subscriptionId?: string): void
  /** Waits for the `n`-th frame (1-based) matching `match`, and returns it (a generous limit: it waits on frames, not time). */
  next(match: (frame: Frame) => boolean, n?: number, timeoutMs?: number): Promise<Frame>
  close(): void
}

export async function openSocket(url: string, options?: { protocols?: string | string[]; headers?: Record<string, string> }): Promise<TestSocket> {
  const ws = new WebSocket(url, { protocols: options?.protocols, headers: options?.headers } as never)
  const frames: Frame[] = []
  ws.onmessage = (event) => frames.push(JSON.parse(String(event.data)))
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (ws.onclose = (e) => resolve({ code: e.code, reason: e.reason })))
  await new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve()
    ws.onerror = () => reject(new Error(`WebSocket to ${url} failed`))
  })
  let counter = 0
  return {
    ws,
    frames,
    closed,
    send: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    join(streamName, groupId, id, subscriptionId = `s${++counter}`) {
      ws.send(JSON.stringify({ type: 'join', data: { streamName, groupId, ...(id ? { id } : {}), subscriptionId } }))
    },
    async next(match, n = 1, timeoutMs = 30_000) {
      await waitFor(() => frames.filter(match).length >= n, timeoutMs)
      return frames.filter(match)[n - 1]!
    },
    close: () => ws.close(),
  }
}

export const todoStream = `import { z } from 'zod'
export const config = { name: 'todo', schema: z.object({ text: z.string(), done: z.boolean().default(false), n: z.number().optional() }) }
`

/** An http step writing to the todo stream: POST /todo/:group/:id (set), PATCH (update), DELETE, POST /event/:group. */
export const todoSteps: Record<string, string> = {
  'steps/todo-set.step.ts': `export const config = { triggers: [{ type: 'http', method: 'POST', path: '/todo/:group/:id' }] }
export const handler = async (req, { streams }) => {
  try { return { status: 200, body: await streams.todo.set(req.params.group, req.params.id, req.body) } }
  catch (error) { return { status: 400, body: { error: error.message } } }
}`,
  'steps/todo-update.step.ts': `export const config = { triggers: [{ type: 'http', method: 'PATCH', path: '/todo/:group/:id' }] }
export const handler = async (req, { streams }) => ({ status: 200, body: await streams.todo.update(req.params.group, req.params.id, req.body) })`,
  'steps/todo-delete.step.ts': `export const config = { triggers: [{ type: 'http', method: 'DELETE', path: '/todo/:group/:id' }] }
export const handler = async (req, { streams }) => ({ status: 200, body: { old: await streams.todo.delete(req.params.group, req.params.id) } })`,
  'steps/todo-event.step.ts': `export const config = { triggers: [{ type: 'http', method: 'POST', path: '/event/:group' }] }
export const handler = async (req, { streams }) => { await streams.todo.send({ groupId: req.params.group, id: req.body.id }, { type: req.body.type, data: req.body.data }); return { status: 202, body: {} } }`,
}

export async function call(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(base + path, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
  const text = await response.text()
  return { status: response.status, body: text ? JSON.parse(text) : undefined }
}
