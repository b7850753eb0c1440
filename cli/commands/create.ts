/** `motia create [name]` (the work is in cli/create/create.ts). */
import { defineCommand } from '../command.ts'

export default defineCommand({
  name: 'create',
  description: 'create a project from a built-in or remote template',
  arguments: [{ name: '[name]', description: 'project (and package) name; "." for the current folder' }],
  options: [
    { flags: '-t, --template <name|source>', description: 'built-in template (see motia templates) or gh:owner/repo/path, gitlab:…, https://….tar.gz' },
    { flags: '--cursor', description: 'add .cursor/rules and AGENTS.md that teach AI editors this framework' },
    { flags: '--install', description: 'install dependencies (the default)' },
    { flags: '--no-install', description: 'do not install dependencies' },
    { flags: '-f, --force', description: 'write into a folder that is not empty' },
  ],
  examples: ['motia create my-app', 'motia create my-app -t starter-js --no-install', 'motia create . -t flow --cursor', 'motia create api -t gh:acme/motia-templates/billing'],
  run: async (name: string | undefined, opts) => (await import('../create/create.ts')).create(name, opts),
})
