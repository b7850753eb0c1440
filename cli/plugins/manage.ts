/**
 * What `motia plugin add | list | remove` do (cli/commands/plugin.ts declares them): installs a
 * plugin and lists it in `motia.config.ts`, shows what the configured plugins add, and takes one
 * out again. `add` and `remove` change the config through its syntax tree, and on any failure put
 * back every file they touched, byte for byte.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import { configFiles, loadConfig } from '../../runtime/config.ts'
import { MotiaError, errorMessage } from '../../runtime/errors.ts'
import { UsageError } from '../errors.ts'
import { describePlugin } from '../../runtime/plugin-host.ts'
import { printJson, printTable } from '../output.ts'
import { readProjectLock } from '../../runtime/project-lock.ts'
import { createProgress } from '../progress.ts'
import { addPlugin, listPlugins, newConfigSource, removePlugin } from './config-edit.ts'
import { inspectPlugin } from './inspect.ts'
import { parseOptions } from './options.ts'
import { detectPackageManager, installFiles, installPackages } from './install.ts'
import { firstPartyEnv, parseSpec } from './spec.ts'

interface AddOptions {
  dir: string
  option?: string[]
  install?: boolean
}

export async function add(spec: string, opts: AddOptions): Promise<void> {
  const root = resolve(opts.dir)
  const options = parseOptions(opts.option ?? [])
  const parsed = await parseSpec(spec, root)
  const file = configFile(root)
  const snapshot = takeSnapshot(root, [basename(file), ...installFiles])
  const progress = createProgress()
  try {
    const missing = parsed.kind === 'first-party' ? parsed.install.filter((name) => !resolvable(packageName(name), root)) : parsed.install
    if (parsed.kind === 'first-party' && !resolvable('motia', root)) {
      throw new UsageError(`[motia] ${root} does not resolve the motia package, which holds the first-party plugins: add motia to the project's dependencies and install them first`)
    }
    if (missing.length > 0 && opts.install !== false) {
      const manager = detectPackageManager(root)
      progress.phase(`installing ${missing.join(' ')} (${manager})`)
      await installPackages(root, manager, missing)
    }
    progress.phase(`checking ${spec}`)
    const specifier = parsed.kind === 'path' ? join(root, parsed.importFrom) : parsed.importFrom
    const { plugin, exportName, factory } = await inspectPlugin(specifier, root, options, spec)
    const before = snapshot.get(basename(file))
    const env = parsed.kind === 'first-party' ? firstPartyEnv[spec] : undefined
    const next = addPlugin(before ?? newConfigSource, { importFrom: parsed.importFrom, exportName, local: parsed.local, options: factory ? (options ?? {}) : undefined, env })
    if (next === before) {
      progress.done(`${plugin.name} is already in ${basename(file)} with these options: nothing to change`)
      return
    }
    writeFileSync(file, next)
    progress.phase(`loading ${basename(file)}`)
    await loadConfig(root, {}, {})
    progress.done(`added plugin "${plugin.name}" (${parsed.importFrom}) to ${basename(file)}${summary(describePlugin(plugin))}`)
    process.stdout.write(`  ${whatHappensNext(root)}\n`)
  } catch (error) {
    snapshot.restore()
    progress.failed(`could not add ${spec}`)
    if (error instanceof MotiaError) throw new UsageError(`${error.message} (${basename(file)} is unchanged)`, { cause: error })
    throw new UsageError(`[motia] could not add ${spec}: ${errorMessage(error)} (${basename(file)} is unchanged)`, { cause: error })
  }
}

export async function list(opts: { dir: string; json?: boolean }): Promise<void> {
  const root = resolve(opts.dir)
  const file = configFile(root)
  const entries = existsSync(file) ? listPlugins(readFileSync(file, 'utf8')) : []
  const config = await loadConfig(root, {}, {})
  const rows = config.plugins.map((plugin, i) => ({ ...describePlugin(plugin), from: entries[i]?.importFrom ?? '(in the config)' }))
  if (opts.json) return printJson(rows)
  if (rows.length === 0) {
    process.stdout.write('no plugins configured: add one with motia plugin add <name|package|path>\n')
    return
  }
  printTable(
    ['PLUGIN', 'FROM', 'TRIGGERS', 'ADDS'],
    rows.map((r) => [r.name, r.from, r.triggers.join(', ') || '-', [...r.hooks, ...r.context, ...r.routes, ...r.commands.map((c) => `motia ${c}`)].join(', ') || '-']),
  )
}

export async function remove(name: string, opts: { dir: string }): Promise<void> {
  const root = resolve(opts.dir)
  const file = configFile(root)
  if (!existsSync(file)) throw new UsageError(`[motia] ${root} has no motia.config.ts: no plugins to remove`)
  const source = readFileSync(file, 'utf8')
  const entries = listPlugins(source)
  // The plugins' own names need the config loaded; a config that no longer loads (a package was
  // uninstalled) is still matched by import source.
  const names = await loadConfig(root, {}, {}).then((c) => c.plugins.map((p) => p.name)).catch(() => [] as string[])
  const entry = entries.find((e) => names[e.index] === name || e.importFrom === name || e.importFrom === `motia/plugins/${name}` || (e.importFrom && resolve(root, e.importFrom) === resolve(root, name)))
  if (!entry) {
    const known = entries.map((e) => names[e.index] ?? e.importFrom ?? `#${e.index + 1}`).join(', ') || 'none'
    throw new UsageError(`[motia] no plugin "${name}" in ${basename(file)}; configured: ${known}`)
  }
  writeFileSync(file, removePlugin(source, entry.index))
  process.stdout.write(`✓ removed plugin "${names[entry.index] ?? name}" from ${basename(file)}${entry.importFrom && !entry.importFrom.startsWith('.') && !entry.importFrom.startsWith('motia/') ? ` (the package stays installed: uninstall ${entry.importFrom} if nothing else uses it)` : ''}\n`)
}

// --- internal ---

/** What becomes of the added plugin: a running `motia dev` restarts by itself, anything else on its next start. */
function whatHappensNext(root: string): string {
  const server = readProjectLock(root)
  if (server?.mode === 'dev') return `motia dev (pid ${server.pid}) restarts its runtime by itself to load it`
  if (server) return `restart motia ${server.mode} (pid ${server.pid}) to load it`
  return 'it loads with the next motia dev or motia start'
}

