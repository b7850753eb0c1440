/**
 * Shapes shared by the language layer: a language's registry entry and the loader the runtime
 * drives. Type-only, so every module of runtime/languages/ may import it without a cycle.
 */
import type { StepLoader } from '../discovery/loaded-step.ts'
import type { Logger, LogLevel } from '../observability/logger.ts'

export interface LanguageDefinition {
  /** `python`: the `language` of its steps, the key under `languages` in motia.config.ts, `MOTIA_PYTHON`. */
  name: string
  /** Shown in messages: `Python`. */
  label: string
  /** File extensions of the language, for scanning (`py`). */
  extensions: readonly string[]
  /** Step files: `*.step.py`, `*_step.py` (and so `*.job_step.py`, `*.cron_step.py`). */
  stepFile: RegExp
  /** Stream definition files: `*.stream.py`, `*_stream.py`. */
  streamFile: RegExp
  /** The interpreter and its flags, e.g. `['python3']`. `MOTIA_<NAME>` or config replaces it. */
  command: readonly string[]
  /** The folder holding the SDK, embedded in built executables. */
  sdkDir: string
  /** The worker script, relative to `sdkDir`: run as `<command> <sdkDir>/<worker>`. */
  worker: string
  /** Files of the project to embed in a build besides the steps (local imports): `*.py`. */
  sourceFile: RegExp
  /** What to install when the interpreter is missing, for the one line that says so. */
  install: string
  /**
   * Folders of a project that hold no source of its own for this language (installed packages,
   * caches), left out of a build: folder names (`__pycache__`) or paths from the root (`vendor/bundle`).
   */
  ignoredDirs?: readonly string[]
  /** Environment the worker needs besides the project's (e.g. unbuffered output). */
  env?: Record<string, string>
}


/** A loader of one language's step files, with what the runtime needs beyond `StepLoader`. */
export interface LanguageLoader extends StepLoader {
  readonly language: LanguageDefinition
  /** Loads a stream definition file; its hooks (if any) call the worker. */
  loadStream(file: string): Promise<{ config: unknown }>
  /** Before a reload: the worker forgets the project's modules so edited files run again. */
  reset(): Promise<void>
  /** Stops the worker. */
  close(): Promise<void>
  /** The worker's pid while one runs (tests kill it). */
  workerPid(): number | undefined
}

export interface LanguageLoaderOptions {
  language: LanguageDefinition
  /** The project root, as the runtime names files. */
  root: string
  /** The root the worker imports from, when not `root` (a built executable's extracted copy). */
  workerRoot?: string
  cwd?: string
  /** The interpreter and its flags. */
  command: readonly string[]
  sdkDir: string
  logger: Logger
  logLevel: LogLevel
  env: Record<string, string | undefined>
  cancelGraceMs?: number
  /** The path the worker imports for a file the runtime names. */
  pathFor?(file: string): string
}
