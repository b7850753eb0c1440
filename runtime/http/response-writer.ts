/**
 * Motia ≥ 1.0.3's http handler shape, `async ({ request, response }) => …`, over our request:
 * `request` is Motia's request object (body, pathParams, queryParams, headers, method,
 * requestBody) and `response` the imperative writer (status, headers, stream.write, close).
 * Both are built only when a handler reads them.
 */
import type { HttpRequest, MotiaRequest, ResponseWriter } from '../types/context.ts'

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
  if (!writer) writers.set(req, (writer = new Writer(() => commits.get(req)?.(writer!.toResponse()))))
  return writer
}

/**
 * The answer of a handler that is still running: the response its writer starts streaming (on the
 * first `stream.write` or `close`), so a handler can push server-sent events before it returns;
 * otherwise what `settle` makes of its output once it returns. Used only for handlers whose
 * promise was pending, so a handler that answers at once pays nothing for it.
 */
export function answerWhenWritten<T>(req: HttpRequest, pending: PromiseLike<unknown>, settle: (output: unknown) => T | Promise<T>, failed: (error: unknown) => T | Promise<T>): Promise<T | Response> {
  return new Promise<T | Response>((resolve) => {
    let answered = false
    const commit = (response: Response) => {
      answered = true
      resolve(response)
    }
    // The handler runs synchronously up to its first await: it may have written already.
    const writer = writers.get(req)
    if (writer?.committed) commit(writer.toResponse())
    else commits.set(req, commit)
    pending.then(
      (output) => {
        commits.delete(req)
        const settled = settle(output)
        if (!answered) resolve(settled)
      },
      (error) => {
        commits.delete(req)
        // The stream was sent already: end it, so the client is not left waiting.
        if (answered) writers.get(req)?.close()
        const settled = failed(error)
        if (!answered) resolve(settled)
      },
    )
  })
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
/** Who answers a still-running handler's request once its writer commits (see answerWhenWritten). */
const commits = new WeakMap<HttpRequest, (response: Response) => void>()
const encoder = new TextEncoder()

class Writer implements ResponseWriter {
  #status = 200
  #headers: Record<string, string> = {}
  #pending: Uint8Array[] = []
  #controller?: ReadableStreamDefaultController<Uint8Array>
  #closed = false
  #response?: Response
  #committed = false

  /** Whether the response started (a chunk was written, or it was closed). */
  get committed(): boolean {
    return this.#committed
  }

  constructor(private readonly commit: () => void) {}

  readonly stream = {
    write: (chunk: string | Uint8Array): boolean => {
      if (this.#closed) return false
      this.#commit()
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
    this.#commit()
    this.#controller?.close()
  }

  #commit(): void {
    if (this.#committed) return
    this.#committed = true
    this.commit()
  }

  /** The response, made once: status and headers are fixed from then on. */
  toResponse(): Response {
    if (this.#response) return this.#response
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        for (const bytes of this.#pending) controller.enqueue(bytes)
        this.#pending = []
        if (this.#closed) controller.close()
        else this.#controller = controller
      },
    })
    return (this.#response = new Response(body, { status: this.#status, headers: this.#headers }))
  }
}
