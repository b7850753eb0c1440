/**
 * `/__motia/api/state`: groups, the keys of a group, and get/put/delete of one value. Writes go
 * straight to the state adapter, as `motia state set` does: state triggers do not fire for them.
 */
import type { StateAdapter } from 'motia'
import { json, readJson } from './respond.ts'

export async function listGroups(state: StateAdapter): Promise<Response> {
  const names = (await state.listGroups()).sort()
  const groups = await Promise.all(names.map(async (name) => ({ name, count: (await state.list(name)).length })))
  return json({ groups })
}

export async function listGroup(state: StateAdapter, group: string): Promise<Response> {
  const items = (await state.list(group)).sort((a, b) => a.key.localeCompare(b.key))
  return json({ group, items })
}

export async function getValue(state: StateAdapter, group: string, key: string): Promise<Response> {
  const value = await state.get(group, key)
  return value === undefined ? json({ error: `no key "${key}" in state group "${group}"` }, 404) : json({ group, key, value })
}

/** The body is the value itself, as JSON. */
export async function putValue(state: StateAdapter, group: string, key: string, request: Request): Promise<Response> {
  const body = await readJson(request)
  if (typeof body === 'string') return json({ error: `state ${group}/${key}: ${body}, e.g. {"name":"Ada"} or "text" or 42` }, 400)
  const write = await state.set(group, key, body.value)
  return json({ group, key, oldValue: write.oldValue ?? null, value: write.newValue })
}

export async function deleteValue(state: StateAdapter, group: string, key: string): Promise<Response> {
  const write = await state.delete(group, key)
  return write.oldValue === undefined ? json({ error: `no key "${key}" in state group "${group}"` }, 404) : json({ group, key, oldValue: write.oldValue })
}
