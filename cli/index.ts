#!/usr/bin/env bun
/**
 * The `motia` command. Subcommands load lazily; this is the only file that exits the process.
 * User mistakes print one line and exit 1; the stack shows only with --debug.
 */
import { statSync } from 'node:fs'
import { resolve } from 'node:path'
import { Command } from 'commander'
import pkg from '../package.json' with { type: 'json' }
import { MotiaError } from '../runtime/errors.ts'
import { fail } from './output.ts'

const program = new Command('motia')
  .description('Backend framework where APIs, jobs, queues, cron and state are all Steps')
  .version(pkg.version, '-v, --version')
  .option('--debug', 'print stack traces of internal errors')
  .showHelpAfterError('(run with --help for usage)')
  // Every command with --dir works on an existing project: a typo must not create a new folder.
  .hook('preAction', (_program, command) => {
    const dir = (command.opts() as { dir?: unknown }).dir
    if (typeof dir === 'string') checkProjectDir(dir)
  })

program
  .command('create')
  .description('create a project from a built-in or remote template')
  .argument('[name]', 'project (and package) name; "." for the current folder')
  .option('-t, --template <name|source>', 'built-in template (see motia templates) or gh:owner/repo/path, gitlab:…, https://….tar.gz')
  .option('--cursor', 'add .cursor/rules and AGENTS.md that teach AI editors this framework')
  .option('--install', 'install dependencies (the default)')
  .option('--no-install', 'do not install dependencies')
  .option('-f, --force', 'write into a folder that is not empty')
  .addHelpText(
    'after',
    '\nExamples:\n  motia create my-app\n  motia create my-app -t starter-js --no-install\n  motia create . -t flow --cursor\n  motia create api -t gh:acme/motia-templates/billing\n',
  )
  .action(async (name, opts) => (await import('./commands/create.ts')).create(name, opts))

program
  .command('templates')
  .description('list the built-in templates')
  .option('--json', 'print JSON')
  .addHelpText('after', '\nExample:\n  motia templates\n')
  .action(async (opts) => (await import('./commands/templates.ts')).templates(opts))

program
  .command('dev')
  .description('run the project with hot reload')
  .option('-p, --port <port>', 'port to listen on (default 3111, or $PORT)', parsePort)
  .option('-H, --host <host>', 'interface to bind (default 127.0.0.1, or $HOST; 0.0.0.0 exposes it)')
  .option('-d, --dir <dir>', 'project folder', '.')
  .addHelpText('after', '\nExamples:\n  motia dev\n  motia dev -p 4000\n')
  .action(async (opts) => (await import('./commands/dev.ts')).dev(opts))

program
  .command('start')
  .description('run the project in production (no watcher)')
  .option('-p, --port <port>', 'port to listen on (default 3111, or $PORT)', parsePort)
  .option('-H, --host <host>', 'interface to bind (default 0.0.0.0, or $HOST)')
  .option('-d, --dir <dir>', 'project folder', '.')
  .addHelpText('after', '\nExamples:\n  motia start\n  PORT=8080 motia start\n')
  .action(async (opts) => (await import('./commands/start.ts')).start(opts))

program
  .command('enqueue')
  .description('enqueue a message: through the running server, or straight into the project store')
  .requiredOption('-t, --topic <topic>', 'topic to enqueue on')
  .requiredOption('--data <json>', 'message data as JSON')
  .option('-g, --group <id>', 'messageGroupId (fifo queues)')
  .option('--delay <ms>', 'deliver after this many milliseconds', parseCount('--delay'))
  .option('--id <id>', 'idempotency key: running the command again with the same id within a day enqueues nothing more')
  .option('-d, --dir <dir>', 'project folder', '.')
  .option('--json', 'print the result as JSON')
  .addHelpText('after', `\nExamples:\n  motia enqueue --topic order-placed --data '{"id":"o1","item":"book","quantity":1}'\n  motia enqueue -t reminders --data '{"user":7}' --delay 60000\n  motia enqueue -t order-placed --data '{"id":"o1"}' --id order-o1   # safe to run again\n`)
  .action(async (opts) => (await import('./commands/enqueue.ts')).enqueue(opts))

program
  .command('build')
  .description('compile the project into one executable (and write motia.lock.json)')
  .option('-d, --dir <dir>', 'project folder', '.')
  .option('-o, --outfile <file>', 'where to write the executable (default dist/<project-name>)')
  .option('--target <target>', "bun's compile target, e.g. bun-linux-x64 or bun-linux-arm64 (default: this machine)")
  .option('--minify', 'minify the bundled code')
  .option('--sourcemap', 'embed a source map so stack traces point into your steps')
  .addHelpText('after', '\nExamples:\n  motia build\n  motia build --outfile dist/api --minify\n  PORT=8080 ./dist/my-app\n')
  .action(async (opts) => (await import('./commands/build.ts')).build(opts))

