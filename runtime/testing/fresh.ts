import { afterEach } from 'bun:test'

/**
 * For a contract suite, inside its `describe`: a function that opens a fresh adapter with
 * `create`; every adapter it opened is closed after each test.
 */
export function closedAfterEach<T extends { close(): Promise<void> }, A extends unknown[] = []>(create: (...args: A) => T | Promise<T>): (...args: A) => Promise<T> {
  let open: T[] = []
  afterEach(async () => {
    await Promise.all(open.map((adapter) => adapter.close()))
    open = []
  })
  return async (...args) => {
    const adapter = await create(...args)
    open.push(adapter)
    return adapter
  }
}
