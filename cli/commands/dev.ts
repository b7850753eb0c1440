import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { LoadedStep } from '../../runtime/discovery/loaded-step.ts'
import { watchProject } from '../../runtime/watch.ts'
import { generateTypes, typesFile } from '../generate/types.ts'
import { serve } from '../serve.ts'

/** `motia dev`: serve with hot reload; in a TypeScript project, keep types.d.ts current. */
export async function dev(opts: { port?: number; host?: string; dir: string }): Promise<void> {
  const root = resolve(opts.dir)
  const runtime = await serve({ root, mode: 'dev', port: opts.port, host: opts.host })
  if (existsSync(join(root, 'tsconfig.json'))) {
    const refresh = (steps: readonly LoadedStep[]) => writeIfChanged(join(root, typesFile), generateTypes(root, steps))
    refresh(runtime.steps())
    runtime.on('steps:loaded', refresh)
  }
  watchProject(runtime)
}

// --- internal ---

function writeIfChanged(file: string, content: string): void {
  if (existsSync(file) && readFileSync(file, 'utf8') === content) return
  writeFileSync(file, content)
}
