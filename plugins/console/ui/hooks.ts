/** Small hooks the pages share. */
import { useCallback, useEffect, useRef, useState } from 'react'
import { api, live, type LiveEvent } from './api.ts'

export function useHash(): [string, (hash: string) => void] {
  const [hash, set] = useState(() => location.hash.slice(1))
  useEffect(() => {
    const on = () => set(location.hash.slice(1))
    addEventListener('hashchange', on)
    return () => removeEventListener('hashchange', on)
  }, [])
  return [hash, (next) => (location.hash = next)]
}

/**
 * Fetches `path` (again when it changes, or when `reload` is called); keeps the last good value
 * while reloading. Never more than one request at a time: a reload asked for while one is out is
 * made once it is back, however often it was asked for, so a slow server is not piled on.
 */
export function useApi<T>(path: string | undefined): { data?: T; error?: string; reload: () => void } {
  const [state, setState] = useState<{ data?: T; error?: string }>({})
  const wanted = useRef(path)
  wanted.current = path
  const busy = useRef(false)
  const again = useRef(false)
  const mounted = useRef(true)
  const load = useCallback(() => {
    const asked = wanted.current
    if (!asked) return
    if (busy.current) {
      again.current = true
      return
    }
    busy.current = true
    const current = () => mounted.current && wanted.current === asked
    api<T>(asked)
      .then(
        (data) => current() && setState({ data }),
        (error: Error) => current() && setState((s) => ({ data: s.data, error: error.message })),
      )
      .finally(() => {
        busy.current = false
        if (again.current && mounted.current) {
          again.current = false
          load()
        }
      })
  }, [])
  useEffect(() => {
    mounted.current = true
    return () => {
      mounted.current = false
    }
  }, [])
  useEffect(load, [path, load])
  return { ...state, reload: load }
}

/** Follows the live stream while the page is shown; `onEvent` may change between renders. */
export function useLive(events: string, onEvent: (event: LiveEvent) => void): boolean {
  const handler = useRef(onEvent)
  handler.current = onEvent
  const [connected, setConnected] = useState(false)
  useEffect(() => live(events, (e) => handler.current(e), setConnected), [events])
  return connected
}

/** Calls `fn` at most once per `ms`, the last call winning. */
export function useThrottled(fn: () => void, ms: number): () => void {
  const ref = useRef(fn)
  ref.current = fn
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  useEffect(() => () => clearTimeout(timer.current), [])
  return useCallback(() => {
    if (timer.current) return
    timer.current = setTimeout(() => {
      timer.current = undefined
      ref.current()
    }, ms)
  }, [ms])
}
