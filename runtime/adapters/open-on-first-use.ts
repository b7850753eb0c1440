/**
 * An adapter opened at its first operation, not at start: most projects use neither streams nor
 * workflows, and a server should not load a store's module, create its tables and prepare its
 * statements for nothing (docs/performance.md). Every operation waits for the one opening; `close`
 * before any use opens nothing, and a store closed while it opens is closed once open.
 *
 * @example
 * const lazy = openOnFirstUse('stream store', () => createSqliteStreamStore(db))
 * const get = (stream, group, id) => lazy.use().then((store) => store.get(stream, group, id))
 */
export function openOnFirstUse<T extends { close(): unknown }>(what: string, open: () => T | Promise<T>): { use(): Promise<T>; close(): Promise<void> } {
  let opening: Promise<T> | undefined
  let closed = false
  return {
    use() {
      if (closed) return Promise.reject(new Error(`[motia] the ${what} is closed`))
      return (opening ??= Promise.resolve().then(open))
    },
    async close() {
      if (closed) return
      closed = true
      const opened = await opening?.catch(() => undefined)
      await opened?.close()
    },
  }
}
