/**
 * Project configuration: `motia.config.ts` merged with the environment and the CLI's flags.
 * The only place the runtime reads environment variables.
 */
import { existsSync } from 'node:fs'
import { basename, dirname, join, relative } from 'node:path'
import { ConfigError } from './errors.ts'
import type { LogLevel } from './observability/logger.ts'
import { checkCors } from './http/cors.ts'
import { checkPlugins } from './plugin-host.ts'
import { resolveStreamLimits } from './streams/limits.ts'
import { checkMaskOptions, createMasker } from './observability/mask.ts'
import { languages } from './languages/registry.ts'
import { adaptMotiaConfig, registerMotiaModules, unknownMotiaPackage } from './compat/config.ts'
// `motia build` bundles Motia projects: their `@motiadev/*` imports resolve as `loadConfig` makes them.
export { motiaModulesForBuild } from './compat/config.ts'
import type { AdapterContext, AdapterFactory, MotiaConfig, ResolvedConfig } from './types/runtime.ts'

/**
 * Types `motia.config.ts`. Exists only for inference.
 *
 * @example
 * export default defineConfig({ http: { bodyLimit: 5 * 1024 * 1024 }, plugins: [myPlugin] })
 */
export function defineConfig<C extends MotiaConfig>(config: C): C {
  return config
}

export const configFiles = ['motia.config.ts', 'motia.config.js', 'motia.config.mjs']

/**
 * Loads the project's config; flags win over the environment, which wins over the file.
 * `preloaded` replaces reading `motia.config.ts` (compiled executables embed it).
 */
export async function loadConfig(
  root: string,
  flags: { port?: number; host?: string; logFormat?: 'json' | 'pretty'; mode?: 'dev' | 'start' | 'test' } = {},
  env: Record<string, string | undefined> = process.env,
  preloaded?: MotiaConfig,
): Promise<ResolvedConfig> {
  const file = preloaded ? undefined : configFiles.map((f) => join(root, f)).find((f) => existsSync(f))
  // Motia projects import `@motiadev/core` and Motia's plugins, in the config and in steps.
  registerMotiaModules()
  const where = file ? relative(root, file) : 'motia.config.ts'
  const envRedisUrl = env.REDIS_URL?.trim() || undefined
  const adapted = adaptMotiaConfig(preloaded ?? (file ? await importConfig(file) : {}), where, envRedisUrl)
  const { config, redisUrl } = adapted
  // Every mistake is reported together: fixing one per restart wastes the user's time.
  const problems: ConfigError[] = []
  const check = <T>(read: () => T): T | undefined => {
    try {
      return read()
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
      problems.push(error)
      return undefined
    }
  }
  if (redisUrl !== undefined && !/^rediss?:\/\/[^\s]+$/.test(redisUrl)) {
    const from = envRedisUrl ? 'REDIS_URL' : `redis in ${where}`
    problems.push(new ConfigError(`[motia] ${from} must look like redis://host:6379 (or rediss:// for TLS), got "${redisUrl}": fix or unset ${from}`))
  }
  const envPort = env.PORT ? Number(env.PORT) : undefined
  if (envPort !== undefined && !(/^\d+$/.test(env.PORT!) && envPort <= 65535)) {
    problems.push(new ConfigError(`[motia] PORT must be a whole number from 0 to 65535, got "${env.PORT}": fix or unset PORT, or pass --port <n>`))
  }
  const levelFrom = env.MOTIA_LOG_LEVEL !== undefined ? 'MOTIA_LOG_LEVEL' : env.LOG_LEVEL !== undefined ? 'LOG_LEVEL' : 'logLevel in motia.config.ts'
  const logLevel = (env.MOTIA_LOG_LEVEL ?? env.LOG_LEVEL ?? config.logLevel ?? 'info') as LogLevel
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) {
    problems.push(new ConfigError(`[motia] ${levelFrom} must be one of debug, info, warn, error; got "${logLevel}"`))
  }
  const envFormat = env.MOTIA_LOG_FORMAT === 'json' || env.MOTIA_LOG_FORMAT === 'pretty' ? env.MOTIA_LOG_FORMAT : undefined
  check(() => checkCors(config.http?.cors, where))
  const middleware = config.http?.middleware ?? []
  if (!Array.isArray(middleware) || !middleware.every((m) => typeof m === 'function')) {
    problems.push(new ConfigError(`[motia] ${where}: http.middleware must be a list of functions (req, ctx, next) => response`, { file }))
  }
  const allowedHosts = check(() => checkAllowedHosts(config.http?.allowedHosts, where, file))
  const publicFiles = check(() => checkPublic(config.http?.public, where, file))
  const mask = check(() => createMasker(checkMaskOptions(config.mask, where, file)))
  const plugins = check(() => checkPlugins(config.plugins, file ? basename(file) : 'motia.config.ts'))
  const streams = check(() => resolveStreamLimits(config.streams, where))
  const languageCommandsOf = check(() => languageCommands(config.languages, env, where))
  if (problems.length === 1) throw problems[0]
  if (problems.length > 1) {
    const list = problems.map((problem, i) => `  ${i + 1}. ${problem.message.replace(/^\[motia\] /, '')}`).join('\n')
    throw new ConfigError(`[motia] the configuration has ${problems.length} problems:\n${list}`, { file })
  }
  const envOrFlagFormat = flags.logFormat ?? envFormat
  let terminalFormat: 'json' | 'pretty' | undefined
  return {
    plugins: plugins!,
    adapters: config.adapters ?? {},
    http: {
      port: flags.port ?? envPort ?? config.http?.port ?? 3111,
      // Production serves the network; anything else stays on this machine unless asked.
      host: flags.host ?? env.HOST ?? config.http?.host ?? (flags.mode === 'start' ? '0.0.0.0' : '127.0.0.1'),
      bodyLimit: config.http?.bodyLimit ?? 1024 * 1024,
      cors: config.http?.cors,
      middleware,
      allowedHosts: allowedHosts!,
      public: publicFiles,
    },
    logLevel,
    // Whether stdout is a terminal is asked at the first read, which the runtime's log sink makes at
    // its first line: process.stdout builds Node's stream machinery (~15 ms and ~1.3 MiB at start).
    get logFormat() {
      return envOrFlagFormat ?? (terminalFormat ??= process.stdout.isTTY ? 'pretty' : 'json')
    },
    shutdownTimeoutMs: config.shutdownTimeoutMs ?? 10_000,
    authenticateStream: config.authenticateStream,
    streams: streams!,
    mask: mask!,
    redisUrl,
    controlToken: env.MOTIA_TOKEN || undefined,
    languages: languageCommandsOf!,
    notices: adapted.notices,
    file,
  }
}

