/**
 * Loads a project's steps from the CLI without starting a server (enqueue, build, generate):
 * the config's plugins count, so their trigger types validate as they would in `motia dev`.
 */
import { loadConfig } from '../runtime/config.ts'
import { type ResolvedConfig } from '../runtime/types/runtime.ts'
import { findStepFiles, loadSteps, type LoadResult } from '../runtime/discovery/load-steps.ts'
import { moduleLoader } from '../runtime/discovery/module-loader.ts'
import { builtinTriggers } from '../runtime/triggers/index.ts'
import { findStreamFiles, loadStreams, type LoadedStream } from '../runtime/streams/definitions.ts'

export interface ProjectSteps extends LoadResult {
  config: ResolvedConfig
  /** The stream definitions (`*.stream.ts`); their problems are in `errors` too. */
  streams: LoadedStream[]
}

export async function loadProjectSteps(root: string): Promise<ProjectSteps> {
  const config = await loadConfig(root, {}, process.env)
  const loaders = [moduleLoader]
  const triggerTypes = new Map([...builtinTriggers, ...config.plugins.flatMap((plugin) => plugin.triggers ?? [])].map((type) => [type.type, type]))
  const streams = await loadStreams(root, findStreamFiles(root), (file) => import(file))
  const result = await loadSteps({ root, files: findStepFiles(root, loaders), loaders, triggerTypes })
  return { ...result, errors: [...streams.errors, ...result.errors], config, streams: streams.streams }
}
