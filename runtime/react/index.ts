/**
 * `motia/react`: Motia's React hooks and provider (`@motiadev/stream-client-react`'s names) on
 * `motia/client`, typed from the project's streams. React is a peer dependency of `motia`, needed
 * only by projects that import this entry. See docs/streams.md ("React").
 *
 * @example
 * import { MotiaStreamProvider, useStreamGroup } from 'motia/react'
 * function Todos({ list }: { list: string }) {
 *   const { data } = useStreamGroup({ streamName: 'todo', groupId: list, sortKey: 'createdAt' })
 *   return <ul>{data.map((todo) => <li key={todo.id}>{todo.text}</li>)}</ul>
 * }
 * createRoot(root).render(<MotiaStreamProvider><Todos list="inbox" /></MotiaStreamProvider>)
 */
export { Stream, StreamGroupSubscription, StreamItemSubscription, StreamSubscription, type StreamItem, type StreamName, type StreamOptions } from '../streams/client.ts'
export { MotiaStreamContext, MotiaStreamProvider, useMotiaStream, type MotiaStreamContextValue, type MotiaStreamProviderProps } from './provider.ts'
export { useStreamEventHandler, useStreamGroup, useStreamItem, type StreamGroupArgs, type StreamItemArgs } from './hooks.ts'