const generate = program
  .command('generate')
  .description('generate types, an OpenAPI document or a new step')
  .addHelpText('after', '\nExamples:\n  motia generate types\n  motia generate openapi -o docs/openapi.json\n  motia generate step -n SendWelcome -t queue --topic user-created\n')
generate
  .command('types')
  .description('write types.d.ts so enqueue checks data against each topic\'s input schemas (motia dev keeps it current)')
  .option('-d, --dir <dir>', 'project folder', '.')
  .option('-o, --out <file>', 'output file, relative to the project folder', 'types.d.ts')
  .addHelpText('after', '\nExamples:\n  motia generate types\n  motia generate types -d services/api\n')
  .action(async (opts) => (await import('./commands/generate.ts')).types(opts))
generate
  .command('openapi')
  .description('write an OpenAPI 3.1 document of the http steps')
  .option('-d, --dir <dir>', 'project folder', '.')
  .option('-o, --out <file>', 'output file, relative to the project folder', 'openapi.json')
  .option('--title <title>', 'API title (default: the package name)')
  .addHelpText('after', '\nExamples:\n  motia generate openapi\n  motia generate openapi -o docs/api.json --title "Orders API"\n')
  .action(async (opts) => (await import('./commands/generate.ts')).openapi(opts))
generate
  .command('step')
  .description('write a new step file where the folder conventions put it')
  .option('-d, --dir <dir>', 'project folder', '.')
  .option('-n, --name <Name>', 'step name in PascalCase')
  .option('-t, --trigger <kind>', 'http, queue, cron or state')
  .option('-l, --language <ts|js>', 'TypeScript or JavaScript (default: ts when the project has a tsconfig.json)')
  .option('--method <method>', 'http: GET, POST, PUT, PATCH or DELETE (default GET)')
  .option('--path <path>', 'http: route, e.g. /users/:id (default /<name-in-kebab-case>)')
  .option('--topic <topic>', 'queue: topic to subscribe to')
  .option('--cron <expression>', 'cron: schedule, e.g. "0 * * * *"')
  .addHelpText(
    'after',
    '\nExamples:\n  motia generate step\n  motia generate step -n CreateUser -t http --method POST --path /users\n  motia generate step -n SendWelcome -t queue --topic user-created\n  motia generate step -n NightlyReport -t cron --cron "0 2 * * *" -l js\n',
  )
  .action(async (opts) => (await import('./commands/generate.ts')).step(opts))

const plugin = program
  .command('plugin')
  .description('add, list and remove plugins (trigger types, hooks, commands)')
  .addHelpText('after', '\nExamples:\n  motia plugin add mqtt --option url=mqtt://localhost:1883\n  motia plugin list\n  motia plugin remove mqtt\n')
plugin
  .command('add')
  .description('install a plugin and add it to motia.config.ts')
  .argument('<spec>', 'first-party name (mqtt, amqp, otel), npm package, .tgz file or ./path')
  .option('-o, --option <key=value|json>', 'a plugin option (repeatable), or all of them as a JSON object', (value: string, all: string[] = []) => [...all, value])
  .option('--no-install', 'do not install packages (they are there already)')
  .option('-d, --dir <dir>', 'project folder', '.')
  .addHelpText(
    'after',
    `\nExamples:\n  motia plugin add mqtt --option url=mqtt://localhost:1883\n  motia plugin add otel --option '{"endpoint":"http://localhost:4318"}'\n  motia plugin add motia-plugin-webhook\n  motia plugin add ./plugins/audit.ts\n`,
  )
  .action(async (spec, opts) => (await import('./commands/plugin.ts')).add(spec, opts))
plugin
  .command('list')
  .description('list the configured plugins with their trigger types and hooks')
  .option('-d, --dir <dir>', 'project folder', '.')
  .option('--json', 'print JSON')
  .addHelpText('after', '\nExample:\n  motia plugin list\n')
  .action(async (opts) => (await import('./commands/plugin.ts')).list(opts))
plugin
  .command('remove')
  .description('take a plugin out of motia.config.ts (by its name, package or path)')
  .argument('<name>')
  .option('-d, --dir <dir>', 'project folder', '.')
  .addHelpText('after', '\nExample:\n  motia plugin remove mqtt\n')
  .action(async (name, opts) => (await import('./commands/plugin.ts')).remove(name, opts))

const dlq = program
  .command('dlq')
  .description('inspect and replay dead-lettered messages')
  .addHelpText('after', '\nExamples:\n  motia dlq list\n  motia dlq replay --all\n  motia dlq purge --step SendEmail\n')
dlq
  .command('list')
  .description('list dead letters with their error, attempts and trace id')
  .option('-s, --step <step>', 'only this step')
  .option('-t, --topic <topic>', 'only this topic')
  .option('-d, --dir <dir>', 'project folder', '.')
  .option('--json', 'print JSON')
  .addHelpText('after', '\nExamples:\n  motia dlq list\n  motia dlq list --step SendEmail --json\n')
  .action(async (opts) => (await import('./commands/dlq.ts')).list(opts))