/** Resolves an adapter option that may be an instance or a factory. */
export async function resolveFactory<T>(value: AdapterFactory<T> | undefined, fallback: () => T | Promise<T>, context?: AdapterContext): Promise<T> {
  if (value === undefined) return fallback()
  return typeof value === 'function' ? (value as (context?: AdapterContext) => T | Promise<T>)(context) : value
}

// --- internal ---

/** `http.allowedHosts`: bare host names (`box.lan`, `.example.com`), not URLs or host:port. */
function checkAllowedHosts(value: unknown, where: string, file: string | undefined): string[] {
  if (value === undefined) return []
  const bad = Array.isArray(value) ? value.find((v) => typeof v !== 'string' || !/^\.?[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$|^\[?[0-9a-fA-F:.]+\]?$/.test(v)) : value
  if (!Array.isArray(value) || bad !== undefined) {
    throw new ConfigError(`[motia] ${where}: http.allowedHosts must be a list of host names such as ['devbox.lan', '.ngrok.app'] (no scheme, no port), got ${JSON.stringify(bad)}`, { file })
  }
  return value as string[]
}

/** `http.public`: a folder relative to the project (default `public`), `false`, or `{ dir, maxAge }`. */
function checkPublic(value: unknown, where: string, file: string | undefined): { dir: string; maxAge: number } | undefined {
  if (value === false) return undefined
  const options = typeof value === 'string' ? { dir: value } : (value ?? {})
  const { dir = 'public', maxAge = 0 } = options as { dir?: unknown; maxAge?: unknown }
  if (typeof options !== 'object' || typeof dir !== 'string' || !dir || dir.split(/[\\/]/).includes('..') || typeof maxAge !== 'number' || !Number.isInteger(maxAge) || maxAge < 0) {
    throw new ConfigError(`[motia] ${where}: http.public must be false, a folder inside the project such as 'public', or { dir: 'public', maxAge: 3600 } (maxAge in whole seconds ≥ 0)`, { file })
  }
  return { dir, maxAge }
}

/** `MOTIA_<NAME>` (e.g. `MOTIA_PYTHON="python3.12 -X dev"`) or `languages.<name>.command` of the config. */
function languageCommands(configured: MotiaConfig['languages'], env: Record<string, string | undefined>, where: string): Record<string, string[] | undefined> {
  const out: Record<string, string[] | undefined> = {}
  for (const { name, command: defaultCommand } of languages) {
    const variable = `MOTIA_${name.toUpperCase()}`
    const fromEnv = env[variable]?.trim()
    const command = fromEnv ? fromEnv.split(/\s+/) : configured?.[name]?.command
    if (command !== undefined && !(Array.isArray(command) && command.length > 0 && command.every((part) => typeof part === 'string' && part !== ''))) {
      throw new ConfigError(`[motia] ${where}: languages.${name}.command must be a non-empty list of strings, e.g. ['${defaultCommand[0]}']`)
    }
    out[name] = command
  }
  return out
}

/** Why a config did not import, with the fix when it is a Motia package we do not provide. */
function importFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  const missing = /Cannot find (?:module|package) '(@motiadev\/[^'\/]+)/.exec(message)?.[1]
  if (missing) {
    return `${message}. ${unknownMotiaPackage(missing)}`
  }
  const unknownExport = /Export named '([^']+)' not found in module '[^']*(?:@motiadev\/core|runtime\/index\.ts)'/.exec(message)?.[1]
  if (unknownExport) {
    return `${message}. ${unknownExport} is part of Motia's server and has no counterpart here: remove it from the import (docs/migrating-from-motia.md)`
  }
  return message
}

async function importConfig(file: string): Promise<MotiaConfig> {
  let mod: { default?: MotiaConfig }
  try {
    mod = await import(file)
  } catch (error) {
    const message = importFailure(error)
    const root = dirname(file)
    const { describeAt, locateError } = await import('./discovery/code-frame.ts')
    const location = locateError(error, root)
    const where = location ? describeAt(location, message, root) : `${basename(file)}: ${message}`
    throw new ConfigError(`[motia] ${basename(file)} failed to load: ${where}`, { file, location: location && { ...location, file: relative(root, location.file) }, cause: error })
  }
  const config = mod.default
  if (typeof config !== 'object' || config === null) {
    throw new ConfigError(`[motia] ${file} must export a config object: export default defineConfig({ ... })`, { file })
  }
  return config
}
