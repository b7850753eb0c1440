/**
 * Loads a project's steps from the CLI without starting a server (enqueue, build, generate):
 * the config's plugins count, so their trigger types validate as they would in `motia dev`.
 * Steps in other languages (Python) are loaded by their worker, which is stopped before this
 * returns: the configs are all these commands read.
 */
import { loadConfig, type ResolvedConfig } from '../runtime/config.ts'
import { findStepFiles, loadSteps, type LoadResult } from '../runtime/discovery/load-steps.ts'
import { moduleLoader } from '../runtime/discovery/module-loader.ts'
import { createLanguageHost } from '../runtime/languages/index.ts'
import { createLogger } from '../runtime/observability/logger.ts'
import { builtinTriggers } from '../runtime/triggers/index.ts'
import { findStreamFiles, loadStreams, type LoadedStream } from '../runtime/streams/definitions.ts'

export interface ProjectSteps extends LoadResult {
  config: ResolvedConfig
  /** The stream definitions (`*.stream.ts`, `*_stream.py`); their problems are in `errors` too. */
  streams: LoadedStream[]
}

export async function loadProjectSteps(root: string): Promise<ProjectSteps> {
  const config = await loadConfig(root, {}, process.env)
  const warnings: string[] = []
  const logger = createLogger((entry) => warnings.push(entry.msg), { level: 'warn' })
  const languages = createLanguageHost({ root, logger, logLevel: 'warn', env: process.env, commands: config.languages })
  try {
    const loaders = [...languages.loaders, moduleLoader]
    const triggerTypes = new Map([...builtinTriggers, ...config.plugins.flatMap((plugin) => plugin.triggers ?? [])].map((type) => [type.type, type]))
    const other = languages.streams()
    const others = new Set(other.files)
    const streams = await loadStreams(root, [...findStreamFiles(root), ...other.files], (file) => (others.has(file) ? other.load(file) : import(file)))
    const result = await loadSteps({ root, files: findStepFiles(root, loaders), loaders, triggerTypes })
    return { ...result, warnings: [...result.warnings, ...warnings], errors: [...streams.errors, ...result.errors], config, streams: streams.streams }
  } finally {
    await languages.close()
  }
}
