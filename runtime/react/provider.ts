/**
 * The stream connection React components share: `MotiaStreamProvider` opens one `Stream`
 * (`motia/client`) for its subtree and closes it on unmount; `useMotiaStream` hands it out.
 * Written with `createElement` rather than JSX so projects type-check it without a `jsx` setting.
 */
import { createContext, createElement, useContext, useEffect, useMemo, useState, type ReactNode } from 'react'
import { Stream, type StreamOptions } from '../streams/client.ts'

export interface MotiaStreamProviderProps {
  /** The server's WebSocket address. Default: the page's own server (`ws(s)://<host>/`). */
  address?: string
  /** WebSocket subprotocols, as in Motia (`['Authorization', token]` carries a token). */
  protocols?: string | string[]
  /** Sent as the `authToken` query parameter, read by `authenticateStream`. */
  token?: string
  /** Reconnection after the socket closes; see `StreamOptions`. */
  reconnect?: StreamOptions['reconnect']
  children?: ReactNode
}

/** What `useMotiaStream` answers: the provider's connection, null before it opened (first render). */
export interface MotiaStreamContextValue {
  stream: Stream | null
}

export const MotiaStreamContext = createContext<MotiaStreamContextValue>({ stream: null })

/**
 * Connects its subtree to a Motia server's streams (Motia's `MotiaStreamProvider`).
 *
 * @example
 * createRoot(el).render(createElement(MotiaStreamProvider, null, createElement(App)))
 * // or, with JSX: <MotiaStreamProvider address="ws://localhost:3111"><App /></MotiaStreamProvider>
 */
export function MotiaStreamProvider({ address, protocols, token, reconnect, children }: MotiaStreamProviderProps) {
  const [stream, setStream] = useState<Stream | null>(null)
  // An array literal for `protocols` is a new value each render: the connection depends on its content.
  const protocolKey = protocols === undefined ? '' : JSON.stringify(protocols)
  useEffect(() => {
    const opened = new Stream(address ?? pageAddress(), { protocols, token, reconnect })
    setStream(opened)
    return () => opened.close()
  }, [address, protocolKey, token, JSON.stringify(reconnect)])
  const value = useMemo(() => ({ stream }), [stream])
  return createElement(MotiaStreamContext.Provider, { value }, children)
}

/** The provider's connection (`{ stream }`, null until it opened). */
export function useMotiaStream(): MotiaStreamContextValue {
  return useContext(MotiaStreamContext)
}

// --- internal ---

function pageAddress(): string {
  const location = (globalThis as { location?: { protocol: string; host: string } }).location
  if (!location) throw new Error('[motia] MotiaStreamProvider needs an address outside a browser page, e.g. address="ws://localhost:3111"')
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/`
}
