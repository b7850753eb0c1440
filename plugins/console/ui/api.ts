/** The console's client of `/__motia/api/`: the token, JSON calls and the live event stream. */

const tokenKey = 'motia-console-token'

export class AuthError extends Error {}

export function token(): string {
  return localStorage.getItem(tokenKey) ?? ''
}

export function setToken(value: string): void {
  if (value) localStorage.setItem(tokenKey, value)
  else localStorage.removeItem(tokenKey)
}

function headers(extra?: HeadersInit): Headers {
  const h = new Headers(extra)
  if (token()) h.set('x-motia-token', token())
  return h
}

/** Responses the page asked for before this script ran (see build.ts), each used by the first call for its path. */
const early: Record<string, Promise<Response> | undefined> = (globalThis as { __motiaEarly?: Record<string, Promise<Response>> }).__motiaEarly ?? {}

/** Calls the API; a 403 for the token throws `AuthError` (the app then asks for it), other failures an Error with the server's message. */
export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const asked = init.method ? undefined : early[path]
  early[path] = undefined
  // An early answer that refused (asked before the token was given) is asked again.
  const earlyRes = await asked?.catch(() => undefined)
  const res = earlyRes?.ok ? earlyRes : await fetch(`/__motia/api${path}`, { ...init, headers: headers(init.headers) })
  const body = (await res.json().catch(() => ({}))) as T & { error?: string; code?: string }
  // Only a missing token is the reader's to fix here; a refused Host or site is told as it is.
  if (res.status === 403 && (body.code === undefined || body.code === 'TOKEN_REQUIRED')) throw new AuthError(body.error ?? 'forbidden')
  if (!res.ok) throw new Error(body.error ?? `HTTP ${res.status}`)
  return body
}

export const send = <T>(path: string, method: string, body?: unknown) =>
  api<T>(path, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })

export type LiveEvent = { event: 'log'; data: LogEntry } | { event: 'run'; data: RunRecord } | { event: 'stream'; data: StreamChange }

/**
 * Follows `/__motia/api/live` (server-sent events read through fetch, so the token can be sent as
 * a header) and reconnects after 2 s when it drops. Returns the function that stops it.
 */
export function live(events: string, onEvent: (event: LiveEvent) => void, onState?: (connected: boolean) => void): () => void {
  let stopped = false
  let controller: AbortController | undefined
  const connect = async () => {
    while (!stopped) {
      controller = new AbortController()
      try {
        const res = await fetch(`/__motia/api/live?events=${events}`, { headers: headers(), signal: controller.signal })
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`)
        onState?.(true)
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
        let buffer = ''
        for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
          buffer += chunk.value
          let end: number
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end)
            buffer = buffer.slice(end + 2)
            const event = /^event: (.*)$/m.exec(block)?.[1]
            const data = /^data: (.*)$/m.exec(block)?.[1]
            if ((event === 'log' || event === 'run' || event === 'stream') && data) onEvent({ event, data: JSON.parse(data) } as LiveEvent)
          }
        }
      } catch {
        // dropped, refused or stopped: retried below unless stopped
      }
      onState?.(false)
      if (!stopped) await new Promise((r) => setTimeout(r, 2000))
    }
  }
  void connect()
  return () => {
    stopped = true
    controller?.abort()
  }
}

export interface LogEntry {
  time: number
  level: 'debug' | 'info' | 'warn' | 'error'
  msg: string
  traceId?: string
  step?: string
  [field: string]: unknown
}

/** A stream item's change (Motia's wire message): `data` is the item with its `id`. */
export interface StreamChange {
  streamName: string
  groupId: string
  id?: string
  timestamp: number
  event: { type: 'create' | 'update' | 'delete'; data: StreamItem } | { type: 'event'; event: { type: string; data: unknown } }
}

export type StreamItem = { id: string; [field: string]: unknown }

export interface StreamSummary {
  name: string
  groups: Array<{ id: string; count: number }>
}

// The graph and endpoint shapes are the API modules' own; an endpoint's schemas read as JSON Schema here.
export type { FlowGraph, StepNode, StreamNode, TopicNode } from '../api/graph.ts'
export type Endpoint = Omit<import('../api/endpoints.ts').Endpoint, 'bodySchema' | 'responseSchema'> & { bodySchema?: JsonSchema; responseSchema: Record<string, JsonSchema> }

export interface JsonSchema {
  type?: string | string[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  items?: JsonSchema
  enum?: unknown[]
  const?: unknown
  anyOf?: JsonSchema[]
  default?: unknown
  format?: string
  minLength?: number
  maxLength?: number
  pattern?: string
  minItems?: number
  maxItems?: number
  minimum?: number
  maximum?: number
  additionalProperties?: boolean | JsonSchema
}

// The trace shapes are the runtime's own, as `/__motia/api/traces` sends them; a queue span also
// carries `queuedAt`, when its message was enqueued (or its previous attempt ended).
export type { SpanEvent, TraceSummary } from 'motia'
// The shapes the console's own API sends, from the modules that send them.
export type { QueueRow } from '../api/queues.ts'
import type { RunRecord } from '../api/run-stats.ts'
export type { RunRecord }
export type Span = import('motia').Span & { queuedAt?: number }
export type Trace = Omit<import('motia').Trace, 'spans'> & { spans: Span[] }

// Dead letters as a page of `/__motia/api/queues/dead-letters` gives them (data clipped to a preview when long).
export type { DeadLetterSummary } from 'motia'
export interface DeadLetterPage {
  deadLetters: import('motia').DeadLetterSummary[]
  total: number
  next?: string
}
