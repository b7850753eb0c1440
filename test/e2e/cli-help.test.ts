/**
 * Every command explains itself: `--help` with examples, `--version`, and one line for a mistake.
 */
import { expect, test } from 'bun:test'
import pkg from '../../package.json' with { type: 'json' }
import { repoRoot } from '../helpers/project.ts'
import { runCli } from '../helpers/cli.ts'

const commands = [
  ['create'], ['templates'], ['dev'], ['start'], ['build'], ['enqueue'],
  ['dlq'], ['dlq', 'list'], ['dlq', 'replay'], ['dlq', 'purge'],
  ['runs'], ['runs', 'list'], ['runs', 'show'], ['runs', 'cancel'], ['runs', 'wake'], ['replay'],
  ['state'], ['state', 'get'], ['state', 'set'], ['state', 'list'],
  ['generate'], ['generate', 'types'], ['generate', 'openapi'], ['generate', 'step'],
]

test.each(commands.map((command) => [command.join(' '), command] as const))('motia %s --help shows usage with examples', async (_name, command) => {
  const result = await runCli([...command, '--help'], repoRoot)
  expect(result.code).toBe(0)
  expect(result.stdout).toContain(`Usage: motia ${command.join(' ')}`)
  expect(result.stdout).toMatch(/Examples?:\n  motia /)
})

test('motia --version prints the package version', async () => {
  const result = await runCli(['--version'], repoRoot)
  expect(result.stdout.trim()).toBe(pkg.version)
})

test('an unknown command is a short error with exit code 1', async () => {
  const result = await runCli(['deploy'], repoRoot)
  expect(result.code).toBe(1)
  expect(result.stderr).toStartWith("error: unknown command 'deploy'")
  expect(result.stderr).not.toContain('    at ')
})
