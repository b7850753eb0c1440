/**
 * How the runtime and the CLI use the plugins a config lists: checks them once when the config
 * loads (shape, unique names, options against the plugin's own schema), applies their `transform*`
 * hooks, adds their context members and routes. Kept apart from runtime.ts so that the run path
 * there stays one closure over plain arrays.
 */
import { ConfigError, errorMessage } from './errors.ts'
import type { LogSink } from './observability/logger.ts'
import type { TraceStore } from './adapters/traces/types.ts'
import type { MotiaRuntime } from './types/runtime.ts'
import { compileSchema, formatIssues } from './step/schema.ts'
import type { FlowContext } from './types/context.ts'
import type { MotiaPlugin } from './types/runtime.ts'

/**
 * Refuses a plugin list that cannot run: a non-object, a missing or repeated name, options that
 * fail the plugin's `optionsSchema`. `where` names the file for the message.
 */
export function checkPlugins(plugins: unknown, where = 'motia.config.ts'): MotiaPlugin[] {
  if (plugins === undefined) return []
  if (!Array.isArray(plugins)) throw new ConfigError(`[motia] plugins in ${where} must be an array: plugins: [myPlugin()]`, { file: where })
  const names = new Set<string>()
  plugins.forEach((plugin: unknown, i) => {
    if (typeof plugin === 'function') {
      throw new ConfigError(`[motia] plugins[${i}] in ${where} is a function, not a plugin: call it, e.g. plugins: [${plugin.name || 'plugin'}({ ... })]`, { file: where })
    }
    if (typeof plugin !== 'object' || plugin === null || typeof (plugin as MotiaPlugin).name !== 'string' || !(plugin as MotiaPlugin).name) {
      throw new ConfigError(`[motia] plugins[${i}] in ${where} is not a plugin: a plugin is an object with a name (see definePlugin)`, { file: where })
    }
    const { name } = plugin as MotiaPlugin
    if (names.has(name)) throw new ConfigError(`[motia] plugin "${name}" is listed twice in ${where}: keep one entry`, { file: where })
    names.add(name)
    checkOptions(plugin as MotiaPlugin, where)
  })
  return plugins as MotiaPlugin[]
}

/** Validates a plugin's options against its `optionsSchema`; throws a ConfigError naming the plugin. */
export function checkOptions(plugin: MotiaPlugin, where = 'motia.config.ts'): void {
  if (!plugin.optionsSchema) return
  const result = compileSchema(plugin.optionsSchema)(plugin.options ?? {})
  if (result instanceof Promise) throw new ConfigError(`[motia] plugin "${plugin.name}": its optionsSchema must be synchronous`, { file: where })
  if (!result.ok) {
    throw new ConfigError(`[motia] plugin "${plugin.name}" has invalid options in ${where}: ${formatIssues(result.issues)}; see the plugin's README for its options`, {
      file: where,
    })
  }
}

/** Applies every plugin's `transformTraces` hook, in list order (the last one outermost). */
export function transformTraces(plugins: readonly MotiaPlugin[], traces: TraceStore): TraceStore {
  for (const plugin of plugins) if (plugin.hooks?.transformTraces) traces = plugin.hooks.transformTraces(traces)
  return traces
}

/** Applies every plugin's `transformLogSink` hook, in list order (the last one outermost). */
export function transformLogSink(plugins: readonly MotiaPlugin[], sink: LogSink): LogSink {
  for (const plugin of plugins) if (plugin.hooks?.transformLogSink) sink = plugin.hooks.transformLogSink(sink)
  return sink
}

/**
 * The function that adds the plugins' context members to a run's context, or undefined when no
 * plugin adds any (the common case costs nothing). Each member is built on first read in a run.
 */
export function contextExtender(plugins: readonly MotiaPlugin[]): ((ctx: FlowContext) => void) | undefined {
  const members = plugins.flatMap((plugin) =>
    Object.entries(plugin.context ?? {}).map(([name, make]) => ({ name, make, plugin: plugin.name })),
  )
  if (members.length === 0) return undefined
  const seen = new Map<string, string>()
  for (const member of members) {
    const other = seen.get(member.name)
    if (other) throw new ConfigError(`[motia] plugins "${other}" and "${member.plugin}" both add ctx.${member.name}: keep one of them`)
    seen.set(member.name, member.plugin)
  }
  return (ctx) => {
    for (const { name, make } of members) {
      Object.defineProperty(ctx, name, {
        configurable: true,
        enumerable: true,
        get() {
          const value = make(ctx)
          Object.defineProperty(ctx, name, { value, configurable: true, enumerable: true })
          return value
        },
      })
    }
  }
}

/** Mounts the plugins' routes; a route that fails is answered with a JSON 500 and logged. */
export function mountPluginRoutes(plugins: readonly MotiaPlugin[], runtime: MotiaRuntime): void {
  for (const plugin of plugins) {
    for (const route of plugin.routes ?? []) {
      runtime.http.route({
        method: route.method,
        path: route.path,
        handler: (request, params) => route.handler(request, params, runtime),
      })
    }
  }
}

/** What `motia plugin list` shows of a plugin. */
export interface PluginSummary {
  name: string
  triggers: string[]
  hooks: string[]
  context: string[]
  routes: string[]
  commands: string[]
}

export function describePlugin(plugin: MotiaPlugin): PluginSummary {
  return {
    name: plugin.name,
    triggers: (plugin.triggers ?? []).map((t) => t.type),
    hooks: [
      ...Object.keys(plugin.hooks ?? {}),
      ...(['setup', 'dispose'] as const).filter((k) => typeof plugin[k] === 'function'),
    ],
    context: Object.keys(plugin.context ?? {}).map((k) => `ctx.${k}`),
    routes: (plugin.routes ?? []).map((r) => `${r.method} ${r.path}`),
    commands: (plugin.commands ?? []).map((c) => c.name),
  }
}

/** `plugin "x": <message>`, for errors a plugin's own code throws. */
export function pluginFailure(plugin: MotiaPlugin, what: string, error: unknown): ConfigError {
  return new ConfigError(`[motia] plugin "${plugin.name}" failed ${what}: ${errorMessage(error)}`, { cause: error })
}
