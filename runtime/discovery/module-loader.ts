import type { AnyHandler, StepConfig } from '../step/types.ts'
import type { StepLoader } from './loaded-step.ts'

/** Loads TypeScript and JavaScript steps in this process: `config` and `handler` exports. */
export const moduleLoader: StepLoader = {
  accepts: (file) => /\.(ts|js|mjs)$/.test(file),
  async load(file) {
    const mod = (await import(file)) as { config?: StepConfig; handler?: AnyHandler }
    const handler = mod.handler
    const language = file.endsWith('.ts') ? 'typescript' : 'javascript'
    if (typeof handler !== 'function') return { config: mod.config, invoke: undefined, language }
    return { config: mod.config, invoke: async (input, ctx) => handler(input, ctx), language }
  },
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
