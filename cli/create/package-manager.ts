/**
 * Which package manager a new project is installed and run with. `npx motia create` gets npm,
 * `bunx motia create` gets bun, `pnpm dlx` pnpm, `yarn dlx` yarn: the one that started us says so
 * in `npm_config_user_agent`. Run any other way (a global install, a path), bun when it is on
 * PATH, else npm, so the printed next steps work on a machine that has only Node.
 */

export type PackageManagerName = 'npm' | 'bun' | 'pnpm' | 'yarn'

export interface PackageManager {
  name: PackageManagerName
  /** The command line that installs a project's dependencies, as a person would type it. */
  install: string
  /** `npm run dev`, `pnpm dev`, `yarn dev`, `bun run dev`: a project script, as a person would type it. */
  run(script: string): string
  /** `npx motia …`, `pnpm exec motia …`, `yarn motia …`, `bunx motia …`: a binary of the project. */
  exec(command: string): string
}

export interface PackageManagerProbe {
  /** `npm_config_user_agent` of the command that started us (`npm/11.1.0 node/v22.0.0 …`). */
  userAgent?: string
  /** Finds a command on PATH (Bun.which). */
  which(command: string): string | null
}

export function choosePackageManager(probe: PackageManagerProbe): PackageManager {
  const named = /^(npm|bun|pnpm|yarn)\//.exec(probe.userAgent ?? '')?.[1] as PackageManagerName | undefined
  const name = named ?? (probe.which('bun') ? 'bun' : 'npm')
  return {
    name,
    install: `${name} install`,
    run: (script) => (name === 'pnpm' || name === 'yarn' || (name === 'npm' && (script === 'start' || script === 'test')) ? `${name} ${script}` : `${name} run ${script}`),
    exec: (command) => ({ npm: `npx ${command}`, pnpm: `pnpm exec ${command}`, yarn: `yarn ${command}`, bun: `bunx ${command}` })[name],
  }
}

/**
 * A template's README (or AGENTS.md), written with npm's commands, in `manager`'s: `npm run dev`,
 * `npm test`, `npm start`, `npm install` and `npx motia …` become `pnpm dev`, `bun run test`, ….
 * Commands of npm the registry (`npm pack`, `npm publish`) stay: every manager's project has npm.
 */
export function commandsFor(text: string, manager: PackageManager): string {
  if (manager.name === 'npm') return text
  return text.split('\n').map((line) => keepCommentColumn(line, commandsOfLine(line, manager))).join('\n')
}

// --- internal ---

function commandsOfLine(line: string, manager: PackageManager): string {
  return line
    .replace(/\bnpm run ([\w:-]+)/g, (_, script: string) => manager.run(script))
    .replace(/\bnpm (test|start)\b/g, (_, script: string) => manager.run(script))
    .replace(/\bnpm install\b(?! --save| -D| -g)/g, manager.install)
    .replace(/\bnpx (motia\b)/g, (_, command: string) => manager.exec(command))
}

/** In a shell block, `npm run dev      # note`: the `#` stays in its column when the command changes length. */
function keepCommentColumn(before: string, after: string): string {
  const column = /\s{2,}#/.exec(before)
  const moved = /\s{2,}#/.exec(after)
  if (!column || !moved || after === before) return after
  const hash = column.index + column[0].length - 1
  const code = after.slice(0, moved.index)
  return `${code}${' '.repeat(Math.max(2, hash - code.length))}${after.slice(moved.index + moved[0].length - 1)}`
}
