// Type tests for motia/react before a project's types are generated (checked by `tsc --noEmit`,
// never run): any stream name, items typed as Motia's client types them, and Motia's form with an
// explicit item type. The typing from generated streams is in test/types/typed-configs.test.ts.
import { useStreamEventHandler, useStreamGroup, useStreamItem, type StreamGroupSubscription } from './index.ts'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
function assertType<T extends true>(): T | undefined {
  return undefined
}

type Todo = { id: string; text: string; done: boolean }

export function Untyped() {
  const { data, event } = useStreamGroup({ streamName: 'anything', groupId: 'g' })
  assertType<Equal<typeof data, Array<{ id: string } & Record<string, unknown>>>>()
  useStreamEventHandler({ event, type: 'typing', listener: (who: string) => who.length }, [])
  return data.map((item) => item.id)
}

export function Explicit() {
  const { data, event } = useStreamGroup<Todo>({ streamName: 'todo', groupId: 'g', sortKey: 'text' })
  assertType<Equal<typeof data, Todo[]>>()
  assertType<Equal<typeof event, StreamGroupSubscription<Todo> | null>>()
  // @ts-expect-error: a sort key the item does not have
  useStreamGroup<Todo>({ streamName: 'todo', groupId: 'g', sortKey: 'nope' })
  const { data: one } = useStreamItem<Todo>({ streamName: 'todo', groupId: 'g', id: 'a' })
  assertType<Equal<typeof one, Todo | null>>()
  // Arguments may be missing while they load: the hook waits.
  const { data: none } = useStreamItem<Todo>(undefined)
  return [one?.done, none]
}
