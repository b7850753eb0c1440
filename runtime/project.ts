/**
 * A project as read from its folder: the config, the plugins, the trigger types they add, the step
 * loaders, and then the step and stream files. `createRuntime` (motia dev, motia start, compiled
 * executables, tests) and the CLI's commands that read a project without serving it (build,
 * generate, enqueue, state, dlq) go through these same functions, so they refuse the same
 * mistakes with the same messages.
 *
 * Seam: `loaders` is where steps of other languages come in (runtime/languages/): a `StepLoader`
 * that accepts their files is tried before the TypeScript/JavaScript one.
 */
import { existsSync } from 'node:fs'
import { dirname, relative, resolve } from 'node:path'
import { ConfigError, MotiaError } from './errors.ts'
import { resolveAdapters, usesEmbeddedStore, type ResolvedAdapters } from './adapters/resolve.ts'
import { defaultDatabasePath } from './adapters/sqlite/path.ts'
import { loadConfig } from './config.ts'
import { isStepFile, loadSteps, scanStepFiles, scanStepRoots, type LoadResult } from './discovery/load-steps.ts'
import { lookAlikeHints } from './discovery/look-alikes.ts'
import type { LoadedStep, StepLoader } from './discovery/loaded-step.ts'
import { createLanguageHost, type BundledLanguage, type LanguageHost } from './languages/index.ts'
import { createLogger, type Logger } from './observability/logger.ts'
import { moduleLoader, staticLoader, type StepModule } from './discovery/module-loader.ts'
import { contextExtender } from './plugin-host.ts'
import { collectTriggerTypes } from './registry.ts'
import { isStreamFile, loadStreams, type LoadedStream, type StreamLoadResult } from './streams/definitions.ts'
import { builtinTriggers } from './triggers/index.ts'
import type { FlowContext } from './types/context.ts'
import type { MotiaConfig, MotiaPlugin, MotiaRuntime, ResolvedConfig, TriggerType } from './types/runtime.ts'

export interface ProjectOptions {
  root: string
  /** Decides the default host; the CLI's commands that do not serve leave it out. */
  mode?: MotiaRuntime['mode']
  /** CLI flags that win over config and environment. */
  flags?: { port?: number; host?: string; logFormat?: 'json' | 'pretty' }
  env?: Record<string, string | undefined>
  /** Extra loaders tried before the built-in ones (the registered languages', then TypeScript/JavaScript). */
  loaders?: StepLoader[]
  /**
   * Step modules imported ahead of time, by path relative to `root`, and the project's config:
   * compiled executables pass them so that no file is scanned or imported at run time.
   */
  bundle?: { modules: Record<string, StepModule>; config?: MotiaConfig; languages?: Record<string, BundledLanguage>; /** Files embedded in the executable (their `/$bunfs/root/…` paths). */ files?: readonly string[]; /** `public/` scripts bundled by `motia build` (path under the folder → code). */ scripts?: Readonly<Record<string, string>> }
  /** Plugins added unless the project's config lists one of the same name (`motia dev` adds the console). */
  defaultPlugins?: MotiaPlugin[]
}

export interface Project {
  root: string
  config: ResolvedConfig
  /** The core's trigger types first, then the config's plugins, then the defaults it does not list. */
  plugins: MotiaPlugin[]
  triggerTypes: ReadonlyMap<string, TriggerType>
  loaders: StepLoader[]
  /** The bundled modules by absolute path (compiled executables), else undefined. */
  bundled?: ReadonlyMap<string, StepModule>
  /** Steps in other languages (Python): their loaders and workers, once `withLanguages` added them. */
  languages?: LanguageHost
  /** Adds the plugins' context members to a run's context; undefined when none adds any. */
  extendContext?: (ctx: FlowContext) => void
  /** What it was read with. */
  options: ProjectOptions
}

/**
 * Reads the project's config and plugins. Refuses, with one `ConfigError` each: a config that does
 * not load or check, a trigger type two plugins add, a context member two plugins add.
 */
export async function readProject(options: ProjectOptions): Promise<Project> {
  const root = resolve(options.root)
  const preloaded = options.bundle?.config ?? (options.bundle ? {} : undefined)
  const config = await loadConfig(root, { ...options.flags, mode: options.mode }, options.env ?? process.env, preloaded)
  const configured = new Set(config.plugins.map((p) => p.name))
  const defaults = (options.defaultPlugins ?? []).filter((p) => !configured.has(p.name))
  const plugins: MotiaPlugin[] = [{ name: 'motia:core', triggers: builtinTriggers }, ...config.plugins, ...defaults]
  const bundled = options.bundle && new Map(Object.entries(options.bundle.modules).map(([path, mod]) => [resolve(root, path), mod]))
  return {
    root,
    config,
    plugins,
    triggerTypes: collectTriggerTypes(plugins),
    loaders: bundled ? [staticLoader(bundled)] : [...(options.loaders ?? []), moduleLoader],
    bundled,
    extendContext: contextExtender(plugins),
    options,
  }
}

/**
 * The project with its other languages (runtime/languages/): a lazy loader each, tried after the
 * given `loaders` and before the TypeScript/JavaScript one; nothing starts until a file of theirs
 * loads. Workers inherit the process' environment (PATH, the project's .env), whatever `env` adds.
 */
