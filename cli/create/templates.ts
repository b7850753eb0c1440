/**
 * The built-in templates: every folder of `templates/` with a `template.json`
 * (`{ "description": "...", "language": "typescript" | "javascript" | "python" | "multi-language" }`). Folders starting with
 * `_` hold extras (the `--cursor` rules), not templates.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

export interface BuiltinTemplate {
  name: string
  description: string
  language: TemplateLanguage
  dir: string
}

/** What `motia create` asks first; each template belongs to one. */
export const templateLanguages = [
  { value: 'typescript', label: 'TypeScript' },
  { value: 'javascript', label: 'JavaScript' },
  { value: 'python', label: 'Python', hint: 'needs python3 ≥ 3.10' },
  { value: 'multi-language', label: 'TypeScript + Python', hint: 'one flow across both' },
] as const

export type TemplateLanguage = (typeof templateLanguages)[number]['value']

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
