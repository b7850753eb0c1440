/**
 * Type-checking a temporary project the way a created one is checked: the starter template's
 * compiler options, with the checkout's own `@types`.
 */
import { rmSync } from 'node:fs'
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

/**
 * Runs `tsc -p project ...extraArgs` in `root` (a tsconfig.json there by default): its
 * diagnostics, paths relative to `root`, '' when clean. Every project imports the same runtime
 * sources, so the runs of one test process share a tsc build cache (`--incremental`): after the first, tsc re-checks only what
 * changed, which halves a check on a loaded machine. The runs go one at a time (one cache file,
 * and two compilers at once only slow each other on two cores).
 */
export function typeCheck(root: string, project = '.', extraArgs: string[] = []): Promise<string> {
  const run = queue.then(() => runTsc(root, ['-p', project, ...extraArgs]))
  queue = run.catch(() => undefined)
  return run
}

// --- internal ---

// Under scripts/test.ts a worker runs one test process at a time, so its processes share one cache
// (removed with the runner's scratch folder); alone, a process keeps its own.
const worker = process.env.MOTIA_TEST_WORKER
const cacheFile = worker ? join(repoRoot, '.tmp', 'test-runner', `tsc-cache-worker-${worker}.tsbuildinfo`) : join(repoRoot, '.tmp', `tsc-cache-${process.pid}.tsbuildinfo`)
if (!worker) process.once('exit', () => rmSync(cacheFile, { force: true }))
let queue: Promise<unknown> = Promise.resolve()

// Projects resolve `motia`'s types from types/ (package.json `exports`): brought up to date once
// per test process, so that a test never checks against declarations older than the runtime.
let typesReady: Promise<void> | undefined

function ensureTypes(): Promise<void> {
  typesReady ??= (async () => {
    const build = Bun.spawn(['node', join(repoRoot, 'scripts/build-types.mjs')], { cwd: repoRoot, stdout: 'pipe', stderr: 'pipe' })
    const [stderr, code] = await Promise.all([new Response(build.stderr).text(), build.exited])
    if (code !== 0) throw new Error(`scripts/build-types.mjs failed:\n${stderr}`)
  })()
  return typesReady
}

async function runTsc(root: string, args: string[]): Promise<string> {
  await ensureTypes()
  const tsc = Bun.spawn([join(repoRoot, 'node_modules/.bin/tsc'), ...args, '--incremental', '--tsBuildInfoFile', cacheFile], { cwd: root, stdout: 'pipe', stderr: 'pipe' })
  const [stdout, stderr, code] = await Promise.all([new Response(tsc.stdout).text(), new Response(tsc.stderr).text(), tsc.exited])
  const output = `${stdout}${stderr}`.trim()
  return output || (code === 0 ? '' : `tsc exited with ${code}`)
}
