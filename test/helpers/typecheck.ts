/**
 * Type-checking a temporary project the way a created one is checked: the starter template's
 * compiler options, with the checkout's own `@types`.
 */
import { join } from 'node:path'
import { repoRoot } from './project.ts'

/** A tsconfig.json for a test project. `javascript` also checks `.js` steps (their JSDoc types). */
export function projectTsconfig(options: { include: string[]; javascript?: boolean }): string {
  return JSON.stringify({
    compilerOptions: {
      target: 'ESNext',
      module: 'Preserve',
      moduleResolution: 'bundler',
      types: ['bun'],
      typeRoots: [join(repoRoot, 'node_modules/@types')],
      strict: true,
      skipLibCheck: true,
      noEmit: true,
      allowImportingTsExtensions: true,
      ...(options.javascript ? { allowJs: true, checkJs: true } : {}),
    },
    include: options.include,
  })
}

/** Runs `tsc` on the project at `root` (which has a tsconfig.json): its diagnostics, paths relative to `root`, '' when clean. */
export async function typeCheck(root: string): Promise<string> {
  const tsc = Bun.spawn([join(repoRoot, 'node_modules/.bin/tsc'), '-p', '.'], { cwd: root, stdout: 'pipe', stderr: 'pipe' })
  const [output] = await Promise.all([new Response(tsc.stdout).text(), tsc.exited])
  return output.trim()
}
