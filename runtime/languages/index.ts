/**
 * The language layer as the runtime sees it: one lazy loader per registered language. Until a
 * file of a language is loaded, nothing of it is imported or spawned (a TypeScript-only project
 * pays for one regular expression per file); the first file starts the language's worker.
 */
import { join, relative } from 'node:path'
import { scanStepRoots } from '../discovery/load-steps.ts'
import type { Logger, LogLevel } from '../observability/logger.ts'
import type { BundledLanguage } from './bundle.ts'
import { languageExtensions, languages, streamLanguageOf } from './registry.ts'
import type { LanguageDefinition, LanguageLoader } from './types.ts'

export type { BundledLanguage } from './bundle.ts'
export type { LanguageLoader } from './types.ts'

export interface LanguageHostOptions {
  root: string
  logger: Logger
  logLevel: LogLevel
  env: Record<string, string | undefined>
  /** Interpreter commands by language name (motia.config.ts `languages`, or `MOTIA_<NAME>`). */
  commands?: Record<string, readonly string[] | undefined>
  /** Embedded files by language name, in a built executable. */
  bundle?: Record<string, BundledLanguage>
  cancelGraceMs?: number
}

export interface LanguageHost {
  loaders: LanguageLoader[]
  /** In a built executable: the embedded step files, named as in the project. */
  bundledStepFiles(): string[]
  /** Stream definition files of these languages (embedded, or found under the step folders) and how to load one. */
  streams(): { files: string[]; load(file: string): Promise<unknown> }
  reset(): Promise<void>
  close(): Promise<void>
}

export function createLanguageHost(options: LanguageHostOptions): LanguageHost {
  const loaders = languages.map((language) => lazyLoader(language, options))
  const byName = new Map(loaders.map((loader) => [loader.language.name, loader]))
  const bundledFiles = (test: (language: LanguageDefinition) => RegExp) =>
    Object.entries(options.bundle ?? {}).flatMap(([name, bundled]) => {
      const language = byName.get(name)?.language
      return language ? Object.keys(bundled.files).filter((path) => test(language).test(path)).map((path) => join(options.root, path)) : []
    })
  return {
    loaders,
    bundledStepFiles: () => bundledFiles((language) => language.stepFile).sort(),
    streams() {
      const files = options.bundle ? bundledFiles((language) => language.streamFile).sort() : scanStepRoots(options.root, languageExtensions, (path) => streamLanguageOf(path) !== undefined)
      return {
        files,
        load: async (file) => loaders.find((l) => l.language.streamFile.test(file))!.loadStream(file),
      }
    },
    reset: async () => void (await Promise.all(loaders.map((loader) => loader.reset()))),
    close: async () => void (await Promise.all(loaders.map((loader) => loader.close()))),
  }
}

// --- internal ---

/** A loader that imports the language layer and starts the worker on its first file. */
function lazyLoader(language: LanguageDefinition, options: LanguageHostOptions): LanguageLoader {
  let real: Promise<LanguageLoader> | undefined
  let loaded: LanguageLoader | undefined
  const get = () =>
    (real ??= (async () => {
      const { createLanguageLoader } = await import('./loader.ts')
      const bundled = options.bundle?.[language.name]
      let where = { workerRoot: options.root, sdkDir: language.sdkDir, pathFor: undefined as ((file: string) => string) | undefined }
      if (bundled) {
        const { extractLanguage } = await import('./bundle.ts')
        const { projectDir, sdkDir } = extractLanguage(options.root, language.name, bundled)
        where = { workerRoot: projectDir, sdkDir, pathFor: (file) => join(projectDir, relative(options.root, file)) }
      }
      return (loaded = createLanguageLoader({
        language,
        root: options.root,
        ...where,
        cwd: options.root,
        command: options.commands?.[language.name] ?? language.command,
        logger: options.logger,
        logLevel: options.logLevel,
        env: options.env,
        cancelGraceMs: options.cancelGraceMs,
      }))
    })())
  return {
    language,
    accepts: (file) => language.stepFile.test(file),
    load: async (file) => (await get()).load(file),
    loadStream: async (file) => (await get()).loadStream(file),
    // Only a started language has a worker to reset or stop.
    reset: async () => (real ? (await real).reset() : undefined),
    close: async () => (real ? (await real).close() : undefined),
    workerPid: () => loaded?.workerPid(),
  }
}
