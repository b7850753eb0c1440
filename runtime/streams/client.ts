/**
 * `motia/client`: a small typed client for Motia streams, for browsers, Bun and Node ≥ 22 (any
 * global `WebSocket`). API-compatible with Motia's `@motiadev/stream-client-browser`
 * (`new Stream(url)`, `subscribeGroup`, `subscribeItem`, `addChangeListener`, `onEvent`, `close`),
 * plus authentication, reconnection with backoff and a resync of every subscription on reconnect:
 * a group's state is replaced by the server's snapshot, so a restart loses and duplicates nothing.
 *
 * @example
 * import { Stream } from 'motia/client'
 * const stream = new Stream('ws://localhost:3111', { token })
 * const todos = stream.subscribeGroup('todo', 'inbox')
 * todos.addChangeListener((items) => render(items))
 */
import type { StreamItemOf, Streams } from './types.ts'

export interface StreamOptions {
  /** Sent as the `authToken` query parameter (browsers cannot set headers on a WebSocket). */
  token?: string
  /** Headers for the upgrade request (Bun and Node only; browsers ignore them). */
  headers?: Record<string, string>
  /** Subprotocols offered to the server (Motia's browser client option; tokens may travel here). */
  protocols?: string | string[]
  /** Reconnection after the socket closes; `false` turns it off. Default 250 ms doubling to 5 s. */
  reconnect?: false | { minDelayMs?: number; maxDelayMs?: number }
  /** The WebSocket class to use; the global one by default. */
  WebSocket?: typeof WebSocket
}

/** An error frame: a refused or failed subscription, or a frame the server could not read. */
export interface StreamError {
  code: string
  message: string
}

/** An item of stream `K` as clients get it: typed from `S` (the project's `Streams`, once generated). */
export type StreamItem<K, S = Streams> = K extends keyof S ? StreamItemOf<S[K]> : { id: string } & Record<string, unknown>
/** The names a client may subscribe to: the project's streams once `motia generate types` ran, any string before. */
export type StreamName<S = Streams> = keyof S extends never ? string : keyof S & string
type ItemOf<S, K> = StreamItem<K, S>
type Names<S> = StreamName<S>

interface Frame {
  streamName?: string
  groupId?: string
  id?: string
  subscriptionId?: string
  timestamp: number
  event: { type: string; data?: any; event?: { type: string; data: unknown } }
}

/** A subscription's state and listeners (Motia's `StreamSubscription`). */
export class StreamSubscription<State> {
  protected state: State
  readonly #changeListeners = new Set<(state: State) => void>()
  readonly #eventListeners = new Map<string, Array<(data: any) => void>>()
  readonly #errorListeners = new Set<(error: StreamError) => void>()
  /** @internal */
  onCloseCallback?: () => void

  constructor(
    readonly sub: { streamName: string; groupId: string; id?: string; subscriptionId: string },
    initial: State,
  ) {
    this.state = initial
  }

  getState(): State {
    return this.state
  }

  /** Called with the new state after every change (the sync on (re)join included). */
  addChangeListener(listener: (state: State) => void): void {
    this.#changeListeners.add(listener)
  }

  removeChangeListener(listener: (state: State) => void): void {
    this.#changeListeners.delete(listener)
  }

  /** Called for every ephemeral event of this type (`ctx.streams.<name>.send`). */
  onEvent(type: string, listener: (data: any) => void): void {
    this.#eventListeners.set(type, [...(this.#eventListeners.get(type) ?? []), listener])
  }

  offEvent(type: string, listener: (data: any) => void): void {
    this.#eventListeners.set(type, (this.#eventListeners.get(type) ?? []).filter((l) => l !== listener))
  }

  /** Called when the server refuses or fails this subscription (the reason is in `message`). */
  onError(listener: (error: StreamError) => void): void {
    this.#errorListeners.add(listener)
  }

  close(): void {
    this.onCloseCallback?.()
  }

