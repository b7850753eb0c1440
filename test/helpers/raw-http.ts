/**
 * Sends bytes that `fetch` refuses to send (unknown methods, broken request lines, odd header
 * bytes) over a plain TCP connection and reads the status line of the answer, if any.
 */
import { createConnection } from 'node:net'

export interface RawAnswer {
  /** The status code, or undefined when the server closed (or stayed silent) without one. */
  status?: number
  /** Status line and headers as received (latin1), '' when none. */
  head: string
  /** Why there is no status: the server closed, or nothing came within the timeout. */
  silence?: 'closed' | 'timeout'
}

/** Writes `bytes` to host:port and resolves with the answer's status line and headers. */
export function sendRaw(port: number, bytes: Uint8Array, timeoutMs = 1000, host = '127.0.0.1'): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port })
    let received = ''
    let done = false
    const finish = (silence?: RawAnswer['silence']) => {
      if (done) return
      done = true
      clearTimeout(timer)
      socket.destroy()
      const head = received.split('\r\n\r\n')[0] ?? ''
      const status = /^HTTP\/\d\.\d (\d{3})/.exec(head)?.[1]
      resolve(status ? { status: Number(status), head } : { head, silence: silence ?? 'closed' })
    }
    const timer = setTimeout(() => finish('timeout'), timeoutMs)
    socket.on('connect', () => socket.write(bytes))
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1')
      if (received.includes('\r\n\r\n')) finish()
    })
    socket.on('close', () => finish('closed'))
    socket.on('error', () => finish('closed'))
  })
}
