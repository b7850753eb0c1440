import { describe, expect, test } from 'bun:test'
import { Command } from 'commander'
import { addCommand, defineCommand, listenOptions, runPlain, type CommandDefinition } from './command.ts'
import { UsageError } from './errors.ts'

/** A command shaped like `motia start`, plus a boolean and a dashed option; `run` records what it got. */
function serverLike(seen: unknown[]): CommandDefinition {
  return defineCommand({
    name: 'serve',
    description: 'a server',
    options: [...listenOptions('0.0.0.0'), { flags: '--json', description: 'print JSON' }, { flags: '--log-level <level>', description: 'level', default: 'info' }],
    dir: true,
    examples: ['motia serve'],
    async run(opts: unknown) {
      seen.push(opts)
      return 0
    },
  })
}

/** What commander hands the same definition for `args`. */
async function throughCommander(args: string[]): Promise<unknown> {
  const seen: unknown[] = []
  const program = new Command('motia').option('--debug').exitOverride()
  addCommand(program, serverLike(seen), () => {})
  await program.parseAsync(['node', 'motia', 'serve', ...args])
  return seen[0]
}

async function plainly(args: string[]): Promise<unknown> {
  const seen: unknown[] = []
  const run = runPlain(serverLike(seen), args)
  if (!run) return 'commander'
  expect(await run).toBe(0)
  return seen[0]
}

describe('a command run without commander', () => {
  test('gets the options commander would give it, defaults included', async () => {
    for (const args of [[], ['--port', '3000'], ['--port=3000'], ['-p', '3000', '-H', '::1'], ['--host', 'box.lan', '--json'], ['--debug', '-d', '.'], ['--log-level', 'warn'], ['--log-level=debug', '--port', '0']]) {
      expect(await plainly(args)).toEqual(await throughCommander(args))
    }
    expect(await plainly(['-p', '3000'])).toEqual({ port: 3000, dir: '.', logLevel: 'info' })
  })

  test('leaves help, arguments, unknown, repeated and value-less options to commander', async () => {
    for (const args of [['--help'], ['-h'], ['extra'], ['--port'], ['--port', '-1'], ['--port', '1', '--port', '2'], ['--unknown'], ['--json=yes'], ['-p3000'], ['--', '--port', '1']]) {
      expect(await plainly(args)).toBe('commander')
    }
  })

  test('leaves groups and commands with arguments to commander', () => {
    const run = async () => {}
    expect(runPlain(defineCommand({ name: 'g', description: '', examples: [], commands: [] }), [])).toBeUndefined()
    expect(runPlain(defineCommand({ name: 'c', description: '', examples: [], arguments: [{ name: '[name]' }], run }), [])).toBeUndefined()
  })

  test('refuses a bad value and a missing project folder as commander does', () => {
    expect(() => runPlain(serverLike([]), ['--port', 'abc'])).toThrow(new UsageError('--port must be a number from 0 to 65535, got "abc"'))
    expect(() => runPlain(serverLike([]), ['--dir', '/no/such/folder'])).toThrow(UsageError)
  })
})
