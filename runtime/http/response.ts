/**
 * Turns what an http handler returns (`{ status, headers, body }`) into a `Response`: JSON by
 * default, text and binary as they are, and server-sent events when `body` is an async iterable.
 */
import type { HttpResponse, ServerSentEvent } from '../types/context.ts'

/** Builds the response; `traceId` is echoed in `x-trace-id`. */
export function toResponse(output: HttpResponse | Response | undefined, traceId: string, onStreamError: (error: unknown) => void): Response {
  if (output instanceof Response) {
    output.headers.set('x-trace-id', traceId)
    return output
  }
  if (output === undefined || output === null) return new Response(null, { status: 204, headers: { 'x-trace-id': traceId } })
  if (output.headers === undefined && isPlainJson(output.body)) {
    // The common answer. Setting the one header on the built response is cheaper than an init
    // object, and a 200 needs no init at all.
    const response = output.status === undefined || output.status === 200 ? Response.json(output.body) : Response.json(output.body, { status: output.status })
    response.headers.set('x-trace-id', traceId)
    return response
  }
  const headers: Record<string, string> = output.headers ? { 'x-trace-id': traceId, ...lowerKeys(output.headers) } : { 'x-trace-id': traceId }
  const body = output.body
  const status = output.status ?? 200
  if (body === undefined || body === null) return new Response(null, { status, headers })
  if (isAsyncIterable(body)) {
    headers['content-type'] ??= 'text/event-stream'
    headers['cache-control'] ??= 'no-cache'
    headers.connection ??= 'keep-alive'
    return new Response(eventStream(body, onStreamError), { status, headers })
  }
  if (typeof body === 'string') {
    headers['content-type'] ??= 'text/plain; charset=utf-8'
    return new Response(body, { status, headers })
  }
  if (body instanceof Uint8Array || body instanceof ArrayBuffer || body instanceof Blob || body instanceof ReadableStream) {
    return new Response(body as BodyInit, { status, headers })
  }
  // Response.json sets the content type natively, one header fewer to build per response.
  if (headers['content-type'] === undefined) return Response.json(body, { status, headers })
  return new Response(JSON.stringify(body), { status, headers })
}

/** A JSON response with the right content type. */
export function json(body: unknown, status = 200, headers?: Record<string, string>): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } })
}

/** Formats one server-sent event. Strings are sent as they are; other data as JSON. */
export function formatEvent(item: ServerSentEvent | string): string {
  if (typeof item === 'string') return `data: ${item.replace(/\n/g, '\ndata: ')}\n\n`
  let out = ''
  if (item.event) out += `event: ${item.event}\n`
  if (item.id) out += `id: ${item.id}\n`
  if (item.retry !== undefined) out += `retry: ${item.retry}\n`
  const data = typeof item.data === 'string' ? item.data : JSON.stringify(item.data)
  return `${out}data: ${data.replace(/\n/g, '\ndata: ')}\n\n`
}

/** A body that is sent as server-sent events. */
export function isAsyncIterable(value: unknown): value is AsyncIterable<ServerSentEvent | string> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value
}

// --- internal ---

function eventStream(source: AsyncIterable<ServerSentEvent | string>, onError: (error: unknown) => void): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  const iterator = source[Symbol.asyncIterator]()
  return new ReadableStream({
    async pull(controller) {
      try {
        const { value, done } = await iterator.next()
        if (done) controller.close()
        else controller.enqueue(encoder.encode(formatEvent(value)))
      } catch (error) {
        controller.enqueue(encoder.encode(formatEvent({ event: 'error', data: { error: 'stream failed' } })))
        controller.close()
        onError(error)
      }
    },
    async cancel() {
      await iterator.return?.()
    },
  })
}

/** An object or array that is not a stream, bytes or an iterator: what goes out as JSON. */
function isPlainJson(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false
  const proto = Object.getPrototypeOf(body)
  return proto === Object.prototype || proto === Array.prototype || proto === null
}

function lowerKeys(headers: Record<string, string> | undefined): Record<string, string> {
  if (!headers) return {}
  const out: Record<string, string> = {}
  for (const key in headers) out[key.toLowerCase()] = headers[key]!
  return out
}
