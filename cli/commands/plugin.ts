/** `motia plugin add | list | remove` (the work is in cli/plugins/manage.ts). */
import { defineCommand, jsonOption } from '../command.ts'

export default defineCommand({
  name: 'plugin',
  description: 'add, list and remove plugins (trigger types, hooks, commands)',
  examples: ['motia plugin add mqtt --option url=mqtt://localhost:1883', 'motia plugin list', 'motia plugin remove mqtt'],
  commands: [
    {
      name: 'add',
      description: 'install a plugin and add it to motia.config.ts',
      arguments: [{ name: '<spec>', description: 'first-party name (mqtt, amqp, otel), npm package, .tgz file or ./path' }],
      options: [
        { flags: '-o, --option <key=value|json>', description: 'a plugin option (repeatable), or all of them as a JSON object', parse: (value: string, all: string[] = []) => [...all, value] },
        { flags: '--no-install', description: 'do not install packages (they are there already)' },
      ],
      dir: true,
      examples: [
        'motia plugin add mqtt --option url=mqtt://localhost:1883',
        `motia plugin add otel --option '{"endpoint":"http://localhost:4318"}'`,
        'motia plugin add motia-plugin-webhook',
        'motia plugin add ./plugins/audit.ts',
      ],
      run: async (spec: string, opts) => (await import('../plugins/manage.ts')).add(spec, opts),
    },
    {
      name: 'list',
      description: 'list the configured plugins with their trigger types and hooks',
      options: [jsonOption],
      dir: true,
      examples: ['motia plugin list'],
      run: async (opts) => (await import('../plugins/manage.ts')).list(opts),
    },
    {
      name: 'remove',
      description: 'take a plugin out of motia.config.ts (by its name, package or path)',
      arguments: [{ name: '<name>' }],
      dir: true,
      examples: ['motia plugin remove mqtt'],
      run: async (name: string, opts) => (await import('../plugins/manage.ts')).remove(name, opts),
    },
  ],
})
