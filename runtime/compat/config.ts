/**
 * `motia.config.ts` as Motia 0.x and 1.0 projects write it, read as ours:
 *
 * - `@motiadev/core` and Motia's first-party plugin packages (`@motiadev/plugin-endpoint/plugin`, …)
 *   resolve in a project that has only `motia` installed: `registerMotiaModules` adds them as
 *   virtual modules before the config is imported (Bun's runtime plugins resolve bare imports of
 *   loaded files only through `module`, not `onResolve`). An installed copy of the real package is
 *   shadowed on purpose: Motia's plugins call Motia's server internals.
 * - `motiaModulesForBuild` does the same for `motia build`'s bundler.
 * - `adaptMotiaConfig` maps Motia's keys (`plugins` builders, `streamAuth`, `redis`, `adapters`,
 *   `app`) and returns one notice per mapped or dropped part, so nothing is dropped silently.
 */
import { plugin as bunPlugin, type BunPlugin } from 'bun'
import { ConfigError } from '../errors.ts'
import type { MotiaConfig } from '../types/runtime.ts'

/** One line for the log when the project starts. */
export interface ConfigNotice {
  level: 'info' | 'warn'
  msg: string
}

/** What serves each of Motia's first-party plugins here, by package name. */
export const motiaPlugins: Readonly<Record<string, string>> = {
  '@motiadev/plugin-endpoint': "the console's Endpoints page (/__motia/) lists and calls the http steps",
  '@motiadev/workbench-endpoint': "the console's Endpoints page (/__motia/) lists and calls the http steps",
  '@motiadev/plugin-logs': "the console's Logs page (/__motia/) shows the logs, live",
  '@motiadev/plugin-observability': "the console's Traces page (/__motia/) shows every trace and span; OTLP export is motia/plugins/otel",
  '@motiadev/plugin-states': "the console's State page (/__motia/) browses and edits state",
  '@motiadev/plugin-streams': "the console's Streams page (/__motia/) browses stream items",
  '@motiadev/plugin-redis-streams': "the console's Streams page (/__motia/) browses stream items; streams live in Redis when REDIS_URL is set",
  '@motiadev/plugin-cron': "the console's Flows and Traces pages (/__motia/) show cron steps and their ticks",
  '@motiadev/cron-plugin': "the console's Flows and Traces pages (/__motia/) show cron steps and their ticks",
  '@motiadev/plugin-ws': "the stream WebSocket is built in; the console's Streams page shows the items",
  '@motiadev/ws-plugin': "the stream WebSocket is built in; the console's Streams page shows the items",
  '@motiadev/plugin-example': 'nothing is needed: it only adds an example page to Motia\'s Workbench',
  // The queue side depends on where the queues run; see pluginNotice.
  '@motiadev/plugin-bullmq': '',
}

const motiaPluginName = Symbol.for('motia.compat.motiaPlugin')

/** A stand-in for one of Motia's plugin builders, recognised by `adaptMotiaConfig`. */
export function motiaPluginStandIn(packageName: string): (motia?: unknown) => { workbench: [] } {
  const builder = () => ({ workbench: [] as [] })
  Object.defineProperty(builder, motiaPluginName, { value: packageName })
  Object.defineProperty(builder, 'name', { value: packageName })
  return builder
}

let registered = false

/**
 * Makes `@motiadev/core` (this package's `motia` entry) and Motia's first-party plugins importable
 * from any file this process loads. Idempotent.
 */
export function registerMotiaModules(): void {
  if (registered) return
  registered = true
  // Bun's own fileURLToPath: node:url costs ~4 ms and ~0.3 MiB to load at every start.
  const entry = JSON.stringify(Bun.fileURLToPath(new URL('../index.ts', import.meta.url)))
  bunPlugin({
    name: 'motia:compat-modules',
    setup(build) {
      build.module('@motiadev/core', () => ({ contents: `export * from ${entry}`, loader: 'ts' }))
      for (const name of Object.keys(motiaPlugins)) {
        const exports = () => ({ exports: { default: motiaPluginStandIn(name) }, loader: 'object' as const })
        build.module(name, exports)
        build.module(`${name}/plugin`, exports)
      }
    },
  })
}

/**
 * The same modules for `Bun.build` (`motia build`), where `onResolve` does see bare imports:
 * `@motiadev/core` becomes the `motia` entry the importing file resolves (so the executable holds
 * one copy of the runtime), and each of Motia's plugin packages the stand-in `motia dev` gives it.
 */
