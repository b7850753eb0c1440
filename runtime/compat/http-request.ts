/**
 * Motia ≥ 1.0.3's http handler shape, `async ({ request, response }) => …`, over our request:
 * `request` is Motia's request object (body, pathParams, queryParams, headers, method,
 * requestBody) and `response` the imperative writer (status, headers, stream.write, close).
 * Both are built only when a handler reads them.
 */
import type { HttpRequest } from '../step/types.ts'
import type { MotiaRequest, ResponseWriter } from './motia-types.ts'

/** Motia's view of `req`: the same data under Motia's names. */
export function motiaRequest(req: HttpRequest): MotiaRequest {
  return {
    body: req.body,
    pathParams: req.params,
    get queryParams() {
      return req.query
    },
    get headers() {
      return req.headers
    },
    method: req.method,
    get requestBody() {
      return req.raw.bodyUsed ? null : req.raw.body
    },
  }
}

/** The response writer of `req`, made on first use; the same one on every later read. */
export function responseWriter(req: HttpRequest): ResponseWriter {
  let writer = writers.get(req)
  if (!writer) writers.set(req, (writer = new Writer()))
  return writer
}

/**
 * The response a handler wrote through `response` (when it returned nothing), else undefined.
 * Chunks written before the handler returned are sent first; later ones stream until `close()`.
 */
export function writtenResponse(req: unknown): Response | undefined {
  return writers.get(req as HttpRequest)?.toResponse()
}

// --- internal ---

const writers = new WeakMap<HttpRequest, Writer>()
const encoder = new TextEncoder()

class Writer implements ResponseWriter {
  #status = 200
  #headers: Record<string, string> = {}
  #pending: Uint8Array[] = []
  #controller?: ReadableStreamDefaultController<Uint8Array>
  #closed = false

  readonly stream = {
    write: (chunk: string | Uint8Array): boolean => {
      if (this.#closed) return false
      const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk
      if (this.#controller) this.#controller.enqueue(bytes)
      else this.#pending.push(bytes)
      return true
    },
  }

  status(code: number): void {
    this.#status = code
  }

  headers(headers: Record<string, string>): void {
    Object.assign(this.#headers, headers)
  }

  close(): void {
    if (this.#closed) return
    this.#closed = true
    this.#controller?.close()
  }

  toResponse(): Response {
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        for (const bytes of this.#pending) controller.enqueue(bytes)
        this.#pending = []
        if (this.#closed) controller.close()
        else this.#controller = controller
      },
    })
    return new Response(body, { status: this.#status, headers: this.#headers })
  }
}
