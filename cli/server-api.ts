/**
 * Calls the running server's console API (`/__motia/api/…`) for `motia logs` and `motia traces`:
 * the server is found, with its control token, in the project's `.motia/server.lock`.
 */
import { resolve } from 'node:path'
import { readProjectLock } from '../runtime/project-lock.ts'
import { UsageError } from './errors.ts'

export interface ServerApi {
  url: string
  get<T>(path: string): Promise<T>
  /**
   * Opens a server-sent event stream and calls `onEvent` for each event until the server ends it;
   * `onOpen` runs once the server answered, i.e. once it sends every later event to this stream.
   */
  follow(path: string, onEvent: (event: string, data: unknown) => void, onOpen?: () => void): Promise<void>
}

export function serverApi(dir: string): ServerApi {
  const root = resolve(dir)
  const lock = readProjectLock(root)
  if (!lock?.url) throw new UsageError(`no motia server is running for ${root} (no .motia/server.lock with a url): start one with motia dev`)
  const base = lock.url.replace('0.0.0.0', '127.0.0.1')
  const call = async (path: string) => {
    let res: Response
    try {
      res = await fetch(new URL(`/__motia/api${path}`, base), { headers: { 'x-motia-token': lock.token } })
    } catch (error) {
      throw new UsageError(`the server at ${lock.url} did not answer (${(error as Error).message}); is it still running?`, { cause: error })
    }
    if (res.status === 404) throw new UsageError(`the server at ${lock.url} has no console API: it runs under motia start without the console plugin (see docs/console.md)`)
    if (!res.ok) throw new UsageError(((await res.json().catch(() => ({}))) as { error?: string }).error ?? `the server answered ${res.status}`)
    return res
  }
  return {
    url: lock.url,
    get: async <T>(path: string) => (await (await call(path)).json()) as T,
    async follow(path, onEvent, onOpen) {
      const res = await call(path)
      onOpen?.()
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
      let buffer = ''
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        buffer += chunk.value
        let end: number
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const event = /^event: (.*)$/m.exec(block)?.[1]
          const data = /^data: (.*)$/m.exec(block)?.[1]
          if (event && data) onEvent(event, JSON.parse(data))
        }
      }
    },
  }
}