export function motiaModulesForBuild(): BunPlugin {
  const standIns = JSON.stringify(Bun.fileURLToPath(import.meta.url))
  return {
    name: 'motia:compat-modules',
    setup(build) {
      build.onResolve({ filter: /^@motiadev\/core$/ }, (args) => ({ path: Bun.resolveSync('motia', args.resolveDir || process.cwd()) }))
      build.onResolve({ filter: /^@motiadev\// }, async (args) => {
        if (isProvidedMotiaModule(args.path)) return { path: args.path.replace(/\/plugin$/, ''), namespace: 'motia-plugin' }
        // Imported here, at build time: a server's start does not load it.
        const { packageName, resolves } = await import('../discovery/missing-imports.ts')
        if (resolves(args.path, args.resolveDir || process.cwd())) return undefined
        throw new Error(`${args.importer || 'a file'} imports ${args.path}: ${unknownMotiaPackage(packageName(args.path))}`)
      })
      build.onLoad({ filter: /.*/, namespace: 'motia-plugin' }, (args) => ({
        contents: `import { motiaPluginStandIn } from ${standIns}\nexport default motiaPluginStandIn(${JSON.stringify(args.path)})\n`,
        loader: 'ts',
      }))
    },
  }
}

/**
 * Maps Motia's config keys onto ours. `redisUrl` is where the queues will run (REDIS_URL wins over
 * the file's `redis`, as the caller decides), used to say what serves the BullMQ plugin.
 */
export function adaptMotiaConfig(config: MotiaConfig, where: string, envRedisUrl: string | undefined): { config: MotiaConfig; notices: ConfigNotice[]; redisUrl?: string } {
  const motia = config as MotiaConfig & MotiaOnlyKeys
  const notices: ConfigNotice[] = []
  const redisUrl = envRedisUrl ?? redisFromConfig(motia.redis, where, notices)
  const out: MotiaConfig = { ...config }
  if (Array.isArray(config.plugins)) out.plugins = config.plugins.filter((plugin, i) => keepPlugin(plugin, i, where, redisUrl, notices))
  if (motia.streamAuth !== undefined && config.authenticateStream === undefined) out.authenticateStream = streamAuth(motia.streamAuth, where)
  if (motia.app !== undefined) {
    notices.push({
      level: 'warn',
      msg: `[motia] ${where}: app (Motia's Express customisation) is not called: this server is not Express. Move CORS to http.cors and request middleware to http.middleware (docs/migrating-from-motia.md)`,
    })
  }
  if (config.adapters) out.adapters = adapters(config.adapters as Record<string, unknown>, where, notices)
  return { config: out, notices, redisUrl }
}

/** Whether `specifier` is one of the Motia modules this runtime provides (`@motiadev/core`, Motia's plugins). */
export function isProvidedMotiaModule(specifier: string): boolean {
  return specifier === '@motiadev/core' || Object.hasOwn(motiaPlugins, specifier.replace(/\/plugin$/, ''))
}

/** The fix for an import of a Motia package that has no counterpart here and is not installed. */
export function unknownMotiaPackage(name: string): string {
  return `${name} is a Motia package with no counterpart here: remove its import and its entry in plugins (docs/migrating-from-motia.md lists what each Motia package maps to)`
}

// --- internal ---

interface MotiaOnlyKeys {
  app?: unknown
  redis?: { useMemoryServer?: boolean; host?: string; port?: number; password?: string; username?: string; db?: number }
  streamAuth?: { contextSchema?: unknown; authenticate?: (request: { headers: Record<string, string>; url?: string }) => unknown }
}

function keepPlugin(plugin: unknown, index: number, where: string, redisUrl: string | undefined, notices: ConfigNotice[]): boolean {
  if (typeof plugin !== 'function') return true
  const name = (plugin as unknown as Record<symbol, string | undefined>)[motiaPluginName]
  if (name !== undefined) {
    notices.push({ level: 'info', msg: `[motia] ${name} (${where}) is served here: ${pluginNotice(name, redisUrl)}` })
    return false
  }
  // A function is either a plugin factory of ours left uncalled, or a Motia workbench plugin.
  const label = plugin.name || `plugins[${index}]`
  notices.push({
    level: 'warn',
    msg:
      `[motia] plugin ${label} (plugins[${index}] in ${where}) is not loaded: it is a function, not a plugin object. ` +
      `If it is a plugin of this runtime, call it: plugins: [${plugin.name || 'plugin'}({ ... })]. ` +
      `If it is a Motia Workbench plugin, it has no counterpart here: move its steps under steps/ or src/ and its server code into a definePlugin plugin (docs/plugins.md). The steps still load.`,
  })
  return false
}

