/** `motia generate types | openapi | step` (the work is in cli/generate/generate.ts). */
import { defineCommand } from '../command.ts'

export default defineCommand({
  name: 'generate',
  description: 'generate types, an OpenAPI document or a new step',
  examples: ['motia generate types', 'motia generate openapi -o docs/openapi.json', 'motia generate step -n SendWelcome -t queue --topic user-created'],
  commands: [
    {
      name: 'types',
      description: "write types.d.ts so enqueue checks data against each topic's input schemas (motia dev keeps it current)",
      options: [{ flags: '-o, --out <file>', description: 'output file, relative to the project folder', default: 'types.d.ts' }],
      dir: true,
      examples: ['motia generate types', 'motia generate types -d services/api'],
      run: async (opts) => (await import('../generate/generate.ts')).types(opts),
    },
    {
      name: 'openapi',
      description: 'write an OpenAPI 3.1 document of the http steps',
      options: [
        { flags: '-o, --out <file>', description: 'output file, relative to the project folder', default: 'openapi.json' },
        { flags: '--title <title>', description: 'API title (default: the package name)' },
      ],
      dir: true,
      examples: ['motia generate openapi', 'motia generate openapi -o docs/api.json --title "Orders API"'],
      run: async (opts) => (await import('../generate/generate.ts')).openapi(opts),
    },
    {
      name: 'step',
      description: 'write a new step file where the folder conventions put it',
      options: [
        { flags: '-n, --name <Name>', description: 'step name in PascalCase' },
        { flags: '-t, --trigger <kind>', description: 'http, queue, cron or state' },
        { flags: '-l, --language <ts|js>', description: 'TypeScript or JavaScript (default: ts when the project has a tsconfig.json)' },
        { flags: '--method <method>', description: 'http: GET, POST, PUT, PATCH or DELETE (default GET)' },
        { flags: '--path <path>', description: 'http: route, e.g. /users/:id (default /<name-in-kebab-case>)' },
        { flags: '--topic <topic>', description: 'queue: topic to subscribe to' },
        { flags: '--cron <expression>', description: 'cron: schedule, e.g. "0 * * * *"' },
      ],
      dir: true,
      examples: [
        'motia generate step',
        'motia generate step -n CreateUser -t http --method POST --path /users',
        'motia generate step -n SendWelcome -t queue --topic user-created',
        'motia generate step -n NightlyReport -t cron --cron "0 2 * * *" -l js',
      ],
      run: async (opts) => (await import('../generate/generate.ts')).step(opts),
    },
  ],
})
