/**
 * The built-in templates: every folder of `templates/` with a `template.json`
 * (`{ "description": "...", "language": "typescript" | "javascript" }`). Folders starting with
 * `_` hold extras (the `--cursor` rules), not templates.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

export interface BuiltinTemplate {
  name: string
  description: string
  language: 'typescript' | 'javascript'
  dir: string
}

export const templatesRoot = resolve(import.meta.dir, '../../templates')

export function builtinTemplates(): BuiltinTemplate[] {
  return readdirSync(templatesRoot, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('_') && existsSync(join(templatesRoot, entry.name, 'template.json')))
    .map((entry) => {
      const dir = join(templatesRoot, entry.name)
      const meta = JSON.parse(readFileSync(join(dir, 'template.json'), 'utf8')) as Partial<BuiltinTemplate>
      return { name: entry.name, description: meta.description ?? '', language: meta.language ?? 'typescript', dir }
    })
    .sort((a, b) => (a.name === 'starter' ? -1 : b.name === 'starter' ? 1 : a.name.localeCompare(b.name)))
}

/** True when `source` names a remote template (`gh:`, `github:`, `gitlab:`, `https://…`, …). */
export function isRemoteSource(source: string): boolean {
  return /^[\w+.-]+:/.test(source)
}