function pluginNotice(name: string, redisUrl: string | undefined): string {
  if (name !== '@motiadev/plugin-bullmq') return motiaPlugins[name]!
  return redisUrl
    ? `queues run on BullMQ over Redis (${redactUrl(redisUrl)}); the console's Queues page (/__motia/) shows them and their dead letters`
    : "queues run on the embedded SQLite queue; set REDIS_URL (or redis in motia.config.ts) to run them on BullMQ over Redis. The console's Queues page (/__motia/) shows them and their dead letters"
}

/** Motia 0.17's `redis` key: `{ useMemoryServer: true }` is our embedded store; host/port become a URL. */
function redisFromConfig(redis: MotiaOnlyKeys['redis'], where: string, notices: ConfigNotice[]): string | undefined {
  if (redis === undefined || redis === null) return undefined
  if (typeof redis !== 'object') {
    notices.push({ level: 'warn', msg: `[motia] ${where}: redis must be an object such as { host: '127.0.0.1', port: 6379 }; it is ignored` })
    return undefined
  }
  if (redis.useMemoryServer || redis.host === undefined) {
    notices.push({ level: 'info', msg: `[motia] ${where}: redis.useMemoryServer is served by the embedded store in .motia/ (no Redis needed); set REDIS_URL to use a Redis` })
    return undefined
  }
  const auth = redis.password ? `${encodeURIComponent(redis.username ?? '')}:${encodeURIComponent(redis.password)}@` : ''
  return `redis://${auth}${redis.host}:${redis.port ?? 6379}${redis.db ? `/${redis.db}` : ''}`
}

/** Motia's `streamAuth.authenticate({ headers, url })` as our `authenticateStream`. */
function streamAuth(value: NonNullable<MotiaOnlyKeys['streamAuth']>, where: string): MotiaConfig['authenticateStream'] {
  const authenticate = value?.authenticate
  if (typeof authenticate !== 'function') {
    throw new ConfigError(`[motia] ${where}: streamAuth.authenticate must be a function (request) => context | null, e.g. streamAuth: { authenticate: async (request) => (await userOf(request.headers)) ?? null }`)
  }
  return (request) => authenticate({ headers: request.headers, url: request.url })
}

/** Motia's adapter keys: `events`/`cron` have no slot here; a Motia state/stream adapter does not fit ours. */
function adapters(given: Record<string, unknown>, where: string, notices: ConfigNotice[]): MotiaConfig['adapters'] {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(given)) {
    if (key === 'events' || key === 'cron') {
      const ours = key === 'events' ? 'queues run on the embedded SQLite queue, or on BullMQ when REDIS_URL is set (adapters.queue for your own)' : 'cron ticks run in this server (adapters.cronLock decides the instance when several share a Redis)'
      notices.push({ level: 'warn', msg: `[motia] ${where}: adapters.${key} is Motia's and is not used here: ${ours}` })
      continue
    }
    if ((key === 'state' || key === 'streams') && isMotiaAdapter(value, key)) {
      notices.push({
        level: 'warn',
        msg: `[motia] ${where}: adapters.${key} (${className(value)}) is a Motia adapter, whose interface differs from ours; it is not used: ${key} live in the embedded store in .motia/, or in Redis when REDIS_URL is set (docs/adapters.md)`,
      })
      continue
    }
    out[key] = value
  }
  return out as MotiaConfig['adapters']
}

/** An instance (not a factory) without the methods our interface needs. */
function isMotiaAdapter(value: unknown, key: string): boolean {
  if (typeof value !== 'object' || value === null) return false
  const needed = key === 'state' ? ['get', 'set', 'update', 'delete', 'list', 'listGroups', 'clear', 'close'] : ['get', 'set', 'delete', 'list', 'listGroups', 'close']
  return needed.some((method) => typeof (value as Record<string, unknown>)[method] !== 'function')
}

const className = (value: unknown) => (value as object).constructor?.name || 'an object'

const redactUrl = (url: string) => url.replace(/\/\/[^@/]*@/, '//***@')
