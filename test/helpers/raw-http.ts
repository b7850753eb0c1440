/**
 * Raw HTTP/1.1 over a plain TCP connection, for requests `fetch` will not send (unknown methods,
 * broken request lines, malformed paths, odd header bytes, chunked bodies) and for seeing exactly
 * what the server answers, or that it closed or stayed silent.
 */
import { createConnection } from 'node:net'

export interface RawAnswer {
  /** `HTTP/1.1 405 Method Not Allowed`, or '' when no status line came. */
  statusLine: string
  /** The status code, or 0 when no status line came (see `silence`). */
  status: number
  /** Header names lower-cased. */
  headers: Record<string, string>
  body: string
  /** Set when there is no status: the server closed, or nothing came within the timeout. */
  silence?: 'closed' | 'timeout'
}

/**
 * Sends `request` to `port` on 127.0.0.1 and resolves with the answer once it is complete (its
 * Content-Length read, or its last chunk), the server closes, or `timeoutMs` passes.
 */
export function rawRequest(port: number, request: string | Uint8Array, timeoutMs = 5000): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port })
    let received = Buffer.alloc(0)
    let done = false
    const finish = (end: 'complete' | 'closed' | 'timeout') => {
      if (done) return
      done = true
      clearTimeout(timer)
      socket.destroy()
      resolve(parse(received, end))
    }
    const timer = setTimeout(() => finish('timeout'), timeoutMs)
    socket.on('connect', () => socket.write(request))
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk])
      if (isComplete(received)) finish('complete')
    })
    socket.on('close', () => finish('closed'))
    socket.on('error', () => finish('closed'))
  })
}

/** A request with `Connection: close`, so the answer ends the exchange. */
export function requestText(method: string, path: string, headers: Record<string, string> = {}, body = ''): string {
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)]
  if (body && !Object.keys(headers).some((k) => k.toLowerCase() === 'transfer-encoding')) lines.push(`Content-Length: ${Buffer.byteLength(body)}`)
  return `${lines.join('\r\n')}\r\n\r\n${body}`
}

// --- internal ---

const headEnd = (bytes: Buffer) => bytes.indexOf('\r\n\r\n')

function isComplete(bytes: Buffer): boolean {
  const end = headEnd(bytes)
  if (end < 0) return false
  const head = bytes.subarray(0, end).toString('latin1')
  // Content-Length counts bytes, so compare it with bytes, not decoded characters.
  const length = /\r\ncontent-length: *(\d+)/i.exec(head)
  if (length) return bytes.length - end - 4 >= Number(length[1])
  if (/\r\ntransfer-encoding: *chunked/i.test(head)) return bytes.subarray(-5).toString('latin1') === '0\r\n\r\n'
  return false
}

function parse(bytes: Buffer, end: 'complete' | 'closed' | 'timeout'): RawAnswer {
  const split = headEnd(bytes)
  const head = (split < 0 ? bytes : bytes.subarray(0, split)).toString('latin1')
  const [firstLine = '', ...lines] = head.split('\r\n')
  const status = Number(/^HTTP\/\d\.\d (\d{3})/.exec(firstLine)?.[1] ?? 0)
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim()
  }
  const answer: RawAnswer = { statusLine: status ? firstLine : '', status, headers, body: split < 0 ? '' : bytes.subarray(split + 4).toString('utf8') }
  if (!status) answer.silence = end === 'timeout' ? 'timeout' : 'closed'
  return answer
}