dlq
  .command('replay')
  .description('put dead letters back in their queue with a fresh attempt count')
  .argument('[ids...]', 'dead letter ids (see motia dlq list)')
  .option('-a, --all', 'replay every dead letter')
  .option('-d, --dir <dir>', 'project folder', '.')
  .option('--json', 'print JSON')
  .addHelpText('after', '\nExamples:\n  motia dlq replay m42 m43\n  motia dlq replay --all\n')
  .action(async (ids, opts) => (await import('./commands/dlq.ts')).replay(ids, opts))
dlq
  .command('purge')
  .description('delete dead letters for good')
  .option('-s, --step <step>', 'only this step')
  .option('-d, --dir <dir>', 'project folder', '.')
  .option('--json', 'print JSON')
  .addHelpText('after', '\nExamples:\n  motia dlq purge\n  motia dlq purge --step SendEmail\n')
  .action(async (opts) => (await import('./commands/dlq.ts')).purge(opts))

program
  .command('logs')
  .description('print the running server\'s recent log lines; --follow for new ones as they come')
  .option('-f, --follow', 'keep printing new lines')
  .option('--trace <id>', 'only lines of this trace')
  .option('-s, --step <step>', 'only lines of this step')
  .option('-l, --level <level>', 'this level and above: debug, info, warn, error')
  .option('-d, --dir <dir>', 'project folder', '.')
  .option('--json', 'print one JSON object a line')
  .addHelpText('after', '\nExamples:\n  motia logs --follow\n  motia logs --trace 67ae80a6f73be7d616d5000000000001\n  motia logs -s SendEmail -l warn\n')
  .action(async (opts) => (await import('./commands/logs.ts')).logs(opts))

program
  .command('traces')
  .description('list the running server\'s recent traces, newest first')
  .option('-s, --step <step>', 'only traces in which this step ran')
  .option('--failed', 'only failed traces')
  .option('-n, --limit <n>', 'how many (default 50)', parseCount('--limit'))
  .option('-d, --dir <dir>', 'project folder', '.')
  .option('--json', 'print JSON')
  .addHelpText('after', '\nExamples:\n  motia traces\n  motia traces --step SendEmail --failed\n')
  .action(async (opts) => (await import('./commands/traces.ts')).traces(opts))

const state = program
  .command('state')
  .description('read and write the project state')
  .addHelpText('after', '\nExamples:\n  motia state list\n  motia state get orders o1\n  motia state set settings theme \'"dark"\'\n')
state
  .command('get')
  .description('print one value as JSON')
  .argument('<group>')
  .argument('<key>')
  .option('-d, --dir <dir>', 'project folder', '.')
  .addHelpText('after', '\nExample:\n  motia state get orders o1\n')
  .action(async (group, key, opts) => (await import('./commands/state.ts')).get(group, key, opts))
state
  .command('set')
  .description('store a value (state triggers do not fire for it)')
  .argument('<group>')
  .argument('<key>')
  .argument('<json>', 'the value as JSON')
  .option('-d, --dir <dir>', 'project folder', '.')
  .option('--json', 'print old and new value as JSON')
  .addHelpText('after', `\nExample:\n  motia state set settings theme '"dark"'\n`)
  .action(async (group, key, value, opts) => (await import('./commands/state.ts')).set(group, key, value, opts))
state
  .command('list')
  .description('list the groups, or the keys and values of one group')
  .argument('[group]')
  .option('-d, --dir <dir>', 'project folder', '.')
  .option('--json', 'print JSON')
  .addHelpText('after', '\nExamples:\n  motia state list\n  motia state list orders --json\n')
  .action(async (group, opts) => (await import('./commands/state.ts')).list(group, opts))

try {
  // A first argument that is no built-in command may be one a configured plugin adds.
  const first = process.argv[2]
  if (first && !first.startsWith('-') && first !== 'help' && !program.commands.some((c) => c.name() === first)) {
    await (await import('./plugins/commands.ts')).addPluginCommands(program, process.cwd())
  }
  await program.parseAsync(process.argv)
} catch (error) {
  const debug = process.argv.includes('--debug')
  if (error instanceof MotiaError && !debug) fail(error.message)
  else if (debug) {
    console.error(error)
    process.exit(1)
  } else fail(`internal error: ${error instanceof Error ? error.message : String(error)} (run with --debug for the stack)`)
}

function checkProjectDir(dir: string): void {
  const path = resolve(dir)
  let stats
  try {
    stats = statSync(path)
  } catch {
    fail(`--dir ${dir}: no such folder (${path}); pass the folder of your project (the one with steps/ and package.json)`)
  }
  if (!stats.isDirectory()) fail(`--dir ${dir}: ${path} is a file, not a folder; pass the folder of your project`)
}

function parsePort(value: string): number {
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a number from 0 to 65535, got "${value}"`)
  return port
}

function parseCount(flag: string) {
  return (value: string): number => {
    const n = Number(value)
    if (!Number.isInteger(n) || n < 0) fail(`${flag} must be a whole number of milliseconds, got "${value}"`)
    return n
  }
}
