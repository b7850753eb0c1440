/**
 * An adapter opened at its first operation, not at start: most projects use neither streams nor
 * workflows, and a server should not load a store's module, create its tables and prepare its
 * statements for nothing (docs/performance.md). Every operation waits for the one opening; `close`
 * before any use opens nothing, and a store closed while it opens is closed once open. With
 * `retry`, an opening that failed (the disk, say) is tried again at the next use, as a server would
 * at its next start; without it, every use gets that failure.
 *
 * @example
 * const lazy = openOnFirstUse('stream store', () => createSqliteStreamStore(db))
 * const get = (stream, group, id) => lazy.use().then((store) => store.get(stream, group, id))
 */
export function openOnFirstUse<T extends { close(): unknown }>(what: string, open: () => T | Promise<T>, options: { retry?: boolean } = {}): OpenOnFirstUse<T> {
  let opening: Promise<T> | undefined
  let opened: T | undefined
  let closed = false
  const failed = (error: unknown): never => {
    opening = undefined
    throw error
  }
  return {
    use() {
      if (closed) return Promise.reject(new Error(`[motia] the ${what} is closed`))
      return (opening ??= Promise.resolve()
        .then(open)
        .then((store) => (opened = store), options.retry ? failed : undefined))
    },
    opened: () => (closed ? undefined : opened),
    started: () => opening !== undefined,
    async close() {
      if (closed) return
      closed = true
      const store = await opening?.catch(() => undefined)
      await store?.close()
    },
  }
}

export interface OpenOnFirstUse<T> {
  /** The store, opened at the first call. */
  use(): Promise<T>
  /** The store once it is open (and not closed), for a caller that can then skip a turn. */
  opened(): T | undefined
  /** True once an opening began (it may still be running). */
  started(): boolean
  close(): Promise<void>
}