  /** @internal */
  receive(frame: Frame): void {
    if (frame.event.type === 'error') for (const listener of this.#errorListeners) listener(frame.event.data as StreamError)
    else if (frame.event.type === 'event' && frame.event.event) for (const listener of this.#eventListeners.get(frame.event.event.type) ?? []) listener(frame.event.event.data)
    else if (this.apply(frame)) for (const listener of this.#changeListeners) listener(this.state)
  }

  /** Applies a sync or a change; true when the state changed. */
  protected apply(_frame: Frame): boolean {
    return false
  }
}

/** A group: its items, in the server's order (or by `sortKey`). */
export class StreamGroupSubscription<Item extends { id: string }> extends StreamSubscription<Item[]> {
  #stamps = new Map<string, number>()

  constructor(sub: StreamSubscription<Item[]>['sub'], private readonly sortKey?: keyof Item & string) {
    super(sub, [])
  }

  protected override apply(frame: Frame): boolean {
    const { type, data } = frame.event
    if (type === 'sync') {
      this.#stamps = new Map()
      this.state = this.#sorted(Array.isArray(data) ? data : [])
      return true
    }
    const id = frame.id ?? data?.id
    if (typeof id !== 'string' || (this.#stamps.get(id) ?? 0) >= frame.timestamp) return false
    this.#stamps.set(id, frame.timestamp)
    const without = this.state.filter((item) => item.id !== id)
    if (type === 'delete') this.state = without
    else if (type === 'create' || type === 'update') {
      const at = this.state.findIndex((item) => item.id === id)
      this.state = at === -1 ? this.#sorted([...without, data]) : this.#sorted(this.state.map((item, i) => (i === at ? data : item)))
    } else return false
    return true
  }

  #sorted(items: Item[]): Item[] {
    const key = this.sortKey
    return key ? [...items].sort((a, b) => String(a[key] ?? '').localeCompare(String(b[key] ?? ''))) : items
  }
}

/** One item: its value, or null when it does not exist. */
export class StreamItemSubscription<Item> extends StreamSubscription<Item | null> {
  #stamp = 0

  constructor(sub: StreamSubscription<Item | null>['sub']) {
    super(sub, null)
  }

  protected override apply(frame: Frame): boolean {
    const { type, data } = frame.event
    // As Motia's client: a frame not newer than the last applied (a sync read before a change it already got) is dropped.
    if (frame.timestamp <= this.#stamp) return false
    this.#stamp = frame.timestamp
    if (type === 'sync' || type === 'create' || type === 'update') this.state = (data ?? null) as Item | null
    else if (type === 'delete') this.state = null
    else return false
    return true
  }
}

/** A connection to a Motia server's streams, re-established (and resynced) after it drops. */
export class Stream<S = Streams> {
  #ws?: WebSocket
  #closed = false
  #attempt = 0
  #timer?: ReturnType<typeof setTimeout>
  readonly #subs = new Map<string, StreamSubscription<any>>()
  readonly #errorListeners = new Set<(error: StreamError) => void>()
  readonly #openListeners = new Set<() => void>()

  constructor(
    private readonly url: string,
    private readonly options: StreamOptions = {},
  ) {
    this.#connect()
  }

  subscribeGroup<K extends Names<S>>(streamName: K, groupId: string, sortKey?: keyof ItemOf<S, K> & string): StreamGroupSubscription<ItemOf<S, K> & { id: string }> {
    return this.#subscribe(new StreamGroupSubscription({ streamName, groupId, subscriptionId: newId() }, sortKey as never))
  }

  subscribeItem<K extends Names<S>>(streamName: K, groupId: string, id: string): StreamItemSubscription<ItemOf<S, K>> {
    return this.#subscribe(new StreamItemSubscription({ streamName, groupId, id, subscriptionId: newId() }))
  }

  /** Errors not tied to a subscription (a frame the server could not read). */
  onError(listener: (error: StreamError) => void): void {
    this.#errorListeners.add(listener)
  }

  /** Called every time the socket opens (first connection and each reconnection). */
  onOpen(listener: () => void): void {
    this.#openListeners.add(listener)
  }

  /** Whether the socket is open now. */
  get connected(): boolean {
    return this.#ws?.readyState === 1
  }

  close(): void {
    this.#closed = true
    clearTimeout(this.#timer)
    this.#subs.clear()
    this.#ws?.close()
  }

  #subscribe<T extends StreamSubscription<any>>(subscription: T): T {
    this.#subs.set(subscription.sub.subscriptionId, subscription)
    subscription.onCloseCallback = () => {
      this.#subs.delete(subscription.sub.subscriptionId)
      this.#send({ type: 'leave', data: subscription.sub })
    }
    this.#send({ type: 'join', data: subscription.sub })
    return subscription
  }

  #send(frame: unknown): void {
    if (this.#ws?.readyState === 1) this.#ws.send(JSON.stringify(frame))
  }

  #connect(): void {
    const Socket = this.options.WebSocket ?? globalThis.WebSocket
    let url = this.url
    if (this.options.token) url += `${url.includes('?') ? '&' : '?'}authToken=${encodeURIComponent(this.options.token)}`
    const ws = this.options.headers ? new Socket(url, { protocols: this.options.protocols, headers: this.options.headers } as never) : new Socket(url, this.options.protocols)
    this.#ws = ws
    ws.onopen = () => {
      this.#attempt = 0
      // Every subscription joins again: the sync that answers replaces what the client held.
      for (const sub of this.#subs.values()) this.#send({ type: 'join', data: sub.sub })
      for (const listener of this.#openListeners) listener()
    }
    ws.onmessage = (message) => this.#receive(String(message.data))
    ws.onclose = () => {
      if (this.#ws !== ws || this.#closed || this.options.reconnect === false) return
      const { minDelayMs = 250, maxDelayMs = 5000 } = this.options.reconnect ?? {}
      const delay = Math.min(maxDelayMs, minDelayMs * 2 ** this.#attempt++)
      this.#timer = setTimeout(() => this.#connect(), delay * (0.75 + Math.random() * 0.5))
    }
  }

  #receive(text: string): void {
    let frame: Frame
    try {
      frame = JSON.parse(text)
    } catch {
      return
    }
    if (frame.event?.type === 'error' && !frame.subscriptionId) {
      for (const listener of this.#errorListeners) listener(frame.event.data as StreamError)
      return
    }
    for (const sub of this.#subs.values()) {
      const s = sub.sub
      if (s.streamName !== frame.streamName || s.groupId !== frame.groupId) continue
      if (frame.subscriptionId !== undefined && frame.subscriptionId !== s.subscriptionId) continue
      // A group takes its own sync and every change or event of its items; an item only its own.
      const forGroup = s.id === undefined && (frame.event.type === 'sync' ? frame.id === undefined : true)
      const forItem = s.id !== undefined && frame.id === s.id
      if (forGroup || forItem) sub.receive(frame)
    }
  }
}

// --- internal ---

function newId(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`
}
