/**
 * The in-memory StateAdapter: for unit tests and as the simplest reference implementation.
 * Values are stored as clones, so callers never share objects with the store. Every operation
 * completes synchronously inside its promise, which is what makes `update` atomic here.
 */
import { applyUpdateOps, checkStateAddress } from './ops.ts'
import type { StateAdapter, StateWrite } from './types.ts'

/**
 * @example
 * const runtime = createRuntime({ root, adapters: { state: createMemoryState } })
 */
export function createMemoryState(): StateAdapter {
  const groups = new Map<string, Map<string, unknown>>()

  const groupOf = (group: string) => {
    let entries = groups.get(group)
    if (!entries) groups.set(group, (entries = new Map()))
    return entries
  }
  const write = <T>(group: string, key: string, next: unknown): StateWrite<T> => {
    const entries = groupOf(group)
    const oldValue = entries.get(key) as T | undefined
    if (next === undefined) entries.delete(key)
    else entries.set(key, next)
    if (entries.size === 0) groups.delete(group)
    return { oldValue: copy(oldValue), newValue: copy(next as T | undefined) }
  }

  return {
    async get(group, key) {
      checkStateAddress(group, key)
      return copy(groups.get(group)?.get(key)) as never
    },
    async set(group, key, value) {
      checkStateAddress(group, key)
      return write(group, key, copy(value))
    },
    async update(group, key, ops) {
      checkStateAddress(group, key)
      return write(group, key, applyUpdateOps(groups.get(group)?.get(key), ops))
    },
    async delete(group, key) {
      checkStateAddress(group, key)
      return write(group, key, undefined)
    },
    async list(group) {
      checkStateAddress(group)
      return [...(groups.get(group) ?? [])].map(([key, value]) => ({ key, value: copy(value) })) as never
    },
    async listGroups() {
      return [...groups.keys()]
    },
    async clear(group) {
      checkStateAddress(group)
      const entries = groups.get(group)
      groups.delete(group)
      return [...(entries ?? [])].map(([key, value]) => ({ key, value }))
    },
    async close() {
      groups.clear()
    },
  }
}

// --- internal ---

function copy<T>(value: T): T {
  return value === undefined || value === null || typeof value !== 'object' ? value : structuredClone(value)
}
