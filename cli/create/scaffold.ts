/**
 * Writes a project from a template folder: copies the files, names the package, points its
 * `motia` dependency at this framework, and adds the `--cursor` rules when asked.
 */
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import pkg from '../../package.json' with { type: 'json' }
import { templatesRoot } from './templates.ts'

export interface ScaffoldOptions {
  from: string
  to: string
  packageName: string
  cursor: boolean
}

/** The `motia` dependency of a new project: this checkout when run from one, else the release. */
export function motiaDependency(): string {
  const here = resolve(import.meta.dir, '../..')
  return here.split(/[\\/]/).includes('node_modules') ? `^${pkg.version}` : `link:${here}`
}

export function scaffold(options: ScaffoldOptions): void {
  cpSync(options.from, options.to, {
    recursive: true,
    force: true,
    filter: (source) => !/[\\/](node_modules|\.motia|dist)$/.test(source),
  })
  rmSync(join(options.to, 'template.json'), { force: true })
  if (options.cursor) cpSync(join(templatesRoot, '_cursor'), options.to, { recursive: true, force: true })
  const manifest = join(options.to, 'package.json')
  const json = existsSync(manifest) ? (JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, unknown>) : {}
  // A plugin package (motia as a peer) gets motia for its tests only, so projects keep one copy.
  const plugin = Boolean((json.peerDependencies as Record<string, string> | undefined)?.motia)
  const dependencies = { ...(json.dependencies as Record<string, string> | undefined), ...(plugin ? {} : { motia: motiaDependency() }) }
  // Bun comes from npm too, so `npm run dev` works on a machine that has only Node.
  const devDependencies: Record<string, string> = {
    ...(json.devDependencies as Record<string, string> | undefined),
    ...(plugin ? { motia: motiaDependency() } : {}),
    bun: pkg.dependencies.bun,
  }
  if (existsSync(join(options.to, 'tsconfig.json'))) devDependencies['@types/bun'] ??= pkg.devDependencies['@types/bun']
  const scripts = { dev: 'motia dev', start: 'motia start', build: 'motia build', ...(json.scripts as Record<string, string> | undefined) }
  writeFileSync(manifest, `${JSON.stringify({ ...json, name: options.packageName, private: plugin ? false : true, type: 'module', scripts, dependencies, devDependencies }, null, 2)}\n`)
}
