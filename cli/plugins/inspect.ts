/**
 * Imports a plugin module the way the project's config will, and checks that it really exports a
 * plugin (an object with a name, or a function returning one) whose options pass its schema.
 */
import { errorMessage } from '../../runtime/errors.ts'
import { UsageError } from '../errors.ts'
import type { MotiaPlugin } from '../../runtime/types/runtime.ts'
import { checkOptions } from '../../runtime/plugin-host.ts'

export interface InspectedPlugin {
  plugin: MotiaPlugin
  /** The export the config imports: `default` or a name. */
  exportName: string
  /** A factory is called with the options in the config; a plain plugin object takes none. */
  factory: boolean
}

export async function inspectPlugin(specifier: string, root: string, options: Record<string, unknown> | undefined, shown = specifier): Promise<InspectedPlugin> {
  let file: string
  try {
    file = Bun.resolveSync(specifier, root)
  } catch (error) {
    throw new UsageError(`[motia] ${shown} cannot be found from ${root}: ${errorMessage(error)}`)
  }
  let mod: Record<string, unknown>
  try {
    mod = (await import(file)) as Record<string, unknown>
  } catch (error) {
    throw new UsageError(`[motia] ${shown} failed to load: ${errorMessage(error)}`, { cause: error })
  }
  const exportName = pickExport(mod)
  if (!exportName) {
    const kinds = Object.entries(mod).map(([k, v]) => `${k} (${typeof v})`).join(', ') || 'nothing'
    throw new UsageError(`[motia] ${shown} does not export a plugin (it exports ${kinds}): export default definePlugin({ name, ... }) or a function that returns one`)
  }
  const value = mod[exportName]
  const factory = typeof value === 'function'
  if (!factory && options && Object.keys(options).length > 0) {
    throw new UsageError(`[motia] ${shown} exports a plugin that takes no options: leave out --option`)
  }
  let plugin: unknown = value
  if (factory) {
    try {
      plugin = (value as (o?: unknown) => unknown)(options)
    } catch (error) {
      throw new UsageError(`[motia] ${shown} refused its options: ${errorMessage(error)}`, { cause: error })
    }
  }
  if (!isPlugin(plugin)) throw new UsageError(`[motia] ${shown}: ${exportName === 'default' ? 'the default export' : exportName}() does not return a plugin (an object with a name)`)
  checkOptions(plugin, 'the given options')
  return { plugin, exportName, factory }
}

// --- internal ---

function isPlugin(value: unknown): value is MotiaPlugin {
  return typeof value === 'object' && value !== null && typeof (value as MotiaPlugin).name === 'string' && (value as MotiaPlugin).name.length > 0
}

/** The default export when it is a plugin or a function; else the one named export that is. */
function pickExport(mod: Record<string, unknown>): string | undefined {
  const usable = (v: unknown) => isPlugin(v) || typeof v === 'function'
  if (usable(mod.default)) return 'default'
  const named = Object.keys(mod).filter((k) => k !== 'default' && (isPlugin(mod[k]) || (typeof mod[k] === 'function' && /plugin$/i.test(k))))
  return named.length === 1 ? named[0] : undefined
}
