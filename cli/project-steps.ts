/**
 * Loads a project's steps from the CLI without starting a server (enqueue, build, generate):
 * the config's plugins count, so their trigger types validate as they would in `motia dev`.
 */
import { loadConfig, type ResolvedConfig } from '../runtime/config.ts'
import { findStepFiles, loadSteps, type LoadResult } from '../runtime/discovery/load-steps.ts'
import { moduleLoader } from '../runtime/discovery/module-loader.ts'
import { builtinTriggers } from '../runtime/triggers/index.ts'

export interface ProjectSteps extends LoadResult {
  config: ResolvedConfig
}

export async function loadProjectSteps(root: string): Promise<ProjectSteps> {
  const config = await loadConfig(root, {}, process.env)
  const loaders = [moduleLoader]
  const triggerTypes = new Map([...builtinTriggers, ...config.plugins.flatMap((plugin) => plugin.triggers ?? [])].map((type) => [type.type, type]))
  const result = await loadSteps({ root, files: findStepFiles(root, loaders), loaders, triggerTypes })
  return { ...result, config }
}
