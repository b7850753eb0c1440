import { afterEach } from 'bun:test'

/**
 * For a contract suite, inside its `describe`: a function that opens a fresh adapter with
 * `create`; every adapter it opened is closed after each test.
 */
export function closedAfterEach<T extends { close(): Promise<void> }>(create: () => T | Promise<T>): () => Promise<T> {
  let open: T[] = []
  afterEach(async () => {
    await Promise.all(open.map((adapter) => adapter.close()))
    open = []
  })
  return async () => {
    const adapter = await create()
    open.push(adapter)
    return adapter
  }
}
