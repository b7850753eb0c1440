import { resolve } from 'node:path'
import { withProjectStores } from '../project-store.ts'
import { fail, parseJsonArgument, printJson, printTable } from '../output.ts'

interface Common {
  dir: string
  json?: boolean
}

/** `motia state get <group> <key>`: prints the value as JSON. */
export async function get(group: string, key: string, opts: Common): Promise<void> {
  const value = await withProjectStores(resolve(opts.dir), ({ state }) => state.get(group, key))
  if (value === undefined) fail(`no value at ${group}/${key}: see motia state list ${group}`)
  printJson(value)
}

/** `motia state set <group> <key> <json>`: stores a value. State triggers do not fire for it. */
export async function set(group: string, key: string, text: string, opts: Common): Promise<void> {
  const value = parseJsonArgument('<json>', text)
  const write = await withProjectStores(resolve(opts.dir), ({ state }) => state.set(group, key, value))
  if (opts.json) return printJson(write)
  process.stdout.write(`${write.oldValue === undefined ? 'created' : 'updated'} ${group}/${key}\n`)
}

/** `motia state list [group]`: the groups, or one group's keys and values. */
export async function list(group: string | undefined, opts: Common): Promise<void> {
  await withProjectStores(resolve(opts.dir), async ({ state }) => {
    if (group === undefined) {
      const groups = await state.listGroups()
      if (opts.json) return printJson(groups)
      process.stdout.write(groups.length ? `${groups.join('\n')}\n` : 'no state yet\n')
      return
    }
    const entries = await state.list(group)
    if (opts.json) return printJson(entries)
    if (entries.length === 0) return void process.stdout.write(`no keys in group ${group}\n`)
    printTable(['KEY', 'VALUE'], entries.map((entry) => [entry.key, JSON.stringify(entry.value)]), 100)
  })
}
