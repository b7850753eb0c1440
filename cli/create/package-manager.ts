/**
 * Which package manager a new project is installed and run with. `npx motia create` gets npm,
 * `bunx motia create` gets bun: the one that started us says so in `npm_config_user_agent`. Run
 * any other way (a global install, a path), bun when it is on PATH, else npm, so the printed next
 * steps work on a machine that has only Node.
 */

export type PackageManagerName = 'npm' | 'bun' | 'pnpm' | 'yarn'

export interface PackageManager {
  name: PackageManagerName
  /** The command line that installs a project's dependencies, as a person would type it. */
  install: string
  /** `npm run dev`, `bun run dev`, …: a project script, as a person would type it. */
  run(script: string): string
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
  return { name, install: `${name} install`, run: (script) => `${name} run ${script}` }
}
