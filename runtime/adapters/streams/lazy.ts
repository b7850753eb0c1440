/**
 * A `StreamStore` opened on first use: the embedded default for a project's streams. Most projects
 * have no streams, and a server should not load the store's module, create its table and prepare
 * its statements at start for nothing (docs/performance.md). Every operation waits for the one
 * opening; `close` before any use opens nothing, and a store closed while opening is closed once
 * open. Once open, the store's synchronous half (`immediate`) is this one's too. Not a
 * `BroadcastStore`: it wraps only stores that share nothing across instances.
 */
import { withImmediate, type StreamStore } from './types.ts'
import { openOnFirstUse } from '../open-on-first-use.ts'

export function createLazyStreamStore(open: () => StreamStore | Promise<StreamStore>): StreamStore {
  const lazy = openOnFirstUse('stream store', open)
  const store = lazy.use
  return withImmediate({
    get: (stream, groupId, id) => store().then((s) => s.get(stream, groupId, id)),
    set: (stream, groupId, id, data) => store().then((s) => s.set(stream, groupId, id, data)),
    delete: (stream, groupId, id) => store().then((s) => s.delete(stream, groupId, id)),
    list: (stream, groupId) => store().then((s) => s.list(stream, groupId)),
    listGroups: (stream) => store().then((s) => s.listGroups(stream)),
    close: lazy.close,
  }, () => lazy.opened()?.immediate)
}
