import type { AnyHandler, StepConfig } from '../step/types.ts'
import type { StepLoader } from './loaded-step.ts'
import { invokerOf, noteModuleContextUse } from '../compat/module-context.ts'

/** What a TypeScript or JavaScript step file exports. */
export interface StepModule {
  config?: StepConfig
  handler?: AnyHandler
  /** `export default step(config, handler)` (Motia's builder) is read as the two named exports. */
  default?: { config?: StepConfig; handler?: AnyHandler }
}

/** Loads TypeScript and JavaScript steps in this process: `config` and `handler` exports. */
export const moduleLoader: StepLoader = {
  accepts: (file) => /\.(ts|js|mjs)$/.test(file),
  load: async (file) => {
    noteModuleContextUse(file)
    return fromModule(file, (await import(file)) as StepModule)
  },
}

/**
 * A loader over modules imported ahead of time (compiled executables import every step
 * statically, so nothing is read from disk at run time). Keys are absolute file paths.
 */
export function staticLoader(modules: ReadonlyMap<string, StepModule>): StepLoader {
  return {
    accepts: (file) => modules.has(file),
    load: async (file) => fromModule(file, modules.get(file) as StepModule),
  }
}

/**
 * Forgets every module of the project (not node_modules) so the next import runs them again.
 * Bun shares this cache between ESM and CJS.
 */
export function forgetProjectModules(root: string): number {
  let count = 0
  for (const id of Object.keys(require.cache)) {
    if (id.startsWith(root) && !id.includes('/node_modules/')) {
      delete require.cache[id]
      count++
    }
  }
  return count
}

// --- internal ---

function fromModule(file: string, exported: StepModule): Awaited<ReturnType<StepLoader['load']>> {
  const mod = exported.config === undefined && exported.handler === undefined && exported.default ? exported.default : exported
  const handler = mod.handler
  const language = file.endsWith('.ts') ? 'typescript' : 'javascript'
  if (typeof handler !== 'function') return { config: mod.config, invoke: undefined, language }
  // Not async: the runtime awaits the result inside its try, so a sync throw is caught there too.
  return { config: mod.config, invoke: invokerOf(handler), language }
}
