/**
 * The handler-facing state API (`ctx.state`) over a `StateAdapter`: every operation is recorded,
 * and every write that changed something is announced with its old and new value (state triggers
 * run on these announcements).
 */
import type { StateAdapter, StateManager, StateWrite } from '../adapters/state/types.ts'
import type { StateChange } from '../types/context.ts'
import { stateChange } from '../triggers/state-change.ts'

/**
 * The handler-facing state API over an adapter. `record` sees every operation; `changed` sees
 * every write that changed something, with old and new values.
 */
export function createStateManager(
  adapter: StateAdapter,
  record: (op: string, group: string, key?: string) => void,
  changed: (change: StateChange) => void,
): StateManager {
  const announce = (group: string, key: string, write: StateWrite) => {
    const event = write.newValue === undefined ? 'deleted' : write.oldValue === undefined ? 'created' : 'updated'
    if (event === 'deleted' && write.oldValue === undefined) return
    changed(stateChange(event, group, key, write.oldValue, write.newValue))
  }
  return {
    async get(group, key) {
      record('get', group, key)
      return adapter.get(group, key)
    },
    async set(group, key, value) {
      record('set', group, key)
      const write = await adapter.set(group, key, value)
      announce(group, key, write)
      return write.newValue as typeof value
    },
    async update(group, key, ops) {
      record('update', group, key)
      const write = await adapter.update(group, key, ops)
      announce(group, key, write)
      return write.newValue as never
    },
    async delete(group, key) {
      record('delete', group, key)
      const write = await adapter.delete(group, key)
      announce(group, key, write)
      return write.oldValue as never
    },
    async list(group) {
      record('list', group)
      return (await adapter.list(group)).map((entry) => entry.value) as never
    },
    async getGroup(group) {
      record('list', group)
      return (await adapter.list(group)).map((entry) => entry.value) as never
    },
    async entries(group) {
      record('entries', group)
      return adapter.list(group)
    },
    async listGroups() {
      record('listGroups', '*')
      return adapter.listGroups()
    },
    async clear(group) {
      record('clear', group)
      for (const entry of await adapter.clear(group)) announce(group, entry.key, { oldValue: entry.value, newValue: undefined })
    },
  }
}
