/**
 * Installs packages into a project with the package manager its lockfile names (npm when none).
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { UsageError } from '../errors.ts'

export type PackageManager = 'bun' | 'npm' | 'pnpm' | 'yarn'

export function detectPackageManager(root: string): PackageManager {
  if (existsSync(join(root, 'bun.lock')) || existsSync(join(root, 'bun.lockb'))) return 'bun'
  if (existsSync(join(root, 'pnpm-lock.yaml'))) return 'pnpm'
  if (existsSync(join(root, 'yarn.lock'))) return 'yarn'
  return 'npm'
}

/** The files an install changes, to put back when `add` fails. */
export const installFiles = ['package.json', 'package-lock.json', 'bun.lock', 'bun.lockb', 'pnpm-lock.yaml', 'yarn.lock']

export async function installPackages(root: string, manager: PackageManager, specs: string[]): Promise<void> {
  const command =
    manager === 'bun'
      ? [process.execPath, 'add', ...specs]
      : manager === 'npm'
        ? ['npm', 'install', '--no-audit', '--no-fund', ...specs]
        : [manager, 'add', ...specs]
  let proc
  try {
    proc = Bun.spawn(command, { cwd: root, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe', env: { ...process.env, BUN_BE_BUN: '1' } })
  } catch (error) {
    throw new UsageError(`[motia] could not run ${manager}: ${(error as Error).message}; install ${specs.join(' ')} yourself and run motia plugin add again`)
  }
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
  if (code !== 0) {
    const lines = `${err}\n${out}`.split('\n').map((l) => l.trim()).filter(Boolean)
    const reason = lines.find((l) => /err/i.test(l)) ?? lines[0] ?? `exit code ${code}`
    throw new UsageError(`[motia] ${manager} could not install ${specs.join(' ')}: ${reason}`)
  }
}
