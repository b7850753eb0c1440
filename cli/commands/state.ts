/** `motia state get | set | list`: the project's state, read and written straight in its store. */
import { resolve } from 'node:path'
import type { ResolvedAdapters } from '../../runtime/adapters/resolve.ts'
import { defineCommand, jsonOption } from '../command.ts'
import { UsageError } from '../errors.ts'
import { parseJsonArgument, printJson, printTable } from '../output.ts'

interface Common {
  dir: string
  json?: boolean
}

export default defineCommand({
  name: 'state',
  description: 'read and write the project state',
  examples: ['motia state list', 'motia state get orders o1', `motia state set settings theme '"dark"'`],
  commands: [
    {
      name: 'get',
      description: 'print one value as JSON',
      arguments: [{ name: '<group>' }, { name: '<key>' }],
      dir: true,
      examples: ['motia state get orders o1'],
      run: get,
    },
    {
      name: 'set',
      description: 'store a value (state triggers do not fire for it)',
      arguments: [{ name: '<group>' }, { name: '<key>' }, { name: '<json>', description: 'the value as JSON' }],
      options: [{ flags: '--json', description: 'print old and new value as JSON' }],
      dir: true,
      examples: [`motia state set settings theme '"dark"'`],
      run: set,
    },
    {
      name: 'list',
      description: 'list the groups, or the keys and values of one group',
      arguments: [{ name: '[group]' }],
      options: [jsonOption],
      dir: true,
      examples: ['motia state list', 'motia state list orders --json'],
      run: list,
    },
  ],
})

/** `motia state get <group> <key>`: prints the value as JSON. */
async function get(group: string, key: string, opts: Common): Promise<void> {
  const value = await withState(opts.dir, (state) => state.get(group, key))
  if (value === undefined) throw new UsageError(`no value at ${group}/${key}: see motia state list ${group}`)
  printJson(value)
}

/** `motia state set <group> <key> <json>`: stores a value. State triggers do not fire for it. */
async function set(group: string, key: string, text: string, opts: Common): Promise<void> {
  const value = parseJsonArgument('<json>', text)
  const write = await withState(opts.dir, (state) => state.set(group, key, value))
  if (opts.json) return printJson(write)
  process.stdout.write(`${write.oldValue === undefined ? 'created' : 'updated'} ${group}/${key}\n`)
}

/** `motia state list [group]`: the groups, or one group's keys and values. */
async function list(group: string | undefined, opts: Common): Promise<void> {
  await withState(opts.dir, async (state) => {
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

// --- internal ---

async function withState<T>(dir: string, action: (state: ResolvedAdapters['state']) => Promise<T>): Promise<T> {
  const { withProjectAdapters } = await import('../../runtime/project.ts')
  return withProjectAdapters(resolve(dir), ({ state }) => action(state))
}
