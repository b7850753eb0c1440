/** `motia templates`: the built-in templates, one line each. */
import { defineCommand, jsonOption } from '../command.ts'
import { builtinTemplates } from '../create/templates.ts'
import { printJson, printTable } from '../output.ts'

export default defineCommand({
  name: 'templates',
  description: 'list the built-in templates',
  options: [jsonOption],
  examples: ['motia templates'],
  async run(opts: { json?: boolean }) {
    const list = builtinTemplates().map(({ name, language, description }) => ({ name, language, description }))
    if (opts.json) return printJson(list)
    printTable(['TEMPLATE', 'LANGUAGE', 'DESCRIPTION'], list.map((t) => [t.name, t.language, t.description]), 100)
    process.stdout.write('\nUse: motia create my-app -t <template>   (or -t gh:owner/repo/path for a remote one)\n')
  },
})