function configFile(root: string): string {
  return configFiles.map((f) => join(root, f)).find((f) => existsSync(f)) ?? join(root, 'motia.config.ts')
}

function resolvable(name: string, root: string): boolean {
  try {
    Bun.resolveSync(`${name}/package.json`, root)
    return true
  } catch {
    try {
      Bun.resolveSync(name, root)
      return true
    } catch {
      return false
    }
  }
}

/** `@scope/name@^1` → `@scope/name`. */
function packageName(spec: string): string {
  const at = spec.indexOf('@', 1)
  return at > 0 ? spec.slice(0, at) : spec
}

/** The bytes of `files` (absent ones remembered as absent), and a way to put them back. */
function takeSnapshot(root: string, files: string[]) {
  const saved = new Map<string, string | undefined>()
  for (const name of files) {
    const path = join(root, name)
    saved.set(name, existsSync(path) ? readFileSync(path, 'latin1') : undefined)
  }
  return {
    get: (name: string) => {
      const bytes = saved.get(name)
      return bytes === undefined ? undefined : Buffer.from(bytes, 'latin1').toString('utf8')
    },
    restore() {
      for (const [name, bytes] of saved) {
        const path = join(root, name)
        if (bytes === undefined) rmSync(path, { force: true })
        else writeFileSync(path, Buffer.from(bytes, 'latin1'))
      }
    },
  }
}

function summary(s: ReturnType<typeof describePlugin>): string {
  const parts = [
    s.triggers.length ? `trigger types ${s.triggers.join(', ')}` : '',
    s.context.length ? s.context.join(', ') : '',
    s.commands.length ? `commands ${s.commands.map((c) => `motia ${c}`).join(', ')}` : '',
  ].filter(Boolean)
  return parts.length ? `: ${parts.join('; ')}` : ''
}
