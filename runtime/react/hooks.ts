/**
 * Motia's React hooks (`@motiadev/stream-client-react`) on `motia/client`: the same names,
 * arguments and answers (`{ data, event }`), typed from the project's streams. Each hook
 * subscribes while its component is mounted and its arguments are complete, and leaves on
 * unmount or when they change; the client resyncs every subscription after a reconnect.
 */
import { useEffect, useRef, useState, type DependencyList } from 'react'
import type { StreamGroupSubscription, StreamItem, StreamItemSubscription, StreamName, StreamSubscription } from '../streams/client.ts'
import { useMotiaStream } from './provider.ts'

export interface StreamGroupArgs<K extends string = StreamName, T = StreamItem<K>> {
  /** A stream of the project (`*.stream.ts`); a tsc error for unknown names once types are generated. */
  streamName: K
  groupId: string
  /** Keeps `data` ordered by this field (compared as strings). */
  sortKey?: keyof T & string
  /** Called with the items after every change, besides the re-render. */
  setData?: (data: T[]) => void
}

export interface StreamItemArgs<K extends string = StreamName> {
  streamName: K
  groupId: string
  /** The item; the hook waits (data null) while it is undefined. */
  id?: string
}

/**
 * A group's items, live: `data` is re-rendered on every create, update and delete in the group.
 * `event` is the subscription, for `useStreamEventHandler`.
 *
 * @example
 * const { data: todos } = useStreamGroup({ streamName: 'todo', groupId: 'inbox', sortKey: 'createdAt' })
 * return <ul>{todos.map((todo) => <li key={todo.id}>{todo.text}</li>)}</ul>
 */
export function useStreamGroup<K extends StreamName>(args?: StreamGroupArgs<K>): { data: Array<StreamItem<K>>; event: StreamGroupSubscription<StreamItem<K>> | null }
/** Motia's form, with the item type given: `useStreamGroup<Todo>({ streamName, groupId })`. */
export function useStreamGroup<T extends { id: string }>(args?: StreamGroupArgs<StreamName, T>): { data: T[]; event: StreamGroupSubscription<T> | null }
export function useStreamGroup(args?: StreamGroupArgs<string, { id: string }>): { data: any[]; event: StreamGroupSubscription<any> | null } {
  const { stream } = useMotiaStream()
  const [data, setData] = useState<Array<{ id: string }>>([])
  const [event, setEvent] = useState<StreamGroupSubscription<{ id: string }> | null>(null)
  const { streamName, groupId, sortKey } = args ?? {}
  // The callback may be a new function each render: it is read when items arrive, not subscribed to.
  const onData = useLatest(args?.setData)
  useEffect(() => {
    if (!stream || !streamName || !groupId) return
    const subscription = (stream as { subscribeGroup(name: string, group: string, sortKey?: string): StreamGroupSubscription<{ id: string }> }).subscribeGroup(streamName, groupId, sortKey)
    subscription.addChangeListener((items) => {
      setData(items)
      onData.current?.(items)
    })
    setEvent(subscription)
    return () => {
      subscription.close()
      setEvent(null)
      setData([])
    }
  }, [stream, streamName, groupId, sortKey])
  return { data, event }
}

/**
 * One item, live: `data` is its value, null while it does not exist (or before the first sync).
 *
 * @example
 * const { data } = useStreamItem({ streamName: 'presence', groupId: 'lists', id: list })
 * return <p>{data?.viewers ?? 0} viewing</p>
 */
export function useStreamItem<K extends StreamName>(args?: StreamItemArgs<K>): { data: StreamItem<K> | null; event: StreamItemSubscription<StreamItem<K>> | null }
/** Motia's form, with the item type given: `useStreamItem<User>({ streamName, groupId, id })`. */
export function useStreamItem<T>(args?: StreamItemArgs): { data: T | null; event: StreamItemSubscription<T> | null }
export function useStreamItem(args?: StreamItemArgs<string>): { data: any; event: StreamItemSubscription<any> | null } {
  const { stream } = useMotiaStream()
  const [data, setData] = useState<unknown>(null)
  const [event, setEvent] = useState<StreamItemSubscription<unknown> | null>(null)
  const { streamName, groupId, id } = args ?? {}
  useEffect(() => {
    if (!stream || !streamName || !groupId || !id) return
    const subscription = (stream as { subscribeItem(name: string, group: string, id: string): StreamItemSubscription<unknown> }).subscribeItem(streamName, groupId, id)
    subscription.addChangeListener(setData)
    setEvent(subscription)
    return () => {
      subscription.close()
      setEvent(null)
      setData(null)
    }
  }, [stream, streamName, groupId, id])
  return { data, event }
}

/**
 * Calls `listener` for every event of `type` sent to a subscription (`ctx.streams.<name>.send`),
 * while mounted. `dependencies` are the listener's, as for `useEffect`.
 *
 * @example
 * const { event } = useStreamGroup({ streamName: 'todo', groupId: 'inbox' })
 * useStreamEventHandler({ event, type: 'typing', listener: (who) => setTyping(who) }, [])
 */
export function useStreamEventHandler<D = any>({ event, type, listener }: { event: StreamSubscription<any> | null; type: string; listener: (data: D) => void }, dependencies: DependencyList = []): void {
  useEffect(() => {
    if (!event) return
    event.onEvent(type, listener)
    return () => event.offEvent(type, listener)
  }, [event, type, ...dependencies])
}

// --- internal ---

function useLatest<T>(value: T): { current: T } {
  const ref = useRef(value)
  useEffect(() => {
    ref.current = value
  })
  return ref
}