export function withLanguages(project: Project, logger: Logger): Project & { languages: LanguageHost } {
  const { root, config, bundled, options } = project
  const languages = createLanguageHost({ root, logger, logLevel: config.logLevel, env: { ...process.env, ...options.env }, commands: config.languages, bundle: options.bundle?.languages })
  const loaders = bundled ? [staticLoader(bundled), ...languages.loaders] : [...(options.loaders ?? []), ...languages.loaders, moduleLoader]
  return { ...project, loaders, languages }
}

/**
 * Finds, loads and checks the step files (the bundled modules in a compiled executable). A step
 * file no loader handles is a warning. `previous` (the steps of the last load) lets a step whose
 * file now fails keep its queues.
 */
export async function discoverSteps(project: Project, previous: readonly LoadedStep[] = []): Promise<LoadResult> {
  const { root, loaders, bundled, triggerTypes } = project
  // One scan of the step roots: the files a loader handles are loaded, the others warned about.
  const found = bundled ? [] : scanStepFiles(root)
  const handled = (file: string) => loaders.some((loader) => loader.accepts(file))
  const files = bundled ? [...[...bundled.keys()].filter((file) => !isStreamFile(file)), ...(project.languages?.bundledStepFiles() ?? [])].sort() : found.filter(handled)
  const result = await loadSteps({ root, files, loaders, triggerTypes, previous })
  const unsupported = found.filter((file) => !handled(file))
  result.warnings.unshift(...unsupported.map((file) => `[motia] ${relative(root, file)} is not loaded: no loader handles this kind of step file`))
  if (!bundled) result.warnings.push(...lookAlikeHints(root, isStepFile))
  return result
}

/** Finds and loads the stream files (`*.stream.ts`, and other languages' through their workers), or the bundled ones. */
export function discoverStreams(project: Pick<Project, 'root' | 'bundled' | 'languages'>): Promise<StreamLoadResult> {
  const { root, bundled } = project
  // The step roots walked as scanStepRoots walks them (findStreamFiles' Bun.Glob costs the start ~1.3 MiB).
  const own = bundled ? [...bundled.keys()].filter(isStreamFile).sort() : scanStepRoots(root, ['ts', 'js', 'mjs'], isStreamFile)
  const extra = project.languages?.streams()
  const others = new Set(extra?.files)
  return loadStreams(root, [...own, ...others], async (file) => (others.has(file) ? extra!.load(file) : bundled ? bundled.get(file) : import(file)))
}

/** What a project's files load to, read without serving it (the CLI's build, generate and enqueue). */
export interface ProjectFiles {
  project: Project
  steps: LoadedStep[]
  streams: LoadedStream[]
  warnings: string[]
  /** The stream files' errors, then the step files'. */
  errors: ConfigError[]
  /** Languages that cannot run here (no interpreter), one line each naming what to install. */
  unavailable: string[]
}

/**
 * Reads the project and loads its stream and step files, as a server's first load does. Steps in
 * other languages are loaded by their worker, which is stopped before this returns: the configs
 * are all the CLI's commands read.
 */
export async function loadProjectFiles(options: ProjectOptions): Promise<ProjectFiles> {
  const warnings: string[] = []
  const project = withLanguages(await readProject(options), createLogger((entry) => warnings.push(entry.msg), { level: 'warn' }))
  try {
    const streams = await discoverStreams(project)
    const steps = await discoverSteps(project)
    return { project, steps: steps.steps, streams: streams.streams, warnings: [...steps.warnings, ...warnings], errors: [...streams.errors, ...steps.errors], unavailable: steps.unavailable }
  } finally {
    await project.languages.close()
  }
}

/** The errors of a load as one `ConfigError`, one message a line: how `motia start` and `motia build` refuse them. */
export function loadFailure(errors: readonly ConfigError[]): ConfigError {
  return new ConfigError(errors.map((error) => error.message).join('\n'))
}

/**
 * Opens the project's adapters for a command that does not serve it (state, dlq, enqueue): the
 * same choice as a server's (config, `REDIS_URL`, else the embedded store), without the server's
 * lock (a server may be running) and without reclaiming its leases. A project no server ran in
 * (no `.motia/`) is refused rather than given an empty store, unless `create` (an enqueue that the next
 * server delivers).
 */
export async function openProjectAdapters(project: Pick<Project, 'root' | 'config'>, options: { create?: boolean } = {}): Promise<ResolvedAdapters> {
  const { root, config } = project
  // A server that wrote nothing yet leaves no store file (it opens at the first write), but its `.motia/` folder.
  if (!options.create && usesEmbeddedStore(config, config.adapters) && !existsSync(dirname(defaultDatabasePath(root)))) {
    throw new MotiaError(`[motia] no store yet in ${root}/.motia: run \`motia dev\` or \`motia start\` in the project first (or pass --dir <project>)`)
  }
  return resolveAdapters(root, config, config.adapters)
}

/** Runs `action` with the project's adapters (`openProjectAdapters`) and closes them afterwards. */
export async function withProjectAdapters<T>(root: string, action: (adapters: ResolvedAdapters) => Promise<T>): Promise<T> {
  const adapters = await openProjectAdapters(await readProject({ root }))
  try {
    return await action(adapters)
  } finally {
    await adapters.close()
  }
}
