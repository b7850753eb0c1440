/**
 * The lists this app has. A page names its list when it joins (and presence counts viewers per
 * list), so the names are fixed here: if a client could pick any name, anyone could add presence
 * entries, and todo groups, to the store without bound.
 */
export const lists = ['inbox', 'work', 'home'] as const

export type List = (typeof lists)[number]

export function isList(name: unknown): name is List {
  return (lists as readonly unknown[]).includes(name)
}
