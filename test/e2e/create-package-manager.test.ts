/**
 * `motia create` started by npm, pnpm, yarn or bun (as `npm_config_user_agent` tells): the printed
 * next steps, the project's README and its AGENTS.md give that package manager's commands.
 */
import { afterAll, describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { builtinTemplates } from '../../cli/create/templates.ts'
import { makeProject, repoRoot, type TempProject } from '../helpers/project.ts'
import { runCli } from '../helpers/cli.ts'

const workspace: TempProject = makeProject()
afterAll(() => workspace.cleanup())

const managers = [
  { name: 'npm', agent: 'npm/11.6.2 node/v24.0.0 linux x64 workspaces/false', dev: 'npm run dev', test: 'npm test', typecheck: 'npm run typecheck', exec: 'npx motia', install: 'npm install' },
  { name: 'pnpm', agent: 'pnpm/10.18.0 npm/? node/v24.0.0 linux x64', dev: 'pnpm dev', test: 'pnpm test', typecheck: 'pnpm typecheck', exec: 'pnpm exec motia', install: 'pnpm install' },
  { name: 'yarn', agent: 'yarn/1.22.22 npm/? node/v24.0.0 linux x64', dev: 'yarn dev', test: 'yarn test', typecheck: 'yarn typecheck', exec: 'yarn motia', install: 'yarn install' },
  { name: 'bun', agent: 'bun/1.4.5 npm/? node/v24.0.0 linux x64', dev: 'bun run dev', test: 'bun run test', typecheck: 'bun run typecheck', exec: 'bunx motia', install: 'bun install' },
] as const

describe.each(managers.map((m) => [m.name, m] as const))('created by %s', (name, manager) => {
  test('the next steps, README and AGENTS.md give its commands', async () => {
    const result = await runCli(['create', `starter-${name}`, '--cursor', '--no-install'], workspace.root, { npm_config_user_agent: manager.agent })
    expect(result.stderr).toBe('')
    expect(result.stdout).toContain(`Next: cd starter-${name} && ${manager.install} && ${manager.dev}\n`)
    const readme = readFileSync(join(workspace.root, `starter-${name}/README.md`), 'utf8')
    expect(readme).toContain(`${manager.dev}                    # http://localhost:3111`.replace(/ {20}/, ' '.repeat(31 - manager.dev.length)))
    expect(readme).toContain(`\`${manager.test}\` runs`)
    expect(readme).toContain(`\`${manager.typecheck}\` checks the types`)
    const agents = readFileSync(join(workspace.root, `starter-${name}/AGENTS.md`), 'utf8')
    expect(agents).toContain(`\`${manager.dev}\``)
    if (name !== 'npm') {
      expect(readme).not.toMatch(/\bnpm (run|test|start|install)\b|\bnpx /)
      expect(agents).not.toMatch(/\bnpm (run|test|start|install)\b|\bnpx /)
    }
  }, 60_000)
})

test('a README that runs the motia binary gets the runner of the package manager (workflow template, pnpm)', async () => {
  const result = await runCli(['create', 'saga-pnpm', '-t', 'workflow', '--no-install'], workspace.root, { npm_config_user_agent: managers[1].agent })
  expect(result.code).toBe(0)
  const readme = readFileSync(join(workspace.root, 'saga-pnpm/README.md'), 'utf8')
  expect(readme).toContain('pnpm exec motia runs list      # every run')
  expect(readme).not.toContain('npx ')
}, 60_000)

test("every template's README (and AGENTS.md) is written with npm's commands, the ones create translates", () => {
  const files = [...builtinTemplates().map((t) => join(t.dir, 'README.md')), join(repoRoot, 'templates/_cursor/AGENTS.md')]
  const other = files.flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => /\b(bun run|bunx|bun install|pnpm|yarn)\b/.test(line))
      .map((line) => `${file.slice(repoRoot.length + 1)}: ${line.trim()}`),
  )
  expect(other).toEqual([])
})
