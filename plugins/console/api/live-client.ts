/**
 * One live connection's side of the feed: the response body of `GET /__motia/api/live`, written
 * only as fast as the client reads. Bun asks for the next chunk (`pull`) once the socket took the
 * last one, so what a client has not read yet waits here, counted in bytes; past `maxBytes` the
 * client is dropped: what waited is released at once, and a last `closed` event says why (the
 * client reads it if it ever catches up). Chunks are shared between clients, never copied.
 */

export interface LiveClient {
  readonly body: ReadableStream<Uint8Array>
  /** Queues a chunk; drops the client when that puts it over its budget. */
  push(chunk: Uint8Array): void
  /** Ends the stream now, dropping what is queued (the feed closes: the server stops). */
  end(): void
  /** Bytes queued, waiting for the client to read them. */
  waiting(): number
}

export interface LiveClientOptions {
  maxBytes: number
  /** Told once when the client is gone: it left, was dropped (with the reason) or the feed ended. */
  onGone(reason?: string): void
}

export function createLiveClient(options: LiveClientOptions): LiveClient {
  let pending: Uint8Array[] = []
  let next = 0
  let waiting = 0
  let wanting = false
  let closing = false
  let gone = false
  let controller!: ReadableStreamDefaultController<Uint8Array>

  const leave = (reason?: string) => {
    if (gone) return
    gone = true
    options.onGone(reason)
  }
  const give = (chunk: Uint8Array) => {
    try {
      controller.enqueue(chunk)
    } catch {
      leave()
    }
  }
  const finishIfDone = () => {
    if (!closing || next < pending.length) return
    try {
      controller.close()
    } catch {
      // the client went first
    }
  }

  const body = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c
      },
      pull() {
        if (next < pending.length) {
          const chunk = pending[next]!
          pending[next++] = EMPTY
          waiting -= chunk.byteLength
          if (next === pending.length) (pending = []), (next = 0)
          give(chunk)
          finishIfDone()
        } else {
          wanting = true
          finishIfDone()
        }
      },
      cancel: () => {
        pending = []
        next = waiting = 0
        leave()
      },
    },
    // No queue of the stream's own: a chunk is handed over only when Bun asks for it.
    new ByteLengthQueuingStrategy({ highWaterMark: 0 }),
  )

  return {
    body,
    push(chunk) {
      if (gone || closing) return
      if (wanting) {
        wanting = false
        give(chunk)
        return
      }
      // A client that has read everything takes any chunk: only one that lags behind is dropped.
      if (waiting > 0 && waiting + chunk.byteLength > options.maxBytes) {
        const reason = `this client read too slowly: more than ${options.maxBytes} bytes were waiting for it; reconnect to follow again`
        // What waited is let go now; only the reason stays, for a client that catches up.
        pending = [encoder.encode(`event: closed\ndata: ${JSON.stringify({ reason })}\n\n`)]
        next = 0
        waiting = pending[0]!.byteLength
        closing = true
        leave(reason)
        return
      }
      pending.push(chunk)
      waiting += chunk.byteLength
    },
    end() {
      pending = []
      next = waiting = 0
      closing = true
      leave()
      finishIfDone()
    },
    waiting: () => waiting,
  }
}

// --- internal ---

const encoder = new TextEncoder()
const EMPTY = new Uint8Array(0)
