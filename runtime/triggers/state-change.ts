/**
 * The state-trigger input, under our field names and Motia's, so conditions and handlers written
 * for either read their data. Built once per state write that changed something.
 */
import type { StateChange } from '../types/context.ts'

/** A `StateChange` for one write: `event/group/key/oldValue/newValue` and `type/group_id/item_id/old_value/new_value`. */
export function stateChange<T>(event: StateChange['event'], group: string, key: string, oldValue: T | undefined, newValue: T | undefined): StateChange<T> {
  return { event, group, key, oldValue, newValue, type: 'state', group_id: group, item_id: key, old_value: oldValue, new_value: newValue }
}
