/**
 * Raw HTTP/1.1 over a socket, for requests `fetch` will not send (unknown methods, malformed
 * paths, chunked bodies) and for seeing exactly what the server answers, or that it closed.
 */
export interface RawAnswer {
  /** `HTTP/1.1 405 Method Not Allowed`, or '' when the server closed without answering. */
  statusLine: string
  status: number
  headers: Record<string, string>
  body: string
}

/** Sends `text` to `port` on 127.0.0.1 and reads until the server closes or answers in full. */
export async function rawRequest(port: number, text: string | Uint8Array, timeoutMs = 5000): Promise<RawAnswer> {
  let received = ''
  let settle!: () => void
  const done = new Promise<void>((resolve) => (settle = resolve))
  const socket = await Bun.connect({
    hostname: '127.0.0.1',
    port,
    socket: {
      data(_socket, chunk) {
        received += new TextDecoder().decode(chunk)
        if (isComplete(received)) settle()
      },
      close: () => settle(),
      end: () => settle(),
      error: () => settle(),
    },
  })
  socket.write(text)
  const timer = setTimeout(settle, timeoutMs)
  await done
  clearTimeout(timer)
  socket.end()
  return parse(received)
}

/** A request with `Connection: close`, so the answer ends the exchange. */
export function requestText(method: string, path: string, headers: Record<string, string> = {}, body = ''): string {
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)]
  if (body && !Object.keys(headers).some((k) => k.toLowerCase() === 'transfer-encoding')) lines.push(`Content-Length: ${Buffer.byteLength(body)}`)
  return `${lines.join('\r\n')}\r\n\r\n${body}`
}

// --- internal ---

function isComplete(text: string): boolean {
  const end = text.indexOf('\r\n\r\n')
  if (end < 0) return false
  const length = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, end))
  return length ? text.length - end - 4 >= Number(length[1]) : false
}

function parse(text: string): RawAnswer {
  const end = text.indexOf('\r\n\r\n')
  const head = end < 0 ? text : text.slice(0, end)
  const [statusLine = '', ...lines] = head.split('\r\n')
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim()
  }
  return { statusLine, status: Number(statusLine.split(' ')[1] ?? 0), headers, body: end < 0 ? '' : text.slice(end + 4) }
}
