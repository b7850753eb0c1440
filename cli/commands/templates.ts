import { builtinTemplates } from '../create/templates.ts'
import { printJson, printTable } from '../output.ts'

/** `motia templates`: the built-in templates, one line each. */
export async function templates(opts: { json?: boolean }): Promise<void> {
  const list = builtinTemplates().map(({ name, language, description }) => ({ name, language, description }))
  if (opts.json) return printJson(list)
  printTable(['TEMPLATE', 'LANGUAGE', 'DESCRIPTION'], list.map((t) => [t.name, t.language, t.description]), 100)
  process.stdout.write('\nUse: motia create my-app -t <template>   (or -t gh:owner/repo/path for a remote one)\n')
}
